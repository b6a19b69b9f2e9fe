import { createCipheriv, createDecipheriv, createPublicKey, createSecretKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto'
import type { Chunk } from '../wire/frames.js'
import {
  E2E_HKDF_INFO, MAX_RECORD_BODY_BYTES, MAX_RECORD_PLAINTEXT_BYTES, MAX_SEALED_BYTES_PER_DIRECTION, RECORD_HEADER_BYTES,
  RECORD_TAG_BYTES, RECORD_TYPE_DATA, RECORD_TYPE_END, SESSION_KEY_BYTES, TRANSCRIPT_HASH_BYTES, X25519_KEY_BYTES
} from './e2e-constants.js'
import type { Endpoint, EndpointSink } from './splice.js'

/**
 * End-to-end sealing of a tunnel between its ingress and its destination, so
 * transit routers (which see the libp2p streams in clear) carry only
 * ciphertext. The tunnel header exchange (tunnel.ts) carries both ephemeral
 * X25519 keys and signs them; this module turns them into per-direction keys
 * and wraps an Endpoint in an AES-256-GCM record layer.
 *
 * AES-256-GCM over ChaCha20-Poly1305: through node:crypto both run at the same
 * speed here (per-call overhead dominates, see bench/e2e-seal.ts), and AES-GCM
 * has AES-NI/VAES on every x86 router we deploy to and FIPS approval.
 */

const CIPHER = 'aes-256-gcm'
const NONCE_BYTES = 12

/** Key material that cannot be used: wrong length or type, or a low-order peer key. */
export class E2eKeyError extends Error {
  override name = 'E2eKeyError'
}

/** A SessionKeys object was given to a second sealed endpoint: its nonces would repeat. */
export class E2eKeysReusedError extends Error {
  override name = 'E2eKeysReusedError'
}

/** Why a sealed endpoint reset its pipe (splice's resetReason). */
export const E2eResetReason = {
  badRecord: 'e2e record failed authentication',
  tooLarge: 'e2e record length over the cap',
  badType: 'e2e record of unknown type',
  afterEnd: 'e2e bytes after the end record',
  truncated: 'e2e truncated: stream ended without its end record',
  exhausted: 'e2e key exhausted: too many bytes for one key'
} as const

export interface Ephemeral {
  /** Raw 32-byte X25519 public key, as sent in the tunnel header / status. */
  publicKey: Uint8Array
  privateKey: KeyObject
}

/** Opaque per-tunnel keys; `role` decided which direction is send and which receive. */
export interface SessionKeys {
  readonly role: 'ingress' | 'destination'
  readonly sendKey: KeyObject
  readonly receiveKey: KeyObject
}

/**
 * A fresh X25519 key pair for one tunnel. Raw keys go through JWK: in Node 20
 * (OpenSSL 3.0) its import/export is ~10x faster than SPKI DER, which runs
 * OpenSSL's generic encoder framework.
 */
export function newEphemeral (): Ephemeral {
  const { publicKey, privateKey } = generateKeyPairSync('x25519')
  const x = publicKey.export({ format: 'jwk' }).x
  if (x === undefined) throw new E2eKeyError('X25519 public key exported without its x coordinate')
  return { publicKey: Buffer.from(x, 'base64url'), privateKey }
}

export interface DeriveInput {
  privateKey: KeyObject
  peerPublicKey: Uint8Array
  /** SHA-256 over the signed tunnel header and the destination's ephemeral key (32 bytes); the HKDF salt. */
  transcript: Uint8Array
  role: 'ingress' | 'destination'
}

/**
 * X25519 with the peer's ephemeral key, then HKDF-SHA256(salt = transcript,
 * info = 'portmesh-e2e-v1') to 64 bytes: the first half seals ingress to
 * destination, the second destination to ingress. Throws E2eKeyError on bad
 * input or a low-order peer key (all-zero shared secret).
 */
export function deriveSessionKeys ({ privateKey, peerPublicKey, transcript, role }: DeriveInput): SessionKeys {
  if (role !== 'ingress' && role !== 'destination') throw new E2eKeyError(`unknown role ${String(role)}`)
  if (!(peerPublicKey instanceof Uint8Array) || peerPublicKey.byteLength !== X25519_KEY_BYTES) {
    throw new E2eKeyError(`peer public key must be ${X25519_KEY_BYTES} bytes, got ${describeLength(peerPublicKey)}`)
  }
  if (!(transcript instanceof Uint8Array) || transcript.byteLength !== TRANSCRIPT_HASH_BYTES) {
    throw new E2eKeyError(`transcript hash must be ${TRANSCRIPT_HASH_BYTES} bytes, got ${describeLength(transcript)}`)
  }
  if (privateKey?.type !== 'private' || privateKey.asymmetricKeyType !== 'x25519') {
    throw new E2eKeyError('private key must be an X25519 private KeyObject')
  }
  let publicKey: KeyObject
  try {
    publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peerPublicKey.buffer, peerPublicKey.byteOffset, X25519_KEY_BYTES).toString('base64url') }, format: 'jwk' })
  } catch (err) {
    throw new E2eKeyError(`peer public key rejected: ${(err as Error).message}`)
  }
  let secret: Buffer
  try {
    secret = diffieHellman({ privateKey, publicKey })
  } catch (err) {
    // OpenSSL refuses to derive an all-zero secret, which is what a low-order point gives.
    throw new E2eKeyError(`peer public key is a low-order point: ${(err as Error).message}`)
  }
  // Checked again in case an OpenSSL build does not: contributory behaviour is what the transcript signature relies on.
  if (secret.every(b => b === 0)) throw new E2eKeyError('peer public key is a low-order point: all-zero shared secret')
  const okm = Buffer.from(hkdfSync('sha256', secret, transcript, E2E_HKDF_INFO, 2 * SESSION_KEY_BYTES))
  secret.fill(0)
  const ingressToDestination = createSecretKey(okm.subarray(0, SESSION_KEY_BYTES))
  const destinationToIngress = createSecretKey(okm.subarray(SESSION_KEY_BYTES))
  okm.fill(0)
  return role === 'ingress'
    ? { role, sendKey: ingressToDestination, receiveKey: destinationToIngress }
    : { role, sendKey: destinationToIngress, receiveKey: ingressToDestination }
}

function describeLength (v: unknown): string {
  return v instanceof Uint8Array ? `${v.byteLength}` : typeof v
}

export interface SealedEndpointOptions {
  /**
   * Ciphertext read from inner before this endpoint existed (e.g. what came
   * behind the tunnel status); opened before anything inner delivers. Do not
   * pass it to splice's initialAToB/initialBToA: those bypass the opener.
   */
  initialCiphertext?: Uint8Array
}

export interface SealedEndpoint extends Endpoint {
  /** Bytes of a partly received record held for reassembly; never above the header plus MAX_RECORD_BODY_BYTES. */
  readonly bufferedInboundBytes: number
}

const usedKeys = new WeakSet<SessionKeys>()

/**
 * Wraps `inner` (the tunnel stream) so that writes leave it as AES-256-GCM
 * records and what it delivers reaches the sink only once authenticated.
 *
 * Record: [type][length: 3 bytes BE] ciphertext tag; type and length are the
 * AAD, the nonce is the 96-bit per-direction record counter. end() sends an
 * END record before inner.end(); the sink's end() fires once, when inner ends
 * right after a received END record. Anything else (a failed tag, an oversized
 * or unknown record, bytes after END, inner ending without END) resets inner
 * and reports sink.reset(reason) from E2eResetReason; nothing is thrown.
 *
 * Byte counts: splice and its onBytes see plaintext (what goes in and comes
 * out of this endpoint); the inner endpoint's own counters (streamEndpoint's
 * onActivity) see ciphertext, 20 bytes more per record plus a 20-byte END.
 * Backpressure: write() returns inner's answer; pause, resume and onDrain go
 * to inner. Nothing is queued here besides one partial inbound record.
 */
export function sealedEndpoint (inner: Endpoint, keys: SessionKeys, options: SealedEndpointOptions = {}): SealedEndpoint {
  if (usedKeys.has(keys)) throw new E2eKeysReusedError('these session keys already seal a tunnel')
  usedKeys.add(keys)

  let sink: EndpointSink | undefined
  /** Reset reason reported, or to report once started. */
  let failure: string | undefined
  /** reset() was called here: inner reports the reset, nothing more moves. */
  let stopped = false
  let writeEnded = false
  let endRecordSeen = false
  let endDelivered = false

  const sendNonce = Buffer.alloc(NONCE_BYTES)
  let sendCounter = 0
  let sentBytes = 0
  const receiveNonce = Buffer.alloc(NONCE_BYTES)
  let receiveCounter = 0
  let receivedBytes = 0

  // Inbound reassembly: the header, then the body (ciphertext + tag). A body
  // that arrives whole inside one piece is opened in place; only a body split
  // across pieces is copied, into one buffer allocated at the cap.
  const header = Buffer.alloc(RECORD_HEADER_BYTES)
  let headerFill = 0
  let bodyLength = 0
  let body: Buffer | undefined
  let bodyFill = 0

  const dropPartialRecord = (): void => {
    body = undefined
    headerFill = 0
    bodyFill = 0
  }

  const fail = (reason: string): void => {
    if (failure !== undefined || stopped) return
    failure = reason
    dropPartialRecord()
    sink?.reset(reason)
    inner.reset()
  }

  const nextNonce = (nonce: Buffer, counter: number): Buffer => {
    nonce.writeUInt32BE(Math.floor(counter / 2 ** 32), 4)
    nonce.writeUInt32BE(counter >>> 0, 8)
    return nonce
  }

  /** One record from `pieces` (together `length` ≤ the cap) as one buffer, so it leaves as one stream frame. */
  const seal = (type: number, pieces: Uint8Array[], length: number): Buffer => {
    const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length + RECORD_TAG_BYTES)
    out[0] = type
    out.writeUIntBE(length + RECORD_TAG_BYTES, 1, 3)
    const cipher = createCipheriv(CIPHER, keys.sendKey, nextNonce(sendNonce, sendCounter++), { authTagLength: RECORD_TAG_BYTES })
    cipher.setAAD(out.subarray(0, RECORD_HEADER_BYTES))
    let at = RECORD_HEADER_BYTES
    for (const p of pieces) {
      at += cipher.update(p).copy(out, at)
    }
    cipher.final()
    cipher.getAuthTag().copy(out, at)
    return out
  }

  /** Opens one complete body; false when the pipe was reset. */
  const open = (type: number, record: Uint8Array): boolean => {
    const ctLength = record.byteLength - RECORD_TAG_BYTES
    if (type === RECORD_TYPE_DATA && receivedBytes + ctLength > MAX_SEALED_BYTES_PER_DIRECTION) {
      fail(E2eResetReason.exhausted)
      return false
    }
    let plaintext: Buffer
    try {
      const decipher = createDecipheriv(CIPHER, keys.receiveKey, nextNonce(receiveNonce, receiveCounter), { authTagLength: RECORD_TAG_BYTES })
      decipher.setAAD(header)
      decipher.setAuthTag(record.subarray(ctLength))
      plaintext = decipher.update(record.subarray(0, ctLength))
      decipher.final()
    } catch {
      fail(E2eResetReason.badRecord)
      return false
    }
    receiveCounter++
    if (type === RECORD_TYPE_END) {
      endRecordSeen = true
      return true
    }
    receivedBytes += ctLength
    sink?.data(plaintext)
    return failure === undefined && !stopped
  }

  /** Feeds one contiguous piece of ciphertext through the reassembler. */
  const receive = (piece: Uint8Array): void => {
    let at = 0
    while (at < piece.byteLength && failure === undefined && !stopped) {
      if (endRecordSeen) {
        fail(E2eResetReason.afterEnd)
        return
      }
      if (headerFill < RECORD_HEADER_BYTES) {
        const n = Math.min(RECORD_HEADER_BYTES - headerFill, piece.byteLength - at)
        header.set(piece.subarray(at, at + n), headerFill)
        headerFill += n
        at += n
        if (headerFill < RECORD_HEADER_BYTES) return
        // Length checked before a single body byte is buffered.
        bodyLength = header.readUIntBE(1, 3)
        const type = header[0]
        if (type !== RECORD_TYPE_DATA && type !== RECORD_TYPE_END) return fail(E2eResetReason.badType)
        if (bodyLength > MAX_RECORD_BODY_BYTES) return fail(E2eResetReason.tooLarge)
        // A data record carries at least one byte, an END record none.
        if (type === RECORD_TYPE_DATA ? bodyLength <= RECORD_TAG_BYTES : bodyLength !== RECORD_TAG_BYTES) return fail(E2eResetReason.badRecord)
      }
      const type = header[0]
      if (bodyFill === 0 && piece.byteLength - at >= bodyLength) {
        const record = piece.subarray(at, at + bodyLength)
        at += bodyLength
        headerFill = 0
        if (!open(type, record)) return
        continue
      }
      body ??= Buffer.allocUnsafe(MAX_RECORD_BODY_BYTES)
      const n = Math.min(bodyLength - bodyFill, piece.byteLength - at)
      body.set(piece.subarray(at, at + n), bodyFill)
      bodyFill += n
      at += n
      if (bodyFill < bodyLength) return
      headerFill = 0
      bodyFill = 0
      if (!open(type, body.subarray(0, bodyLength))) return
    }
  }

  const receiveChunk = (chunk: Chunk): void => {
    if (chunk instanceof Uint8Array) receive(chunk)
    else for (const piece of chunk) receive(piece)
  }

  const innerSink: EndpointSink = {
    data (chunk) {
      if (failure !== undefined || stopped) return
      receiveChunk(chunk)
    },
    end () {
      if (failure !== undefined || stopped || endDelivered) return
      if (!endRecordSeen) {
        fail(E2eResetReason.truncated)
        return
      }
      endDelivered = true
      sink?.end()
    },
    reset (reason) {
      if (failure !== undefined) return
      failure = reason
      dropPartialRecord()
      sink?.reset(reason)
    },
    closed () {
      if (failure === undefined && endDelivered) sink?.closed()
    }
  }

  return {
    label: `${inner.label} (e2e)`,
    get bufferedInboundBytes () { return (headerFill < RECORD_HEADER_BYTES ? headerFill : RECORD_HEADER_BYTES + bodyFill) },
    start (s) {
      sink = s
      if (failure !== undefined) s.reset(failure)
      else if (options.initialCiphertext !== undefined) receive(options.initialCiphertext)
      inner.start(innerSink)
    },
    write (data) {
      if (failure !== undefined || stopped || writeEnded) return true
      const total = data.byteLength
      if (total === 0) return true
      if (sentBytes + total > MAX_SEALED_BYTES_PER_DIRECTION) {
        fail(E2eResetReason.exhausted)
        return true
      }
      sentBytes += total
      let ok = true
      if (data instanceof Uint8Array) {
        for (let at = 0; at < total; at += MAX_RECORD_PLAINTEXT_BYTES) {
          const piece = data.subarray(at, at + MAX_RECORD_PLAINTEXT_BYTES)
          ok = inner.write(seal(RECORD_TYPE_DATA, [piece], piece.byteLength)) && ok
        }
        return ok
      }
      // A list: gather its pieces into records of up to the cap, slicing, never copying plaintext.
      let pieces: Uint8Array[] = []
      let length = 0
      for (let piece of data) {
        while (piece.byteLength > 0) {
          const take = Math.min(piece.byteLength, MAX_RECORD_PLAINTEXT_BYTES - length)
          pieces.push(piece.subarray(0, take))
          length += take
          piece = piece.subarray(take)
          if (length === MAX_RECORD_PLAINTEXT_BYTES) {
            ok = inner.write(seal(RECORD_TYPE_DATA, pieces, length)) && ok
            pieces = []
            length = 0
          }
        }
      }
      if (length > 0) ok = inner.write(seal(RECORD_TYPE_DATA, pieces, length)) && ok
      return ok
    },
    onDrain (fn) { inner.onDrain(fn) },
    pause () { inner.pause() },
    resume () { inner.resume() },
    end () {
      if (failure !== undefined || stopped || writeEnded) return
      writeEnded = true
      inner.write(seal(RECORD_TYPE_END, [], 0))
      inner.end()
    },
    reset () {
      stopped = true
      dropPartialRecord()
      inner.reset()
    }
  }
}
