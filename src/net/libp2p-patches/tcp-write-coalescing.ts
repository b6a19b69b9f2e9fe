import type { Socket } from 'node:net'
import { corkForTurn } from '../turn-cork.js'
import { declarePatch } from './registry.js'

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
 * Applies per connection, by replacing the `sendData` of @libp2p/tcp's
 * connection object (an own property) with one that writes to its `socket`;
 * a connection without those (another transport, another version) is left as
 * it is.
 */
export const tcpWriteCoalescing = declarePatch({
  name: 'tcp-write-coalescing',
  packages: [{ name: '@libp2p/tcp', testedVersions: ['11.0.28'] }],
  applies: "per TCP connection: its sendData replaced by one that corks the socket for the rest of the turn"
})

interface TcpMaConn {
  socket?: unknown
  sendData?: unknown
}

interface SendResult { sentBytes: number, canSendMore: boolean }

const coalescing = new WeakSet<object>()

export function coalesceWrites<T> (maConn: T): T {
  const conn = maConn as TcpMaConn
  const socket = conn.socket as Socket | undefined
  if (socket === undefined || typeof socket.cork !== 'function' || typeof conn.sendData !== 'function') return maConn
  const cork = corkForTurn(socket)
  const sendData = (data: Uint8Array | Iterable<Uint8Array>): SendResult => {
    cork()
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
  coalescing.add(sendData)
  conn.sendData = sendData
  return maConn
}

/** Check, on a real connection: what libp2p calls to write is the coalescing sendData. */
export function isCoalescingWrites (maConn: unknown): boolean {
  return coalescing.has((maConn as TcpMaConn).sendData as object)
}
