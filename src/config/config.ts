import { ConfigError } from './errors.js'
import { DEFAULT_FLOW_RING_SIZE } from '../core/flow-ring.js'
import { CONNECTOR, LINK, LISTENER, type ConnectorConfig, type LinkConfig, type ListenerConfig } from './resource-schemas.js'
import { isObj, parseHostPort, parseInteger, parseList, parseMultiaddr, parseSiteOrPeer, parseString, rejectUnknown, type Obj } from './values.js'

// Resources and value parsers live beside this file; everything that imported them from here still can.
export type { ConnectorConfig, LinkConfig, ListenerConfig } from './resource-schemas.js'
export { DEFAULT_MAX_CONNECTIONS_PER_LISTENER, parseConnectorFlag, parseLinkFlag, parseListenerFlag } from './resource-schemas.js'
export { parseHost, parseHostPort, parseInteger, parseLinkTarget, parseName, parsePort, parseRoutingKey } from './values.js'

export interface LimitsConfig {
  /** Tunnel streams a single peer may have open through this router at once. */
  tunnelsPerPeer: number
  /** New tunnel streams a single peer may open per second (bursts up to twice this). */
  newTunnelsPerSecondPerPeer: number
  /** A connection from a peer that is not a member gets this long to redeem a token. */
  joinWindowMs: number
}

export interface TimersConfig {
  /** How often a link sends a liveness probe. */
  helloIntervalMs: number
  /** A link with nothing heard for this long is declared down. */
  livenessTimeoutMs: number
  /** How often a router re-originates its own advertisement. */
  refreshIntervalMs: number
  /** Others' advertisements not refreshed within this are dropped. */
  maxAgeMs: number
  /** How often each connector's workload is probed with a TCP connect; 0 turns probing off. */
  connectorProbeIntervalMs: number
  /** On SIGTERM, how long in-flight connections get to finish after the site withdrew. */
  drainMs: number
  /** A tunnel whose path broke is resumed over another within this, else reset at both ends; 0: tunnels are not resumable. */
  resumeTimeoutMs: number
  /** ...but reset when the far end has been unreachable (no route at all) this long: it died, or no path is left. */
  resumeUnreachableMs: number
}

export interface RouterConfig {
  site: string
  dataDir: string
  listen: string[]
  /** Addresses put into join tokens instead of the listen addresses (e.g. a DNS name behind NAT). */
  advertise: string[]
  api: { host: string, port: number }
  links: LinkConfig[]
  connectors: ConnectorConfig[]
  listeners: ListenerConfig[]
  timers: TimersConfig
  limits: LimitsConfig
  hopLimit: number
  logLevel: string
  /** Bearer token from --api-token (mandatory off loopback); without it the data dir's api-token is used. */
  apiToken?: string
  /**
   * Flow records kept (newest last): `ringSize` of them, about 1 KB of memory
   * each; 0 turns flow records off (none kept, followed or answered to the
   * mesh, and none built unless the access log needs them). `readers`: members that may read them over the mesh (`flows --mesh`):
   * site names, peer ids, or '*' for every member; none by default.
   */
  flows: { ringSize: number, readers: string[] }
  /** A file that gets one JSON line per connection delivered or refused here (the destination's side); none: no access log. */
  accessLog?: string
  /**
   * Processes that carry this site's tunnels: the router itself and
   * workers - 1 worker processes, each with its own libp2p host on the
   * listen ports + 1, + 2, ... ('auto': one per CPU). 1: the router alone.
   */
  workers: number | 'auto'
}

/** Upper bound on `workers` (the advertisement carries at most 64 workers' addresses). */
export const MAX_WORKERS = 64

const MAX_FLOW_RING_SIZE = 1_000_000

export const DEFAULT_TIMERS: TimersConfig = {
  helloIntervalMs: 200,
  livenessTimeoutMs: 1000,
  refreshIntervalMs: 30_000,
  maxAgeMs: 120_000,
  connectorProbeIntervalMs: 5_000,
  drainMs: 3_000,
  resumeTimeoutMs: 10_000,
  resumeUnreachableMs: 500
}

export const DEFAULT_LIMITS: LimitsConfig = {
  tunnelsPerPeer: 16_384,
  newTunnelsPerSecondPerPeer: 2_000,
  joinWindowMs: 10_000
}

export const DEFAULTS = {
  dataDir: './portmesh-data',
  listen: ['/ip4/0.0.0.0/tcp/7070'],
  api: '127.0.0.1:7071',
  hopLimit: 32,
  logLevel: 'info'
}

const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Settings given on the command line; each list given replaces the file's list of that kind. */
export interface FlagSettings {
  site?: string
  dataDir?: string
  listen?: string[]
  advertise?: string[]
  api?: string
  links?: string[]
  connectors?: string[]
  listeners?: string[]
  livenessTimeoutMs?: string
  logLevel?: string
  /** The admin API bearer token (already read from its file). */
  apiToken?: string
  flowRing?: string
  /** --flow-reader, repeatable. */
  flowReaders?: string[]
  accessLog?: string
  workers?: string
}

/** A `flows.readers` entry: '*' (every member), a site name or a peer id. */
function parseFlowReader (v: unknown, field: string): string {
  return v === '*' ? '*' : parseSiteOrPeer(v, field)
}

function flowsFromFile (v: unknown): { ringSize: number, readers: string[] } {
  if (v === undefined || v === null) return { ringSize: DEFAULT_FLOW_RING_SIZE, readers: [] }
  if (!isObj(v)) throw new ConfigError('flows', 'must be a mapping')
  rejectUnknown(v, ['ringSize', 'readers'], 'flows')
  return {
    ringSize: v.ringSize === undefined ? DEFAULT_FLOW_RING_SIZE : parseInteger(v.ringSize, 'flows.ringSize', 0, MAX_FLOW_RING_SIZE),
    readers: v.readers === undefined ? [] : parseList(typeof v.readers === 'string' ? [v.readers] : v.readers, 'flows.readers', parseFlowReader)
  }
}

function limitsFromFile (v: unknown): LimitsConfig {
  if (v === undefined || v === null) return { ...DEFAULT_LIMITS }
  if (!isObj(v)) throw new ConfigError('limits', 'must be a mapping')
  rejectUnknown(v, Object.keys(DEFAULT_LIMITS), 'limits')
  return {
    tunnelsPerPeer: v.tunnelsPerPeer === undefined ? DEFAULT_LIMITS.tunnelsPerPeer : parseInteger(v.tunnelsPerPeer, 'limits.tunnelsPerPeer', 1, 1_000_000),
    newTunnelsPerSecondPerPeer: v.newTunnelsPerSecondPerPeer === undefined ? DEFAULT_LIMITS.newTunnelsPerSecondPerPeer : parseInteger(v.newTunnelsPerSecondPerPeer, 'limits.newTunnelsPerSecondPerPeer', 1, 1_000_000),
    joinWindowMs: v.joinWindowMs === undefined ? DEFAULT_LIMITS.joinWindowMs : parseInteger(v.joinWindowMs, 'limits.joinWindowMs', 100, 600_000)
  }
}

/** A loopback address or name: an API there is reachable from this host only. */
export function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function timersFromFile (v: unknown): Partial<TimersConfig> {
  if (v === undefined || v === null) return {}
  if (!isObj(v)) throw new ConfigError('timers', 'must be a mapping')
  rejectUnknown(v, Object.keys(DEFAULT_TIMERS), 'timers')
  const out: Partial<TimersConfig> = {}
  for (const key of Object.keys(v) as Array<keyof TimersConfig>) {
    const min = key === 'connectorProbeIntervalMs' || key === 'drainMs' || key === 'resumeTimeoutMs' ? 0 : 10
    out[key] = parseInteger(v[key], `timers.${key}`, min, 24 * 3600 * 1000)
  }
  return out
}

/**
 * Builds the router's settings from a parsed config file (any YAML value) and
 * command-line flags; flags override the file. Pure: reads nothing, starts
 * nothing; throws ConfigError naming the first field that is wrong.
 */
export function buildConfig (file: unknown, flags: FlagSettings, defaultSite: string): RouterConfig {
  const f: Obj = file === undefined || file === null ? {} : isObj(file) ? file : (() => { throw new ConfigError('config', 'the file must hold a mapping of settings') })()
  rejectUnknown(f, ['site', 'dataDir', 'listen', 'advertise', 'api', 'links', 'connectors', 'listeners', 'timers', 'limits', 'hopLimit', 'logLevel', 'flows', 'accessLog', 'workers'], '')

  const site = flags.site !== undefined ? parseString(flags.site, '--site') : f.site !== undefined ? parseString(f.site, 'site') : defaultSite
  if (!SITE_NAME.test(site)) throw new ConfigError(flags.site !== undefined ? '--site' : 'site', `site name ${JSON.stringify(site)} must be 1-63 letters, digits, '.', '_' or '-'`)

  const listen = flags.listen !== undefined && flags.listen.length > 0
    ? flags.listen.map(a => parseMultiaddr(a, '--listen', false))
    : f.listen !== undefined ? parseList(typeof f.listen === 'string' ? [f.listen] : f.listen, 'listen', (v, fld) => parseMultiaddr(v, fld, false)) : DEFAULTS.listen
  if (listen.length === 0) throw new ConfigError('listen', 'needs at least one address')

  const advertise = flags.advertise !== undefined && flags.advertise.length > 0
    ? flags.advertise.map(a => parseMultiaddr(a, '--advertise', false))
    : f.advertise !== undefined ? parseList(typeof f.advertise === 'string' ? [f.advertise] : f.advertise, 'advertise', (v, fld) => parseMultiaddr(v, fld, false)) : []

  const apiText = flags.api ?? (f.api !== undefined ? parseString(f.api, 'api') : DEFAULTS.api)
  const api = parseHostPort(apiText, flags.api !== undefined ? '--api' : 'api', true)

  const links = flags.links !== undefined && flags.links.length > 0 ? flags.links.map(LINK.fromFlag) : parseList(f.links, 'links', LINK.fromFile)
  const connectors = flags.connectors !== undefined && flags.connectors.length > 0 ? flags.connectors.map(CONNECTOR.fromFlag) : parseList(f.connectors, 'connectors', CONNECTOR.fromFile)
  const listeners = flags.listeners !== undefined && flags.listeners.length > 0 ? flags.listeners.map(LISTENER.fromFlag) : parseList(f.listeners, 'listeners', LISTENER.fromFile)

  const timers: TimersConfig = { ...DEFAULT_TIMERS, ...timersFromFile(f.timers) }
  if (flags.livenessTimeoutMs !== undefined) timers.livenessTimeoutMs = parseInteger(flags.livenessTimeoutMs, '--liveness-timeout', 10, 3_600_000)
  if (timers.helloIntervalMs * 2 > timers.livenessTimeoutMs) {
    throw new ConfigError('timers.livenessTimeoutMs', `must be at least twice timers.helloIntervalMs (${timers.helloIntervalMs} ms), got ${timers.livenessTimeoutMs}`)
  }
  if (timers.refreshIntervalMs * 2 > timers.maxAgeMs) {
    throw new ConfigError('timers.maxAgeMs', `must be at least twice timers.refreshIntervalMs (${timers.refreshIntervalMs} ms), got ${timers.maxAgeMs}`)
  }

  const logLevel = flags.logLevel ?? (f.logLevel !== undefined ? parseString(f.logLevel, 'logLevel') : DEFAULTS.logLevel)
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(flags.logLevel !== undefined ? '--log-level' : 'logLevel', `must be one of ${LOG_LEVELS.join(', ')}`)

  if (!isLoopback(api.host) && flags.apiToken === undefined) {
    throw new ConfigError(flags.api !== undefined ? '--api' : 'api', `the admin API on ${api.host}, off loopback, needs a bearer token: add --api-token FILE`)
  }

  const listenerPorts = new Set<string>()
  listeners.forEach((l, i) => {
    const id = `${l.host}:${l.port}`
    if (l.port !== 0 && listenerPorts.has(id)) throw new ConfigError(`listeners[${i}]`, `${id} is used by another listener`)
    listenerPorts.add(id)
  })

  const flows = flowsFromFile(f.flows)
  if (flags.flowRing !== undefined) flows.ringSize = parseInteger(flags.flowRing, '--flow-ring', 0, MAX_FLOW_RING_SIZE)
  if (flags.flowReaders !== undefined && flags.flowReaders.length > 0) flows.readers = flags.flowReaders.map((r, i) => parseFlowReader(r, `--flow-reader[${i}]`))
  const accessLog = flags.accessLog !== undefined ? parseString(flags.accessLog, '--access-log') : f.accessLog !== undefined ? parseString(f.accessLog, 'accessLog') : undefined

  const workers = flags.workers !== undefined ? parseWorkers(flags.workers, '--workers') : f.workers !== undefined ? parseWorkers(f.workers, 'workers') : 1

  return {
    site,
    dataDir: flags.dataDir ?? (f.dataDir !== undefined ? parseString(f.dataDir, 'dataDir') : DEFAULTS.dataDir),
    listen,
    advertise,
    api,
    links,
    connectors,
    listeners,
    timers,
    limits: limitsFromFile(f.limits),
    apiToken: flags.apiToken,
    hopLimit: f.hopLimit !== undefined ? parseInteger(f.hopLimit, 'hopLimit', 2, 255) : DEFAULTS.hopLimit,
    logLevel,
    flows,
    accessLog,
    workers
  }
}

/** `auto` or a whole number of processes; text digits too (a flag). */
function parseWorkers (v: unknown, field: string): number | 'auto' {
  if (v === 'auto') return 'auto'
  if (typeof v === 'string' && !/^\d+$/.test(v.trim())) throw new ConfigError(field, `must be auto or a whole number from 1 to ${MAX_WORKERS}, got ${JSON.stringify(v)}`)
  return parseInteger(v, field, 1, MAX_WORKERS)
}
