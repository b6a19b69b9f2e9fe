import { portmesh as pb } from './pb/configure.js'
import { decodeWith, WireError } from './errors.js'
import { MAX_SITE_NAME_LENGTH } from './constants.js'

/**
 * The join protocol's two messages, decoded and validated like every other
 * message from the network: only WireError escapes, and what comes back
 * passed its checks (a grant id and proof of sane size, a site name and a
 * refusal sentence of bounded length, a known answer code).
 */

export const JoinCode = pb.JoinResponse.Code
export type JoinCode = pb.JoinResponse.Code

export interface JoinRequest {
  grantId: Uint8Array
  proof: Uint8Array
  site: string
}

export interface JoinResponse {
  code: JoinCode
  message: string
  site: string
}

/** Grant ids are 16 bytes and proofs 32 today; anything past this is not ours. */
const MAX_GRANT_FIELD_BYTES = 64
const MAX_REFUSAL_LENGTH = 200

export function encodeJoinRequest (req: JoinRequest): Uint8Array {
  return pb.JoinRequest.encode(req).finish()
}

export function decodeJoinRequest (bytes: Uint8Array): JoinRequest {
  return decodeWith('join request', () => {
    const m = pb.JoinRequest.decode(bytes)
    if (m.grantId.length > MAX_GRANT_FIELD_BYTES || m.proof.length > MAX_GRANT_FIELD_BYTES) throw new WireError('join request grant id or proof too long')
    if (m.site.length > MAX_SITE_NAME_LENGTH) throw new WireError('site name too long')
    return { grantId: m.grantId, proof: m.proof, site: m.site }
  })
}

export function encodeJoinResponse (res: JoinResponse): Uint8Array {
  return pb.JoinResponse.encode({ ...res, message: res.message.slice(0, MAX_REFUSAL_LENGTH) }).finish()
}

/** An unknown code is refused (an issuer newer than this holder must say its refusals with codes this one knows). */
export function decodeJoinResponse (bytes: Uint8Array): JoinResponse {
  return decodeWith('join response', () => {
    const m = pb.JoinResponse.decode(bytes)
    if (JoinCode[m.code] === undefined || m.code === JoinCode.UNSPECIFIED) throw new WireError(`unknown join response code ${m.code}`)
    if (m.site.length > MAX_SITE_NAME_LENGTH) throw new WireError('join response site name too long')
    return { code: m.code, message: m.message.slice(0, MAX_REFUSAL_LENGTH), site: m.site }
  })
}
