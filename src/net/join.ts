import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { HEADER_TIMEOUT_MS } from './constants.js'
import { JOIN_PROTOCOL, MAX_JOIN_MESSAGE_BYTES } from '../wire/constants.js'
import { encodeFrame } from '../wire/frames.js'
import { readFirstFrame } from './read-frame.js'
import { grantProof, type AuthorizedPeers, type GrantStore, type RedeemResult, type RevokedPeers } from './membership.js'
import type { JoinToken } from '../wire/token.js'
import { decodeJoinRequest, decodeJoinResponse, encodeJoinRequest, encodeJoinResponse, JoinCode as Code, type JoinRequest } from '../wire/join-codec.js'

/** The issuer refused the token; `message` is the sentence to show the user. */
export class JoinRefusedError extends Error {
  override name = 'JoinRefusedError'
}

/** Said to a holder whose peer id this site revoked, whatever token it presents. */
export function revokedSentence (issuerSite: string): string {
  return `${issuerSite} has revoked this site; no token lets it link there again`
}

const REFUSALS: Record<Exclude<RedeemResult, 'ok'>, [Code, string]> = {
  unknown: [Code.UNKNOWN, 'the site does not know this token (it was not issued there, or belongs to another mesh)'],
  expired: [Code.EXPIRED, 'token expired'],
  used: [Code.USED, 'token already used'],
  'bad-proof': [Code.BAD_PROOF, 'the token does not match its grant (was it altered?)'],
  voided: [Code.REVOKED, 'the site that issued this token has revoked it']
}

export interface JoinIssuer {
  readonly selfId: string
  readonly site: string
  readonly grants: GrantStore
  readonly authorized: AuthorizedPeers
  readonly revoked: Pick<RevokedPeers, 'has'>
  readonly log: Logger
}

/** Tries per second the issuer answers (beyond: BUSY); grants are 384 random bits, so this only sheds load. */
const JOIN_ATTEMPTS_PER_SECOND = 20
let windowStart = 0
let windowCount = 0

function overRate (nowMs: number): boolean {
  if (nowMs - windowStart >= 1000) {
    windowStart = nowMs
    windowCount = 0
  }
  return ++windowCount > JOIN_ATTEMPTS_PER_SECOND
}

/** Issuer side of /portmesh/join/1.0.0: checks the proof and authorises the holder's peer id. */
export async function handleJoin (issuer: JoinIssuer, stream: Stream, conn: Connection): Promise<void> {
  const holder = conn.remotePeer.toString()
  const reply = (code: Code, message: string): void => {
    if (stream.writeStatus !== 'writable') return
    stream.send(encodeFrame(encodeJoinResponse({ code, message, site: issuer.site })))
    stream.close().catch(() => {})
  }
  if (overRate(Date.now())) {
    reply(Code.BUSY, 'too many join attempts; try again in a moment')
    return
  }
  let req: JoinRequest
  try {
    const { frame } = await readFirstFrame(stream, MAX_JOIN_MESSAGE_BYTES, HEADER_TIMEOUT_MS)
    req = decodeJoinRequest(frame)
  } catch (err) {
    issuer.log.warn({ peer: holder, err: (err as Error).message }, 'refusing join request')
    if (stream.status === 'open') stream.abort(err as Error)
    return
  }
  // Checked before the grant: a revoked holder stays out whatever it presents, even a grant it redeemed before.
  if (issuer.revoked.has(holder)) {
    issuer.log.warn({ peer: holder, site: req.site }, 'join refused: this peer is revoked here')
    reply(Code.REVOKED, revokedSentence(issuer.site))
    return
  }
  const result = await issuer.grants.redeem(req.grantId, req.proof, holder, issuer.selfId, Date.now())
  if (result !== 'ok') {
    const [code, message] = REFUSALS[result]
    issuer.log.warn({ peer: holder, site: req.site, reason: message }, 'join refused')
    reply(code, message)
    return
  }
  const site = req.site.replace(/[^A-Za-z0-9._-]/g, '-') || '-'
  await issuer.authorized.add(holder, site, `joined-with-token ${new Date().toISOString()}`)
  issuer.log.info({ peer: holder, site }, 'site joined with a token; authorised')
  reply(Code.OK, 'welcome')
}

/** Holder side: proves the token's grant on an open connection to its issuer. Returns the issuer's site name. */
export async function redeemToken (conn: Connection, token: JoinToken, selfId: string, site: string): Promise<string> {
  const stream = await conn.newStream(JOIN_PROTOCOL, { signal: AbortSignal.timeout(HEADER_TIMEOUT_MS) })
  const proof = grantProof(token.secret, selfId, token.issuer)
  stream.send(encodeFrame(encodeJoinRequest({ grantId: token.grantId, proof, site })))
  const { frame } = await readFirstFrame(stream, MAX_JOIN_MESSAGE_BYTES, HEADER_TIMEOUT_MS * 2)
  const res = decodeJoinResponse(frame)
  stream.close().catch(() => {})
  if (res.code === Code.OK) return res.site
  if (res.code === Code.BUSY) throw new Error(res.message)
  throw new JoinRefusedError(res.message.slice(0, 200) || 'the site refused the token')
}
