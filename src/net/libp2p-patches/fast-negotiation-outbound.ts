import type { Stream } from '@libp2p/interface'
import { ProtocolRefusedError } from './errors.js'
import { declarePatch } from './registry.js'

/**
 * Outbound half of the fast negotiation (fast-negotiation.ts): a tunnel
 * stream's proposal is written at once and the stream handed back at once;
 * the far end's echo is checked and removed from the front of what arrives.
 *
 * Applies per stream, by giving the stream an own `onData` (the method of
 * @libp2p/utils' AbstractMessageStream that Yamux calls with each data frame)
 * until the echo is through, and setting `protocol`, which makes libp2p's
 * `newStream` skip multistream-select. It relies on multistream-select's
 * echo being the proposal itself.
 */
export const fastNegotiationOutbound = declarePatch({
  name: 'fast-negotiation-outbound',
  packages: [
    { name: '@libp2p/utils', via: '@libp2p/yamux', testedVersions: ['7.4.1'] },
    { name: 'libp2p', testedVersions: ['3.3.11'] },
    { name: '@libp2p/multistream-select', via: 'libp2p', testedVersions: ['7.0.28'] }
  ],
  applies: 'per outbound tunnel stream: an own onData that strips the echo, and protocol set before libp2p negotiates'
})

export type Chunk = Uint8Array | { subarray: () => Uint8Array }
export interface StreamInternals { onData?: (data: Chunk) => void, protocol: string }

export const bytesOf = (data: Chunk): Uint8Array => data instanceof Uint8Array ? data : data.subarray()

const echoFilters = new WeakSet<object>()

/**
 * Sends `expected`, the proposal of `protocol`, without waiting, and strips
 * the far end's echo (the same bytes) from what arrives. A stream without the
 * `onData` this replaces is left to libp2p's negotiation.
 */
export function proposeWithoutWaiting (stream: Stream, protocol: string, expected: Uint8Array): void {
  const s = stream as unknown as StreamInternals
  const deliver = s.onData
  if (typeof deliver !== 'function') return
  let matched = 0
  s.protocol = protocol
  const filter = function (this: unknown, data: Chunk): void {
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
  echoFilters.add(filter)
  s.onData = filter
  stream.send(expected)
}

/** Check, on a real stream just opened: its data goes through the echo filter, and libp2p will take it as negotiated. */
export function isAwaitingEcho (stream: Stream, protocol: string): boolean {
  const s = stream as unknown as StreamInternals
  return Object.hasOwn(s, 'onData') && echoFilters.has(s.onData as object) && s.protocol === protocol
}
