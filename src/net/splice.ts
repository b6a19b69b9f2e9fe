import type { Socket } from 'node:net'
import type { Stream } from '@libp2p/interface'
import type { Chunk } from '../wire/frames.js'
import { keepReceiveWindowShut } from './libp2p-patches/index.js'
import { corkForTurn } from './turn-cork.js'

/**
 * One end of a byte pipe. Adapters exist for a TCP socket and a libp2p stream;
 * `splice` joins any two of them, so every pipe in portmesh (client socket to
 * stream, stream to stream at a transit hop, stream to workload socket, socket
 * to socket for a local connector) has the same backpressure, half-close and
 * reset behaviour.
 */
export interface Endpoint {
  readonly label: string
  /** Starts delivering events; called once. */
  start (sink: EndpointSink): void
  /** Writes bytes; false means the caller should pause its source until onDrain fires. */
  write (data: Chunk): boolean
  onDrain (fn: () => void): void
  pause (): void
  resume (): void
  /** Half-close: no more bytes from us, reading continues. */
  end (): void
  /** Abort both directions and tell the far side it was not a clean close. */
  reset (): void
}

export interface EndpointSink {
  data (chunk: Chunk): void
  /** The remote finished sending cleanly (every byte delivered). */
  end (): void
  /** Closed without a clean finish: the other side must be reset too. */
  reset (reason: string): void
  /** Fully closed after clean finishes both ways. */
  closed (): void
}

export interface SpliceResult {
  /** Bytes that went from a to b, and from b to a. */
  bytesAToB: number
  bytesBToA: number
  /** Undefined after a clean close both ways; else why the pipe was reset. */
  resetReason?: string
}

export interface SpliceOptions {
  /** Bytes to hand to b before anything read from a (read ahead of a while parsing a header). */
  initialAToB?: Uint8Array
  initialBToA?: Uint8Array
  /** Called for every chunk moved, e.g. to count link activity. */
  onBytes?: (direction: 'aToB' | 'bToA', n: number) => void
}

/**
 * Joins two endpoints until both are closed. Backpressure: a full destination
 * pauses its source until it drains, so no hop buffers without bound.
 * Half-close travels across; a reset on either end resets the other. The
 * promise settles exactly once, when both ends are done.
 */
export async function splice (a: Endpoint, b: Endpoint, options: SpliceOptions = {}): Promise<SpliceResult> {
  return await new Promise<SpliceResult>((resolve) => {
    const result: SpliceResult = { bytesAToB: 0, bytesBToA: 0 }
    let closedCount = 0
    let finished = false

    const finish = (): void => {
      if (finished) return
      finished = true
      resolve(result)
    }

    const resetBoth = (reason: string): void => {
      if (finished) return
      result.resetReason ??= reason
      a.reset()
      b.reset()
      finish()
    }

    const pipe = (src: Endpoint, dst: Endpoint, direction: 'aToB' | 'bToA', initial?: Uint8Array): EndpointSink => {
      let waitingForDrain = false
      const forward = (chunk: Chunk): void => {
        const n = chunk.byteLength
        if (direction === 'aToB') result.bytesAToB += n
        else result.bytesBToA += n
        options.onBytes?.(direction, n)
        if (!dst.write(chunk) && !waitingForDrain) {
          waitingForDrain = true
          src.pause()
          dst.onDrain(() => {
            waitingForDrain = false
            if (!finished) src.resume()
          })
        }
      }
      if (initial !== undefined && initial.byteLength > 0) forward(initial)
      return {
        data: forward,
        end: () => { if (!finished) dst.end() },
        reset: resetBoth,
        closed: () => {
          closedCount++
          if (closedCount === 2) finish()
        }
      }
    }

    const sinkA = pipe(a, b, 'aToB', options.initialAToB)
    const sinkB = pipe(b, a, 'bToA', options.initialBToA)
    a.start(sinkA)
    b.start(sinkB)
  })
}

/** Queued bytes past which a socket endpoint asks its source to pause. */
const SOCKET_HIGH_WATER_BYTES = 256 * 1024

/**
 * A TCP socket as an endpoint. The socket must allow half-open connections.
 * `alreadyEnded`: its 'end' was consumed before this endpoint existed (the
 * client finished sending while its tunnel was being set up).
 */
export function socketEndpoint (socket: Socket, label = 'tcp', alreadyEnded = false): Endpoint {
  let gotEnd = alreadyEnded
  let error: Error | undefined
  let resetDone = false
  let drainFns: Array<() => void> = []
  // What is written in one event-loop turn leaves in one writev. A tunnel's
  // bytes arrive cut where Noise and Yamux frames end: one 64 KiB write of
  // iperf3's reached its server as writes of 65,488, 29 and 19 bytes, each a
  // syscall and a TCP segment of its own (24,000 writes for 512 MiB, 7,700 of
  // them 29 bytes).
  const cork = corkForTurn(socket)

  socket.on('drain', () => {
    const fns = drainFns
    drainFns = []
    for (const fn of fns) fn()
  })
  // Listen for errors from the start: an unhandled socket error would end the process.
  socket.on('error', (err) => { error ??= err })

  return {
    label,
    start (s) {
      socket.on('data', (chunk: Buffer) => s.data(chunk))
      socket.on('end', () => { gotEnd = true; s.end() })
      socket.on('close', () => {
        if (gotEnd && error === undefined && !resetDone) s.closed()
        else s.reset(resetDone ? 'reset' : `${label} ${error !== undefined ? (error as NodeJS.ErrnoException).code ?? error.message : 'closed without finishing'}`)
      })
      if (socket.destroyed) {
        s.reset(`${label} already closed`)
        return
      }
      if (alreadyEnded) s.end()
      socket.resume()
    },
    write (data) {
      if (socket.destroyed || socket.writableEnded) return true
      cork()
      if (data instanceof Uint8Array) socket.write(data)
      else for (const buf of data) socket.write(buf)
      // Corked, every write is queued, so the socket's own answer (false past
      // 16 KiB queued) would pause the source after nearly every chunk. Past
      // SOCKET_HIGH_WATER_BYTES the last write did answer false, so the socket
      // emits 'drain' once it has written everything out.
      return socket.writableLength < SOCKET_HIGH_WATER_BYTES
    },
    onDrain (fn) {
      drainFns.push(fn)
    },
    pause () { socket.pause() },
    resume () { if (!socket.destroyed) socket.resume() },
    end () {
      if (!socket.destroyed && !socket.writableEnded) socket.end()
    },
    reset () {
      if (resetDone || socket.destroyed) return
      resetDone = true
      socket.resetAndDestroy()
    }
  }
}

/** Below this many queued bytes a stream takes more data from its source. */
const STREAM_LOW_WATER_BYTES = 256 * 1024

/**
 * A libp2p stream as an endpoint. A clean end is the remote's half-close
 * (yamux FIN) followed by every buffered byte being read; a stream whose
 * connection dies without FIN counts as reset, so the far TCP end is reset
 * too and never mistakes a cut-off transfer for a complete one.
 */
export function streamEndpoint (stream: Stream, label = 'stream', onActivity?: (bytesIn: number, bytesOut: number) => void): Endpoint {
  let gotFin = false
  let resetDone = false
  let wantPaused = false
  let drainFns: Array<() => void> = []

  // Resume the source only once this stream's own queue is nearly empty: libp2p
  // fires 'drain' on every window update while bytes are still queued, and
  // resuming then would let the queue grow without bound. Listened to only
  // while someone waits: libp2p announces 'idle' after every send that empties
  // the queue, and builds no event that nobody listens to (stream-event-dispatch).
  const maybeDrained = (): void => {
    if (drainFns.length === 0 || stream.writeBufferLength > STREAM_LOW_WATER_BYTES) return
    const fns = drainFns
    drainFns = []
    stream.removeEventListener('drain', maybeDrained)
    stream.removeEventListener('idle', maybeDrained)
    for (const fn of fns) fn()
  }

  return {
    label,
    start (s) {
      stream.addEventListener('remoteCloseWrite', () => { gotFin = true })
      if (stream.remoteWriteStatus === 'closed' && stream.status !== 'reset' && stream.status !== 'aborted') gotFin = true
      let ended = false
      let closeSeen = false
      const onEnd = (): void => {
        if (ended) return
        // An abort or reset also ends the readable side; its 'close' event says why.
        if (stream.status === 'aborted' || stream.status === 'reset') return
        ended = true
        if (gotFin) s.end()
        else s.reset(`${label} ended without finishing`)
        if (closeSeen) s.closed()
      }
      stream.addEventListener('message', (evt) => {
        onActivity?.(evt.data.byteLength, 0)
        s.data(evt.data)
      })
      stream.addEventListener('end', onEnd)
      stream.addEventListener('close', (evt) => {
        if (evt.error !== undefined || resetDone) {
          s.reset(`${label} ${evt.error?.name === 'StreamResetError' ? 'reset by peer' : evt.error?.message ?? 'reset'}`)
          return
        }
        closeSeen = true
        // Both ends finished writing, but bytes we paused on may still be
        // buffered: 'end' comes once they are read, and closes us then.
        if (!ended && stream.readBufferLength > 0) return
        if (!ended) onEnd()
        else s.closed()
      })
      if (stream.status !== 'open') {
        if (stream.status === 'closed' && gotFin) {
          closeSeen = true
          if (stream.readBufferLength > 0 && stream.readStatus === 'paused') this.resume()
          else onEnd()
        } else {
          s.reset(`${label} already ${stream.status}`)
        }
        return
      }
      if (stream.readableEnded) onEnd()
      else if (stream.readStatus === 'paused') this.resume()
    },
    write (data) {
      if (stream.writeStatus !== 'writable') return true
      onActivity?.(0, data.byteLength)
      return stream.send(data) && stream.writeBufferLength <= STREAM_LOW_WATER_BYTES
    },
    onDrain (fn) {
      if (drainFns.length === 0) {
        stream.addEventListener('drain', maybeDrained)
        stream.addEventListener('idle', maybeDrained)
      }
      drainFns.push(fn)
      if (stream.writeBufferLength <= STREAM_LOW_WATER_BYTES && !stream.writableNeedsDrain) queueMicrotask(maybeDrained)
    },
    pause () {
      wantPaused = true
      if (stream.readStatus === 'readable') stream.pause()
    },
    resume () {
      wantPaused = false
      if (stream.readStatus !== 'paused') return
      stream.resume()
      // resume() delivers what was buffered and only then re-opens the muxer's
      // receive window; if that delivery paused us again, the window must stay
      // shut, or the peer may send past our read buffer limit.
      if (wantPaused) keepReceiveWindowShut(stream)
    },
    end () {
      if (stream.writeStatus === 'writable') {
        stream.close().catch(() => {})
      }
    },
    reset () {
      if (resetDone || stream.status === 'reset' || stream.status === 'aborted') return
      resetDone = true
      stream.abort(new Error('tunnel reset'))
    }
  }
}
