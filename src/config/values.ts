import { multiaddr } from '@multiformats/multiaddr'
import { ConfigError } from './errors.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { decodeToken, looksLikeToken, TokenError } from '../wire/token.js'
import { looksLikePeerId } from '../core/access.js'

/**
 * Parsers for single setting values, wherever they come from (YAML, a flag,
 * an API body): each takes the value and the field name to blame, and returns
 * the value or throws a ConfigError naming that field.
 */

export type Obj = Record<string, unknown>

export function isObj (v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `noun` is what an unknown key is called: a 'setting' in the file, a 'field' in an API body. */
export function rejectUnknown (value: Obj, allowed: string[], field: string, noun = 'setting'): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const where = field === '' ? key : `${field}.${key}`
      throw new ConfigError(where, `unknown ${noun} (expected one of: ${allowed.join(', ')})`)
    }
  }
}

export function parseList<T> (value: unknown, field: string, item: (v: unknown, field: string) => T): T[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new ConfigError(field, 'must be a list')
  return value.map((v, i) => item(v, `${field}[${i}]`))
}

export function parseInteger (value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigError(field, `must be a whole number, got ${JSON.stringify(value)}`)
  if (n < min || n > max) throw new ConfigError(field, `must be between ${min} and ${max}, got ${n}`)
  return n
}

/** true or false; from text (a flag) as "true" or "false". */
export function parseBoolean (value: unknown, field: string): boolean {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  throw new ConfigError(field, `must be true or false, got ${JSON.stringify(value)}`)
}

export function parseString (value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(field, `must be a non-empty string, got ${JSON.stringify(value)}`)
  return value.trim()
}

const ROUTING_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/

export function parseRoutingKey (value: unknown, field: string): string {
  const key = parseString(value, field)
  if (!ROUTING_KEY.test(key)) throw new ConfigError(field, `routing key ${JSON.stringify(key)} must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`)
  return key
}

/** An `allow` or `trust` entry: a peer id (checked), or a site name. */
export function parseSiteOrPeer (value: unknown, field: string): string {
  const text = parseString(value, field)
  if (looksLikePeerId(text)) {
    try {
      return peerIdFromString(text).toString()
    } catch {
      throw new ConfigError(field, `${JSON.stringify(text)} looks like a peer id but is not a valid one`)
    }
  }
  if (!ROUTING_KEY.test(text)) throw new ConfigError(field, `${JSON.stringify(text)} must be a site name (1-63 letters, digits, '.', '_' or '-') or a peer id`)
  return text
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

/** Splits "host:port", "[v6]:port" or ":port" into text; the host is '' when left out. */
export function splitHostPort (text: string, field: string): { host: string, port: string } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]*):(\d+)$/.exec(text)
  if (m == null) throw new ConfigError(field, `expected HOST:PORT, got ${JSON.stringify(text)}`)
  return { host: m[1], port: m[2] }
}

/** Parses "host:port", "[v6]:port" or ":port" (host 127.0.0.1). */
export function parseHostPort (text: string, field: string, allowZero = false): { host: string, port: number } {
  const { host, port } = splitHostPort(text, field)
  return { host: host === '' ? '127.0.0.1' : parseHost(host, field), port: parsePort(port, field, allowZero) }
}

export function parseMultiaddr (value: unknown, field: string, requirePeerOk: boolean): string {
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

/**
 * A link target: a join token's text or a multiaddr. For a token, `address`
 * is the issuer's first address (for display).
 */
export function parseLinkTarget (text: string, field: string): { address: string, token?: string } {
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
