import { createPrivateKey, createPublicKey, randomFillSync, sign, verify, type KeyObject } from 'node:crypto'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { ORIGIN_NONCE_BYTES, type StatusCode, type TunnelHeader } from '../wire/codec.js'

/**
 * Proof of who opened a tunnel, and of who answered it.
 *
 * The ingress signs, with its identity key, the routing key, the destination,
 * its own peer id, the connection id, the time and a random nonce (and the
 * e2e key and the wish for a signed answer when present): everything in the
 * header but the hop limit, which transit hops decrement. The destination
 * checks the signature against the key inside the ingress's peer id, so a
 * transit site can neither claim another ingress nor alter the request, and it
 * keeps every proof it accepted for the freshness window, so a captured header
 * cannot be replayed. It rides in the header: no extra round trip.
 *
 * When asked, the destination signs its answer over the ingress's proof, the
 * status code and its own e2e key, so the ingress knows that the site it chose
 * answered, not a transit site in between.
 */

/** A proof is fresh for this long either side of the destination's clock: sites' clocks must agree within it. */
export const ORIGIN_PROOF_WINDOW_MS = 30_000
/** Proofs remembered at once (each for at most two windows); beyond it new tunnels are refused rather than risk a replay. */
export const REPLAY_GUARD_MAX_ENTRIES = 250_000

const ORIGIN_LABEL = 'portmesh-tunnel-origin-v1'
const DESTINATION_LABEL = 'portmesh-tunnel-destination-v1'

type OriginFields = Pick<TunnelHeader, 'routingKey' | 'destination' | 'ingress' | 'connectionId' | 'issuedAt' | 'nonce' | 'e2eKey' | 'wantDestinationProof'> & Partial<Pick<TunnelHeader, 'query' | 'resumable' | 'resume' | 'received'>>

/**
 * The exact bytes the ingress signs. Text fields are validated (no newline can
 * occur); the nonce is fixed-size, the e2e key last. A query and the resume
 * fields add lines only when set, so a plain connection's bytes are those of
 * the previous release, and a transit site can neither turn one kind of
 * tunnel into another nor change what a resume says it holds.
 */
export function originProofBytes (h: OriginFields): Buffer {
  const query = h.query !== undefined && h.query !== 0 ? `query ${h.query}\n` : ''
  const resume = h.resumable === true || h.resume === true ? `resume ${h.resumable === true ? 1 : 0} ${h.resume === true ? 1 : 0} ${h.received ?? 0}\n` : ''
  const text = `${ORIGIN_LABEL}\n${h.routingKey}\n${h.destination}\n${h.ingress}\n${h.connectionId}\n${h.issuedAt}\n${h.wantDestinationProof ? 1 : 0}\n${query}${resume}`
  return Buffer.concat([Buffer.from(text), h.nonce, h.e2eKey])
}

/** The exact bytes the destination signs for its answer (the resume fields only when set). */
export function destinationProofBytes (destination: string, originProof: Uint8Array, code: StatusCode, e2eKey: Uint8Array, resume?: { resumable: boolean, received: number }): Buffer {
  const extra = resume !== undefined && (resume.resumable || resume.received > 0) ? `resume ${resume.resumable ? 1 : 0} ${resume.received}\n` : ''
  return Buffer.concat([Buffer.from(`${DESTINATION_LABEL}\n${destination}\n${code}\n${extra}`), originProof, e2eKey])
}

/** Signs with this router's identity key. The node key object is built once (libp2p's sign imports the key on every call). */
export class TunnelSigner {
  private readonly key: KeyObject

  constructor (privateKey: PrivateKey) {
    if (privateKey.type !== 'Ed25519') throw new Error(`tunnel proofs need an Ed25519 identity, not ${privateKey.type}`)
    const raw = privateKey.raw
    this.key = createPrivateKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(raw.subarray(0, 32)).toString('base64url'), x: Buffer.from(privateKey.publicKey.raw).toString('base64url') } })
  }

  sign (data: Uint8Array): Uint8Array {
    return sign(null, data, this.key)
  }
}

/**
 * Nonces are cut from a pool that one randomFillSync refills every 256
 * tunnels: a randomBytes call per tunnel cost ~5 µs here, a slice ~0.4 µs.
 * Each nonce is copied out, so the refill never changes one already in use.
 */
const noncePool = Buffer.alloc(ORIGIN_NONCE_BYTES * 256)
let noncePoolAt = noncePool.length

function freshNonce (): Uint8Array {
  if (noncePoolAt === noncePool.length) {
    randomFillSync(noncePool)
    noncePoolAt = 0
  }
  const nonce = Buffer.from(noncePool.subarray(noncePoolAt, noncePoolAt + ORIGIN_NONCE_BYTES))
  noncePoolAt += ORIGIN_NONCE_BYTES
  return nonce
}

/** Fills in the freshness value, nonce and proof of a header this router opens. */
export function proveOrigin<H extends OriginFields> (signer: TunnelSigner, header: Omit<H, 'issuedAt' | 'nonce'>, nowMs: number): H & { originProof: Uint8Array } {
  const full = { ...header, issuedAt: nowMs, nonce: freshNonce() } as unknown as H
  return { ...full, originProof: signer.sign(originProofBytes(full)) }
}

const publicKeys = new Map<string, KeyObject>()
const PUBLIC_KEYS_MAX = 4096

/** The node key object for a peer id's embedded Ed25519 key; undefined for other key types. Cached, bounded. */
function publicKeyOf (peer: string): KeyObject | undefined {
  let key = publicKeys.get(peer)
  if (key !== undefined) return key
  const publicKey = peerIdFromString(peer).publicKey
  if (publicKey?.type !== 'Ed25519') return undefined
  key = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.raw).toString('base64url') } })
  if (publicKeys.size >= PUBLIC_KEYS_MAX) publicKeys.clear()
  publicKeys.set(peer, key)
  return key
}

/** Whether `signature` over `data` is by the key inside `peer` (a decoded, validated peer id). Never throws. */
export function verifiedBy (peer: string, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length === 0) return false
  try {
    const key = publicKeyOf(peer)
    return key !== undefined && verify(null, data, key, signature)
  } catch {
    return false
  }
}

export type OriginCheck =
  | { ok: true }
  | { ok: false, reason: 'unsigned' | 'bad-signature' | 'stale' | 'replay' | 'busy', detail: string }

const REPLAY: OriginCheck = { ok: false, reason: 'replay', detail: 'this origin proof was used before' }
const BAD_SIGNATURE: OriginCheck = { ok: false, reason: 'bad-signature', detail: 'the origin proof does not verify against the ingress\'s key' }

/**
 * The destination's check of a tunnel's origin proof: signature, freshness,
 * and that it was not seen before. Remembers accepted proofs until they are
 * no longer fresh, so memory is bounded by the window times the tunnel rate
 * (and by REPLAY_GUARD_MAX_ENTRIES).
 */
export class OriginVerifier {
  /** Accepted proofs (base64) → when they stop being fresh. In arrival order, so expired ones are dropped from the front. */
  private readonly seen = new Map<string, number>()

  constructor (private readonly windowMs = ORIGIN_PROOF_WINDOW_MS, private readonly maxEntries = REPLAY_GUARD_MAX_ENTRIES) {}

  get remembered (): number {
    return this.seen.size
  }

  check (h: OriginFields & { originProof: Uint8Array }, nowMs: number): OriginCheck {
    const fresh = this.checkFreshness(h, nowMs)
    if (!fresh.ok) return fresh
    this.forgetExpired(nowMs)
    const id = Buffer.from(h.originProof).toString('base64')
    // A replay is refused before the signature is checked: a flood of one captured header costs no verification.
    if (this.seen.has(id)) return REPLAY
    if (!verifiedBy(h.ingress, originProofBytes(h), h.originProof)) return BAD_SIGNATURE
    return this.rememberId(id, h.issuedAt + this.windowMs)
  }

  /**
   * Signature and freshness, without the replay guard: what a worker of this
   * site checks itself before it asks the router, which keeps the one guard
   * for every process of the site (remember()).
   */
  checkSignature (h: OriginFields & { originProof: Uint8Array }, nowMs: number): OriginCheck {
    const fresh = this.checkFreshness(h, nowMs)
    if (!fresh.ok) return fresh
    return verifiedBy(h.ingress, originProofBytes(h), h.originProof) ? { ok: true } : BAD_SIGNATURE
  }

  /** Takes a proof a worker verified (until `expiresAt`, Unix ms): refused if it was seen before, or the guard is full. */
  remember (proof: Uint8Array, expiresAt: number, nowMs: number): OriginCheck {
    this.forgetExpired(nowMs)
    const id = Buffer.from(proof).toString('base64')
    if (this.seen.has(id)) return REPLAY
    return this.rememberId(id, Math.min(expiresAt, nowMs + 2 * this.windowMs))
  }

  private checkFreshness (h: OriginFields & { originProof: Uint8Array }, nowMs: number): OriginCheck {
    if (h.originProof.length === 0 || h.ingress === '') return { ok: false, reason: 'unsigned', detail: 'the tunnel request carries no origin proof' }
    const skew = h.issuedAt - nowMs
    if (Math.abs(skew) > this.windowMs) return { ok: false, reason: 'stale', detail: `the origin proof is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} this site's clock (limit ${this.windowMs / 1000} s)` }
    return { ok: true }
  }

  private rememberId (id: string, expiresAt: number): OriginCheck {
    if (this.seen.size >= this.maxEntries) return { ok: false, reason: 'busy', detail: 'too many tunnels opened within the freshness window' }
    this.seen.set(id, expiresAt)
    return { ok: true }
  }

  private forgetExpired (nowMs: number): void {
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt >= nowMs) break
      this.seen.delete(id)
    }
  }
}
