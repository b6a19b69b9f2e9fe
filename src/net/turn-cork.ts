import type { Socket } from 'node:net'

/**
 * Everything written to `socket` in one event-loop turn leaves in one
 * writev: call the returned function before each write; the first call of a
 * turn corks the socket and the next tick uncorks it. No byte waits for a
 * timer: the flush runs before the event loop polls again. Used on the links
 * (libp2p-patches/tcp-write-coalescing.ts) and on the edge sockets (splice.ts).
 */
export function corkForTurn (socket: Socket): () => void {
  let corked = false
  const uncork = (): void => {
    corked = false
    socket.uncork()
  }
  return () => {
    if (corked || socket.destroyed) return
    corked = true
    socket.cork()
    process.nextTick(uncork)
  }
}
