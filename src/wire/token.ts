import { createHash } from 'node:crypto'
import { portmesh as pb } from './pb/configure.js'
import { checkPeerId } from './codec.js'
import { WireError } from './errors.js'

/** The text form: prefix, then base64url of (4-byte checksum ‖ Token protobuf). */
export const TOKEN_PREFIX = 'portmesh-token-v1:'
export const MAX_TOKEN_CHARS = 8192
const MAX_TOKEN_ADDRESSES = 32

export interface JoinToken {
  issuer: string
  issuerSite: string
  addresses: string[]
  grantId: Uint8Array
  secret: Uint8Array
  /** Unix seconds. */
  expiresAt: number
}

/** A token that cannot be used; the message is one plain sentence for the user. */
export class TokenError extends Error {
  override name = 'TokenError'
}

function checksum (payload: Uint8Array): Buffer {
  return createHash('sha256').update(payload).digest().subarray(0, 4)
}

export function encodeToken (t: JoinToken): string {
  const payload = pb.Token.encode({ version: 1, issuer: t.issuer, issuerSite: t.issuerSite, addresses: t.addresses, grantId: t.grantId, secret: t.secret, expiresAt: t.expiresAt }).finish()
  return TOKEN_PREFIX + Buffer.concat([checksum(payload), payload]).toString('base64url')
}

export function looksLikeToken (text: string): boolean {
  return text.trim().startsWith(TOKEN_PREFIX)
}

/** Parses a token's text; any damage (a changed character) is reported as such. */
export function decodeToken (text: string): JoinToken {
  const trimmed = text.trim()
  if (trimmed.length > MAX_TOKEN_CHARS) throw new TokenError('the token is too long to be a portmesh token')
  if (!trimmed.startsWith(TOKEN_PREFIX)) throw new TokenError('this is not a portmesh token (it should start with portmesh-token-v1:)')
  const body = trimmed.slice(TOKEN_PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw new TokenError('the token is damaged (it has characters a token never has); copy it again')
  const bytes = Buffer.from(body, 'base64url')
  if (bytes.length < 5) throw new TokenError('the token is damaged (too short); copy it again')
  const payload = bytes.subarray(4)
  if (!checksum(payload).equals(bytes.subarray(0, 4))) throw new TokenError('the token is damaged (its checksum does not match); copy it again')
  let m: pb.Token
  try {
    m = pb.Token.decode(payload)
  } catch {
    throw new TokenError('the token is damaged (it cannot be decoded); copy it again')
  }
  if (m.version !== 1) throw new TokenError(`this token is version ${m.version}; this portmesh reads version 1`)
  let issuer: string
  try {
    issuer = checkPeerId(m.issuer, 'issuer')
  } catch (err) {
    if (err instanceof WireError) throw new TokenError('the token names no valid issuing site')
    throw err
  }
  if (m.addresses.length === 0 || m.addresses.length > MAX_TOKEN_ADDRESSES) throw new TokenError('the token holds no usable address of its issuing site')
  if (m.grantId.length !== 16 || m.secret.length !== 32) throw new TokenError('the token is damaged (its grant is malformed)')
  return { issuer, issuerSite: m.issuerSite.slice(0, 63), addresses: m.addresses, grantId: m.grantId, secret: m.secret, expiresAt: m.expiresAt }
}
