import { multiaddr } from '@multiformats/multiaddr'
import { ConfigError } from './errors.js'
import { decodeToken, looksLikeToken, TokenError } from '../wire/token.js'

export interface LinkConfig {
  /** Set for links created through the admin API (and for those named in the config file). */
  name?: string
  /**
   * A multiaddr with /tcp/, optionally ending in /p2p/<peer id> (then verified
   * on connect); for a token link, the issuer's first address (for display).
   */
  address: string
  cost: number
  /** The join token's text, when the link was given as a token. */
  token?: string
}

export interface ConnectorConfig {
  name?: string
  routingKey: string
  host: string
  port: number
  cost: number
}

export interface ListenerConfig {
  name?: string
  routingKey: string
  host: string
  port: number
  /** Client connections open at once; beyond it new clients are refused, open ones unharmed. */
  maxConnections: number
}

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
  /** Bearer token the admin API requires (mandatory when it is not on loopback). */
  apiToken?: string
}

export const DEFAULT_TIMERS: TimersConfig = {
  helloIntervalMs: 200,
  livenessTimeoutMs: 1000,
  refreshIntervalMs: 30_000,
  maxAgeMs: 120_000,
  connectorProbeIntervalMs: 5_000,
  drainMs: 3_000
}

export const DEFAULT_LIMITS: LimitsConfig = {
  tunnelsPerPeer: 16_384,
  newTunnelsPerSecondPerPeer: 2_000,
  joinWindowMs: 10_000
}

export const DEFAULT_MAX_CONNECTIONS_PER_LISTENER = 16_384

export const DEFAULTS = {
  dataDir: './portmesh-data',
  listen: ['/ip4/0.0.0.0/tcp/7070'],
  api: '127.0.0.1:7071',
  hopLimit: 32,
  logLevel: 'info'
}

const ROUTING_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
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
}

type Obj = Record<string, unknown>

function isObj (v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function rejectUnknown (value: Obj, allowed: string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const where = field === '' ? key : `${field}.${key}`
      throw new ConfigError(where, `unknown setting (expected one of: ${allowed.join(', ')})`)
    }
  }
}

export function parseInteger (value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigError(field, `must be a whole number, got ${JSON.stringify(value)}`)
  if (n < min || n > max) throw new ConfigError(field, `must be between ${min} and ${max}, got ${n}`)
  return n
}

function parseString (value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(field, `must be a non-empty string, got ${JSON.stringify(value)}`)
  return value.trim()
}

export function parseRoutingKey (value: unknown, field: string): string {
  const key = parseString(value, field)
  if (!ROUTING_KEY.test(key)) throw new ConfigError(field, `routing key ${JSON.stringify(key)} must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`)
  return key
}

/** A name for a link, listener or connector: what `delete` takes. */
export function parseName (value: unknown, field: string): string {
  const name = parseString(value, field)
  if (!ROUTING_KEY.test(name)) throw new ConfigError(field, `name ${JSON.stringify(name)} must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`)
  return name
}

export function parsePort (value: unknown, field: string, allowZero = false): number {
  return parseInteger(value, field, allowZero ? 0 : 1, 65535)
}

export function parseHost (value: unknown, field: string): string {
  const host = parseString(value, field)
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new ConfigError(field, `not a host name or IP address: ${JSON.stringify(host)}`)
  return host
}

/** Splits "host:port", "[v6]:port" or ":port". */
export function parseHostPort (text: string, field: string, allowZero = false): { host: string, port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]*):(\d+)$/.exec(text)
  if (m == null) throw new ConfigError(field, `expected HOST:PORT, got ${JSON.stringify(text)}`)
  return { host: m[1] === '' ? '127.0.0.1' : parseHost(m[1], field), port: parsePort(m[2], field, allowZero) }
}

function parseMultiaddr (value: unknown, field: string, requirePeerOk: boolean): string {
  const text = parseString(value, field)
  let ma
  try {
    ma = multiaddr(text)
  } catch (err) {
    throw new ConfigError(field, `not a multiaddr (${(err as Error).message}): ${JSON.stringify(text)}`)
  }
  const names = ma.getComponents().map(c => c.name)
  if (!names.includes('tcp')) throw new ConfigError(field, `must be a TCP multiaddr such as /ip4/10.1.2.3/tcp/7070, got ${JSON.stringify(text)}`)
  if (!requirePeerOk && names.includes('p2p')) throw new ConfigError(field, `a listen address takes no /p2p/ part: ${JSON.stringify(text)}`)
  return ma.toString()
}

/** Parses key=value options after the first comma, e.g. "cost=5". */
function parseOptions (parts: string[], field: string, allowed: string[]): Record<string, string> {
  const options: Record<string, string> = {}
  for (const part of parts) {
    const eq = part.indexOf('=')
    const name = eq < 0 ? part : part.slice(0, eq)
    if (!allowed.includes(name) || eq < 0) throw new ConfigError(field, `unknown option ${JSON.stringify(part)} (expected ${allowed.map(a => `${a}=N`).join(', ')})`)
    options[name] = part.slice(eq + 1)
  }
  return options
}

/** A link target: a join token's text or a multiaddr. */
export function parseLinkTarget (text: string, field: string): Pick<LinkConfig, 'address' | 'token'> {
  if (looksLikeToken(text)) {
    try {
      const token = decodeToken(text)
      return { address: `${token.addresses[0]}`, token: text.trim() }
    } catch (err) {
      if (err instanceof TokenError) throw new ConfigError(field, err.message)
      throw err
    }
  }
  return { address: parseMultiaddr(text, field, true) }
}

/** `--link ADDRESS-OR-TOKEN[,cost=N]` (a token file is read before this, in load.ts) */
export function parseLinkFlag (text: string): LinkConfig {
  const [target, ...rest] = text.split(',')
  const options = parseOptions(rest, '--link', ['cost'])
  return {
    ...parseLinkTarget(target, '--link'),
    cost: options.cost === undefined ? 1 : parseInteger(options.cost, '--link cost', 1, 1_000_000)
  }
}

/** `--connector KEY=HOST:PORT[,cost=N]` */
export function parseConnectorFlag (text: string): ConnectorConfig {
  const [spec, ...rest] = text.split(',')
  const eq = spec.indexOf('=')
  if (eq < 0) throw new ConfigError('--connector', `expected KEY=HOST:PORT[,cost=N], got ${JSON.stringify(text)}`)
  const options = parseOptions(rest, '--connector', ['cost'])
  return {
    routingKey: parseRoutingKey(spec.slice(0, eq), '--connector'),
    ...parseHostPort(spec.slice(eq + 1), '--connector'),
    cost: options.cost === undefined ? 0 : parseInteger(options.cost, '--connector cost', 0, 1_000_000)
  }
}

/** `--listener KEY=HOST:PORT[,max=N]` */
export function parseListenerFlag (text: string): ListenerConfig {
  const [spec, ...rest] = text.split(',')
  const eq = spec.indexOf('=')
  if (eq < 0) throw new ConfigError('--listener', `expected KEY=HOST:PORT[,max=N], got ${JSON.stringify(text)}`)
  const options = parseOptions(rest, '--listener', ['max'])
  return {
    routingKey: parseRoutingKey(spec.slice(0, eq), '--listener'),
    ...parseHostPort(spec.slice(eq + 1), '--listener', true),
    maxConnections: options.max === undefined ? DEFAULT_MAX_CONNECTIONS_PER_LISTENER : parseInteger(options.max, '--listener max', 1, 1_000_000)
  }
}

function parseList<T> (value: unknown, field: string, item: (v: unknown, field: string) => T): T[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new ConfigError(field, 'must be a list')
  return value.map((v, i) => item(v, `${field}[${i}]`))
}

function linkFromFile (v: unknown, field: string): LinkConfig {
  if (typeof v === 'string') return { ...parseLinkTarget(v, field), cost: 1 }
  if (!isObj(v)) throw new ConfigError(field, 'must be an address, a token, or {address or token, cost}')
  rejectUnknown(v, ['name', 'address', 'token', 'cost'], field)
  if ((v.address === undefined) === (v.token === undefined)) throw new ConfigError(field, 'needs exactly one of address or token')
  const target = v.token !== undefined ? parseString(v.token, `${field}.token`) : parseString(v.address, `${field}.address`)
  if (v.token !== undefined && !looksLikeToken(target)) throw new ConfigError(`${field}.token`, 'this is not a portmesh token (it should start with portmesh-token-v1:)')
  return {
    ...(v.name !== undefined ? { name: parseName(v.name, `${field}.name`) } : {}),
    ...parseLinkTarget(target, v.token !== undefined ? `${field}.token` : `${field}.address`),
    cost: v.cost === undefined ? 1 : parseInteger(v.cost, `${field}.cost`, 1, 1_000_000)
  }
}

function connectorFromFile (v: unknown, field: string): ConnectorConfig {
  if (!isObj(v)) throw new ConfigError(field, 'must be {routingKey, host, port, cost}')
  rejectUnknown(v, ['name', 'routingKey', 'host', 'port', 'cost'], field)
  return {
    ...(v.name !== undefined ? { name: parseName(v.name, `${field}.name`) } : {}),
    routingKey: parseRoutingKey(v.routingKey, `${field}.routingKey`),
    host: v.host === undefined ? '127.0.0.1' : parseHost(v.host, `${field}.host`),
    port: parsePort(v.port, `${field}.port`),
    cost: v.cost === undefined ? 0 : parseInteger(v.cost, `${field}.cost`, 0, 1_000_000)
  }
}

function listenerFromFile (v: unknown, field: string): ListenerConfig {
  if (!isObj(v)) throw new ConfigError(field, 'must be {routingKey, host, port}')
  rejectUnknown(v, ['name', 'routingKey', 'host', 'port', 'maxConnections'], field)
  return {
    ...(v.name !== undefined ? { name: parseName(v.name, `${field}.name`) } : {}),
    routingKey: parseRoutingKey(v.routingKey, `${field}.routingKey`),
    host: v.host === undefined ? '127.0.0.1' : parseHost(v.host, `${field}.host`),
    port: parsePort(v.port, `${field}.port`, true),
    maxConnections: v.maxConnections === undefined ? DEFAULT_MAX_CONNECTIONS_PER_LISTENER : parseInteger(v.maxConnections, `${field}.maxConnections`, 1, 1_000_000)
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

function isLoopback (host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function timersFromFile (v: unknown): Partial<TimersConfig> {
  if (v === undefined || v === null) return {}
  if (!isObj(v)) throw new ConfigError('timers', 'must be a mapping')
  rejectUnknown(v, Object.keys(DEFAULT_TIMERS), 'timers')
  const out: Partial<TimersConfig> = {}
  for (const key of Object.keys(v) as Array<keyof TimersConfig>) {
    const min = key === 'connectorProbeIntervalMs' || key === 'drainMs' ? 0 : 10
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
  rejectUnknown(f, ['site', 'dataDir', 'listen', 'advertise', 'api', 'links', 'connectors', 'listeners', 'timers', 'limits', 'hopLimit', 'logLevel'], '')

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

  const links = flags.links !== undefined && flags.links.length > 0 ? flags.links.map(parseLinkFlag) : parseList(f.links, 'links', linkFromFile)
  const connectors = flags.connectors !== undefined && flags.connectors.length > 0 ? flags.connectors.map(parseConnectorFlag) : parseList(f.connectors, 'connectors', connectorFromFile)
  const listeners = flags.listeners !== undefined && flags.listeners.length > 0 ? flags.listeners.map(parseListenerFlag) : parseList(f.listeners, 'listeners', listenerFromFile)

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
    logLevel
  }
}
