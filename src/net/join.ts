import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { portmesh as pb } from '../wire/pb/configure.js'
import { HEADER_TIMEOUT_MS } from './constants.js'
import { JOIN_PROTOCOL, MAX_JOIN_MESSAGE_BYTES } from '../wire/constants.js'
import { encodeFrame } from '../wire/frames.js'
import { readFirstFrame } from './read-frame.js'
import { WireError } from '../wire/errors.js'
import { grantProof, type AuthorizedPeers, type GrantStore, type RedeemResult } from './membership.js'
import type { JoinToken } from '../wire/token.js'

const Code = pb.JoinResponse.Code

/** The issuer refused the token; `message` is the sentence to show the user. */
export class JoinRefusedError extends Error {
  override name = 'JoinRefusedError'
}

const REFUSALS: Record<Exclude<RedeemResult, 'ok'>, [pb.JoinResponse.Code, string]> = {
  unknown: [Code.UNKNOWN, 'the site does not know this token (it was not issued there, or belongs to another mesh)'],
  expired: [Code.EXPIRED, 'token expired'],
  used: [Code.USED, 'token already used'],
  'bad-proof': [Code.BAD_PROOF, 'the token does not match its grant (was it altered?)']
}

export interface JoinIssuer {
  readonly selfId: string
  readonly site: string
  readonly grants: GrantStore
  readonly authorized: AuthorizedPeers
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
  const reply = (code: pb.JoinResponse.Code, message: string): void => {
    if (stream.writeStatus !== 'writable') return
    stream.send(encodeFrame(pb.JoinResponse.encode({ code, message, site: issuer.site }).finish()))
    stream.close().catch(() => {})
  }
  if (overRate(Date.now())) {
    reply(Code.BUSY, 'too many join attempts; try again in a moment')
    return
  }
  let req: pb.JoinRequest
  try {
    const { frame } = await readFirstFrame(stream, MAX_JOIN_MESSAGE_BYTES, HEADER_TIMEOUT_MS)
    req = pb.JoinRequest.decode(frame)
    if (req.site.length > 63) throw new WireError('site name too long')
  } catch (err) {
    issuer.log.warn({ peer: holder, err: (err as Error).message }, 'refusing join request')
    if (stream.status === 'open') stream.abort(err as Error)
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
  stream.send(encodeFrame(pb.JoinRequest.encode({ grantId: token.grantId, proof, site }).finish()))
  const { frame } = await readFirstFrame(stream, MAX_JOIN_MESSAGE_BYTES, HEADER_TIMEOUT_MS * 2)
  const res = pb.JoinResponse.decode(frame)
  stream.close().catch(() => {})
  if (res.code === Code.OK) return res.site
  if (res.code === Code.BUSY) throw new Error(res.message)
  throw new JoinRefusedError(res.message.slice(0, 200) || 'the site refused the token')
}
