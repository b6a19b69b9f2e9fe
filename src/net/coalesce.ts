import type { Socket } from 'node:net'
import type { ConnectionEncrypter } from '@libp2p/interface'

/**
 * Write coalescing for libp2p's TCP connections.
 *
 * Noise hands the TCP connection each encrypted message as a 2-byte length
 * and the ciphertext, and @libp2p/tcp writes them one `socket.write` at a time
 * with Nagle off: every message costs two syscalls and a 2-byte TCP segment,
 * and the small frames of a new tunnel (window update, header, data, FIN) each
 * become their own segments too. Here the socket is corked on the first write
 * of an event-loop turn and uncorked on the next tick, so everything written
 * in one turn leaves in one `writev`. No byte waits for a timer: the flush
 * runs before the event loop polls again.
 *
 * This reaches into @libp2p/tcp's connection object (its `socket` and
 * `sendData`); when those are not there (another transport, another version)
 * the connection is left as it is.
 */
interface TcpMaConn {
  socket?: unknown
  sendData?: unknown
}

interface SendResult { sentBytes: number, canSendMore: boolean }

export function coalesceWrites<T> (maConn: T): T {
  const conn = maConn as TcpMaConn
  const socket = conn.socket as Socket | undefined
  if (socket === undefined || typeof socket.cork !== 'function' || typeof conn.sendData !== 'function') return maConn
  let corked = false
  const uncork = (): void => {
    corked = false
    socket.uncork()
  }
  conn.sendData = (data: Uint8Array | Iterable<Uint8Array>): SendResult => {
    if (!corked && !socket.destroyed) {
      corked = true
      socket.cork()
      process.nextTick(uncork)
    }
    // Every buffer is written even when the socket reports itself full: they
    // are already in memory, and the socket's 'drain' (which resumes libp2p's
    // queue) fires only after a write that returned false.
    if (data instanceof Uint8Array) return { sentBytes: data.byteLength, canSendMore: socket.write(data) }
    let canSendMore = true
    let sentBytes = 0
    for (const buf of data) {
      sentBytes += buf.byteLength
      canSendMore = socket.write(buf)
    }
    return { sentBytes, canSendMore }
  }
  return maConn
}

/** Wraps a connection encrypter (Noise) so the connections it secures coalesce their writes and read without a throw per read. */
export function withCoalescedWrites<C> (factory: (components: C) => ConnectionEncrypter): (components: C) => ConnectionEncrypter {
  return (components: C) => {
    const encrypter = factory(components)
    const secureInbound = encrypter.secureInbound.bind(encrypter)
    const secureOutbound = encrypter.secureOutbound.bind(encrypter)
    encrypter.secureInbound = async (conn, options) => quietLengthDecoder(await secureInbound(coalesceWrites(conn), options))
    encrypter.secureOutbound = async (conn, options) => quietLengthDecoder(await secureOutbound(coalesceWrites(conn), options))
    return encrypter
  }
}

/** "Fewer than two bytes buffered", built once: throwing it captures no stack. */
const LENGTH_INCOMPLETE = new RangeError('Could not decode int16BE')

/** A Uint8Array or a Uint8ArrayList (what Noise's decoder buffers in). */
type LengthSource = Uint8Array | { length: number, getUint16: (byteOffset: number) => number }

/** Noise's 2-byte big-endian message length, or LENGTH_INCOMPLETE. */
export function decodeNoiseLength (data: LengthSource): number {
  if (data.length < 2) throw LENGTH_INCOMPLETE
  if (data instanceof Uint8Array) return (data[0] << 8) | data[1]
  return data.getUint16(0)
}

/**
 * Noise's length decoder throws a new RangeError, stack trace and all, each
 * time its buffer runs out, that is at the end of every TCP read (its caller
 * catches it to mean "wait for more"): 2 % of a router's CPU per connection
 * in the profile. The secured connection's decoder gets the same decoding
 * with one prebuilt error. When the decoder is not where this expects it
 * (another Noise version) the connection is left as it is.
 */
export function quietLengthDecoder<T> (secured: T): T {
  const decoder = (secured as { connection?: { decoder?: { lengthDecoder?: unknown } } }).connection?.decoder
  if (decoder !== undefined && typeof decoder.lengthDecoder === 'function') decoder.lengthDecoder = decodeNoiseLength
  return secured
}
