import type { Stream, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'
import { proposal } from '../wire/multistream.js'

/**
 * Multistream-select without its round trip, for tunnel streams.
 *
 * libp2p negotiates every new stream's protocol: the opener writes
 * "/multistream/1.0.0" and the protocol, and `newStream` returns only once the
 * far end has echoed both (@libp2p/multistream-select 7 does not implement
 * the documented `negotiateFully: false` shortcut). The far end reads the
 * proposal a byte at a time through several promise layers before it calls
 * the handler. Over one hop that was a round trip plus ~0.3 ms of CPU per
 * connection.
 *
 * Outbound, for `newStream(protocol, { negotiateFully: false })`: the proposal
 * is written at once and the stream returned at once, so the caller's first
 * bytes leave in the same packet; the far end's echo is checked and removed
 * from the front of what arrives, and a far end that answers anything else
 * (it does not speak the protocol) aborts the stream with ProtocolRefusedError.
 *
 * Inbound, for the protocols listed (and handled here): a new stream whose
 * first bytes are exactly the proposal of one of them is answered here, with
 * the bytes multistream-select would send, and handed to libp2p negotiated.
 * Every other stream (other protocols, other proposals, a peer that proposes
 * "ls") is handed over untouched, its bytes in order, for libp2p to negotiate.
 * Both sides speak plain multistream-select on the wire, so either end may be
 * an ordinary libp2p peer.
 *
 * This reaches into js-yamux and @libp2p/utils internals (a stream's
 * `onData`; the muxer's `streams`, `earlyStreams`, `cleanUpStream` and
 * `onRemoteStream`); when they are missing, streams are left to libp2p.
 */

export class ProtocolRefusedError extends Error {
  override name = 'ProtocolRefusedError'
}

type Chunk = Uint8Array | { subarray: () => Uint8Array }
interface Internals { onData?: (data: Chunk) => void, protocol: string }

const bytesOf = (data: Chunk): Uint8Array => data instanceof Uint8Array ? data : data.subarray()

/** Outbound: sends `expected`, the proposal of `protocol`, without waiting, and strips the far end's echo (the same bytes) from what arrives. */
function proposeWithoutWaiting (stream: Stream, protocol: string, expected: Uint8Array): void {
  const s = stream as unknown as Internals
  const deliver = s.onData
  if (typeof deliver !== 'function') return
  let matched = 0
  s.protocol = protocol
  s.onData = function (data: Chunk) {
    const bytes = bytesOf(data)
    const n = Math.min(bytes.byteLength, expected.byteLength - matched)
    for (let i = 0; i < n; i++) {
      if (bytes[i] !== expected[matched + i]) {
        delete s.onData
        stream.abort(new ProtocolRefusedError(`the peer does not speak ${protocol}`))
        return
      }
    }
    matched += n
    if (matched < expected.byteLength) return
    delete s.onData
    if (n < bytes.byteLength) deliver.call(this, bytes.subarray(n))
  }
  stream.send(expected)
}

/**
 * Inbound: holds a new stream until its first bytes show whether it proposes
 * one of `protocols`; then answers and dispatches it negotiated, or dispatches
 * it with its bytes for libp2p to negotiate. A stream that proposes nothing
 * complete within `timeoutMs` is aborted, as libp2p's own negotiation timeout
 * would.
 */
function acceptWithoutWaiting (stream: Stream, proposals: Array<{ protocol: string, bytes: Uint8Array }>, handled: (protocol: string) => boolean, dispatch: (stream: Stream) => void, timeoutMs: number): void {
  const s = stream as unknown as Internals
  const deliver = s.onData as (data: Chunk) => void
  let held: Uint8Array = new Uint8Array(0)
  let decided = false
  let timer: NodeJS.Timeout | undefined
  const decide = (): void => {
    decided = true
    delete s.onData
    clearTimeout(timer)
    stream.removeEventListener('remoteCloseWrite', onRemoteEnd)
    stream.removeEventListener('close', onClose)
  }
  // The far end finished writing before a whole proposal: libp2p's negotiation reads what there is and fails.
  const onRemoteEnd = (): void => {
    if (decided) return
    const bytes = held
    decide()
    dispatch(stream)
    if (bytes.byteLength > 0) deliver.call(stream, bytes)
  }
  const onClose = (): void => { if (!decided) decide() }
  stream.addEventListener('remoteCloseWrite', onRemoteEnd)
  stream.addEventListener('close', onClose)
  // Opener and first bytes usually arrive in one read; a timer only for a stream still undecided after it.
  queueMicrotask(() => {
    if (decided) return
    timer = setTimeout(() => {
      if (decided) return
      decide()
      stream.abort(new Error(`no protocol proposal within ${timeoutMs} ms`))
    }, timeoutMs)
    timer.unref()
  })
  s.onData = function (data: Chunk) {
    const bytes = bytesOf(data)
    if (held.byteLength === 0) {
      held = bytes
    } else {
      const all = new Uint8Array(held.byteLength + bytes.byteLength)
      all.set(held, 0)
      all.set(bytes, held.byteLength)
      held = all
    }
    let partial = false
    for (const p of proposals) {
      if (!handled(p.protocol)) continue
      const n = Math.min(held.byteLength, p.bytes.byteLength)
      let same = true
      for (let i = 0; i < n && same; i++) same = held[i] === p.bytes[i]
      if (!same) continue
      if (held.byteLength < p.bytes.byteLength) {
        partial = true
        continue
      }
      const rest = held.subarray(p.bytes.byteLength)
      decide()
      s.protocol = p.protocol
      stream.send(p.bytes)
      dispatch(stream)
      if (rest.byteLength > 0) deliver.call(this, rest)
      return
    }
    if (partial) return
    const all = held
    decide()
    dispatch(stream)
    deliver.call(this, all)
  }
}

interface MuxerInternals {
  streams?: unknown
  earlyStreams?: unknown
  cleanUpStream?: unknown
  onRemoteStream?: unknown
  listenerCount: (type: string) => number
  safeDispatchEvent: (type: string, detail: { detail: Stream }) => void
}

/** Wraps a stream muxer (Yamux) so that streams of `protocols` negotiate without a round trip. */
export function withFastNegotiation<C> (factory: (components: C) => StreamMuxerFactory, protocols: string[], timeoutMs: number): (components: C) => StreamMuxerFactory {
  const proposals = protocols.map(protocol => ({ protocol, bytes: proposal(protocol) }))
  return (components: C) => {
    const muxerFactory = factory(components)
    // Only a protocol this node handles is accepted here; anything else gets libp2p's "na".
    const handled = (protocol: string): boolean => {
      try {
        (components as { registrar: { getHandler: (protocol: string) => unknown } }).registrar.getHandler(protocol)
        return true
      } catch {
        return false
      }
    }
    const createStreamMuxer = muxerFactory.createStreamMuxer.bind(muxerFactory)
    muxerFactory.createStreamMuxer = (maConn) => {
      const muxer: StreamMuxer = createStreamMuxer(maConn)
      const createStream = muxer.createStream.bind(muxer)
      muxer.createStream = async (options) => {
        const stream = await createStream(options)
        const o = options as { negotiateFully?: boolean, protocol?: string } | undefined
        const fast = o?.negotiateFully === false ? proposals.find(p => p.protocol === o.protocol) : undefined
        if (fast !== undefined) proposeWithoutWaiting(stream, fast.protocol, fast.bytes)
        return stream
      }
      const m = muxer as unknown as MuxerInternals
      const { streams, cleanUpStream, onRemoteStream } = m
      if (!Array.isArray(streams) || typeof cleanUpStream !== 'function' || typeof onRemoteStream !== 'function') return muxer
      m.onRemoteStream = (stream: Stream): void => {
        if (typeof (stream as unknown as Internals).onData !== 'function' || !Array.isArray(m.earlyStreams)) {
          onRemoteStream.call(muxer, stream)
          return
        }
        // What onRemoteStream does, with the 'stream' event held back until the stream's protocol is known.
        streams.push(stream)
        cleanUpStream.call(muxer, stream)
        acceptWithoutWaiting(stream, proposals, handled, (s) => {
          // A stream that arrives before libp2p listens (the connection's first moments) waits with the muxer's early streams.
          if (m.listenerCount('stream') > 0) m.safeDispatchEvent('stream', { detail: s })
          else (m.earlyStreams as Stream[]).push(s)
        }, timeoutMs)
      }
      return muxer
    }
    return muxerFactory
  }
}
