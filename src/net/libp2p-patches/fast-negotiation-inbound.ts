import type { Stream, StreamMuxer } from '@libp2p/interface'
import * as utils from '@libp2p/utils'
import { bytesOf, type Chunk, type StreamInternals } from './fast-negotiation-outbound.js'
import { declarePatch } from './registry.js'

/**
 * Inbound half of the fast negotiation (fast-negotiation.ts): a new stream
 * whose first bytes are exactly the proposal of a protocol this node handles
 * is answered here, with the bytes multistream-select would send, and handed
 * to libp2p negotiated; every other stream is handed over untouched, its
 * bytes in order, for libp2p to negotiate.
 *
 * Applies per muxer, by replacing @libp2p/utils' AbstractStreamMuxer
 * `onRemoteStream` with a copy that holds the 'stream' event back until the
 * protocol is known (using the muxer's `streams`, `earlyStreams`,
 * `maxEarlyStreams`, `cleanUpStream`, `listenerCount`, `safeDispatchEvent`
 * and `abort`), and per stream, an own `onData` until the proposal is read.
 * It asks libp2p's registrar (`getHandler`) which protocols are handled, and
 * relies on libp2p's Connection taking a stream whose `protocol` is set as
 * negotiated.
 */
export const fastNegotiationInbound = declarePatch({
  name: 'fast-negotiation-inbound',
  packages: [
    { name: '@libp2p/utils', via: '@libp2p/yamux', testedVersions: ['7.4.1'] },
    { name: 'libp2p', testedVersions: ['3.3.11'] },
    { name: '@libp2p/multistream-select', via: 'libp2p', testedVersions: ['7.0.28'] }
  ],
  applies: "per Yamux muxer: its onRemoteStream replaced by a copy that reads the proposal first; per inbound stream: an own onData until then"
})

export interface Proposal { protocol: string, bytes: Uint8Array }

interface MuxerInternals {
  streams?: unknown
  earlyStreams?: unknown
  maxEarlyStreams?: unknown
  cleanUpStream?: unknown
  onRemoteStream?: unknown
  listenerCount?: unknown
  safeDispatchEvent?: unknown
  abort?: unknown
}

interface Internals {
  streams: Stream[]
  earlyStreams: Stream[]
  maxEarlyStreams: number
  cleanUpStream: (stream: Stream) => void
  onRemoteStream: (stream: Stream) => void
  listenerCount: (type: string) => number
  safeDispatchEvent: (type: string, detail: { detail: Stream }) => void
  abort: (err: Error) => void
}

/** libp2p's own error for the guard below, so a peer sees what an unpatched libp2p would do. */
const MaxEarlyStreamsError: new (message: string) => Error = (utils as { MaxEarlyStreamsError?: new (message: string) => Error }).MaxEarlyStreamsError ??
  class extends Error { override name = 'MaxEarlyStreamsError' }

const replacements = new WeakSet<object>()

function hasInternals (m: MuxerInternals): m is MuxerInternals & Internals {
  return Array.isArray(m.streams) && Array.isArray(m.earlyStreams) && typeof m.maxEarlyStreams === 'number' &&
    typeof m.cleanUpStream === 'function' && typeof m.onRemoteStream === 'function' &&
    typeof m.listenerCount === 'function' && typeof m.safeDispatchEvent === 'function' && typeof m.abort === 'function'
}

/**
 * Makes `muxer` read each new stream's proposal before libp2p sees the
 * stream. A muxer without the internals this uses is left as it is.
 */
export function acceptWithoutWaiting (muxer: StreamMuxer, proposals: Proposal[], handled: (protocol: string) => boolean, timeoutMs: number): void {
  const m = muxer as unknown as MuxerInternals
  if (!hasInternals(m)) return
  const { streams, cleanUpStream, onRemoteStream } = m
  // Streams that arrived while nobody listened for 'stream' and whose proposal is still being read.
  let earlyUndecided = 0
  const replacement = (stream: Stream): void => {
    if (typeof (stream as unknown as StreamInternals).onData !== 'function' || !Array.isArray(m.earlyStreams)) {
      fastNegotiationInbound.observe(false, 'a Yamux stream without onData, or a muxer without earlyStreams')
      onRemoteStream.call(muxer, stream)
      return
    }
    // What onRemoteStream does, with the 'stream' event held back until the stream's protocol is known.
    streams.push(stream)
    cleanUpStream.call(muxer, stream)
    const early = m.listenerCount('stream') === 0
    if (early) earlyUndecided++
    readProposal(stream, proposals, handled, timeoutMs, () => { if (early) earlyUndecided-- }, (s) => {
      // A stream that arrives before libp2p listens (the connection's first moments) waits with the muxer's early streams.
      if (m.listenerCount('stream') > 0) m.safeDispatchEvent('stream', { detail: s })
      else m.earlyStreams.push(s)
    })
    // libp2p's guard, as AbstractStreamMuxer.onRemoteStream applies it: a
    // stream that arrives while nobody listens is early from that moment, and
    // more than maxEarlyStreams of them abort the muxer.
    if (early) {
      const n = m.earlyStreams.length + earlyUndecided
      if (n > m.maxEarlyStreams) m.abort(new MaxEarlyStreamsError(`Too many early streams were opened - ${n}/${m.maxEarlyStreams}`))
    }
  }
  replacements.add(replacement)
  m.onRemoteStream = replacement
}

/** Check, on a real muxer: its new streams go through the copy above. */
export function acceptsWithoutWaiting (muxer: StreamMuxer): boolean {
  const m = muxer as unknown as MuxerInternals
  return hasInternals(m) && replacements.has(m.onRemoteStream)
}

/**
 * Holds a new stream until its first bytes show whether it proposes one of
 * `proposals`; then answers and dispatches it negotiated, or dispatches it
 * with its bytes for libp2p to negotiate. A stream that proposes nothing
 * complete within `timeoutMs` is aborted, as libp2p's own negotiation timeout
 * would. `decided` runs once, when the stream is dispatched, closed or aborted.
 */
function readProposal (stream: Stream, proposals: Proposal[], handled: (protocol: string) => boolean, timeoutMs: number, decided: () => void, dispatch: (stream: Stream) => void): void {
  const s = stream as unknown as StreamInternals
  const deliver = s.onData as (data: Chunk) => void
  let held: Uint8Array = new Uint8Array(0)
  let isDecided = false
  let timer: NodeJS.Timeout | undefined
  const decide = (): void => {
    isDecided = true
    delete s.onData
    clearTimeout(timer)
    stream.removeEventListener('remoteCloseWrite', onRemoteEnd)
    stream.removeEventListener('close', onClose)
    decided()
  }
  // The far end finished writing before a whole proposal: libp2p's negotiation reads what there is and fails.
  const onRemoteEnd = (): void => {
    if (isDecided) return
    const bytes = held
    decide()
    dispatch(stream)
    if (bytes.byteLength > 0) deliver.call(stream, bytes)
  }
  const onClose = (): void => { if (!isDecided) decide() }
  stream.addEventListener('remoteCloseWrite', onRemoteEnd)
  stream.addEventListener('close', onClose)
  // Opener and first bytes usually arrive in one read; a timer only for a stream still undecided after it.
  queueMicrotask(() => {
    if (isDecided) return
    timer = setTimeout(() => {
      if (isDecided) return
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
