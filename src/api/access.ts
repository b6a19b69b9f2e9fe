import { timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import type { IncomingHttpHeaders } from 'node:http'
import type { Logger } from 'pino'

/**
 * Who may drive the admin API: only its owner. A web page in the owner's
 * browser can reach loopback too, so three checks stand in its way:
 * - Host must name this API (a DNS-rebound name does not), so no page can
 *   read an answer;
 * - a change (anything but GET/HEAD) must not come from another origin
 *   (Origin, Sec-Fetch-Site), so no page can send one blind;
 * - a change needs the credential, which only the owner can read.
 * Each check is a pure function of the request's headers.
 */

/** Minimum time between two log lines about the same refused Host or Origin. */
const REFUSAL_LOG_INTERVAL_MS = 10_000

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]'])
const WILDCARDS = new Set(['0.0.0.0', '::'])

/** A refusal: the HTTP status and a one-sentence reason. */
export interface Refusal { status: number, error: string, kind: 'host' | 'origin' }

/** 'host:port' or '[v6]:port' from a Host header (port 80 when left out); undefined when malformed. */
function parseAuthority (text: string): { host: string, port: number } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(?::(\d{1,5}))?$/i.exec(text)
  if (m === null) return undefined
  return { host: m[1].toLowerCase(), port: m[2] === undefined ? 80 : Number(m[2]) }
}

/** How a host is written in a Host header: IPv6 in brackets, lower case. */
function asAuthorityHost (host: string): string {
  return (isIP(host) === 6 ? `[${host}]` : host).toLowerCase()
}

/**
 * Refuses a Host that is not this API: the address it listens on, or
 * localhost / 127.0.0.1 / [::1], on its port. Bound to a wildcard it accepts
 * any IP literal on its port (DNS rebinding needs a name) and localhost.
 */
export function refuseHost (hostHeader: string | undefined, bindHost: string, port: number): Refusal | undefined {
  const wanted = `${asAuthorityHost(bindHost)}:${port}`
  const refuse = (what: string): Refusal => ({ status: 421, kind: 'host', error: `this admin API answers only requests addressed to ${wanted} or localhost:${port}, not ${what}.` })
  if (hostHeader === undefined || hostHeader === '') return refuse('a request without a Host header')
  const authority = parseAuthority(hostHeader)
  if (authority === undefined || authority.port !== port) return refuse(JSON.stringify(hostHeader))
  const { host } = authority
  if (LOOPBACK_NAMES.has(host) || host === asAuthorityHost(bindHost)) return undefined
  if (WILDCARDS.has(bindHost) && isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0) return undefined
  return refuse(JSON.stringify(hostHeader))
}

/** GET and HEAD change nothing; everything else is a change. */
export function isChange (method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD'
}

/**
 * Refuses a change sent from another origin: an Origin that is not the one
 * the request is addressed to (its Host, already checked), or a browser's
 * Sec-Fetch-Site of cross-site or same-site. The CLI sends neither header;
 * the status page at `/` sends its own origin.
 */
export function refuseForeignOrigin (headers: IncomingHttpHeaders): Refusal | undefined {
  const site = headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') {
    return { status: 403, kind: 'origin', error: `this admin API takes changes only from its owner, not from a ${site} web page.` }
  }
  const origin = headers.origin
  if (origin === undefined) return undefined
  const own = parseAuthority(headers.host ?? '')
  let from: URL | undefined
  try {
    from = new URL(origin)
  } catch {}
  const same = from !== undefined && own !== undefined && from.protocol === 'http:' &&
    from.hostname.toLowerCase() === own.host && (from.port === '' ? 80 : Number(from.port)) === own.port
  if (same) return undefined
  return { status: 403, kind: 'origin', error: `this admin API takes changes only from its own origin, not from ${JSON.stringify(origin)}.` }
}

/** The credential from `Authorization: Bearer …`, compared in constant time. */
export function hasCredential (authorization: string | undefined, credential: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '')
  const want = Buffer.from(credential)
  return given.length === want.length && timingSafeEqual(given, want)
}

/**
 * Logs a refusal at most once per key per interval, so a flood costs one line
 * (as MembershipGate.logRefusal). Keys are kinds of refusal, not header
 * values, so varying the header does not buy more lines.
 */
export class RefusalLog {
  private readonly loggedAt = new Map<string, number>()

  constructor (private readonly log: Logger) {}

  refused (key: string, fields: object, msg: string, now = performance.now()): void {
    if (now - (this.loggedAt.get(key) ?? -Infinity) < REFUSAL_LOG_INTERVAL_MS) return
    this.loggedAt.set(key, now)
    this.log.warn(fields, msg)
  }
}
