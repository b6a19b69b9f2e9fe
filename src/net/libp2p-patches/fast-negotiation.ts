import type { StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'
import { proposal } from '../../wire/multistream.js'
import { fastNegotiationOutbound, isAwaitingEcho, proposeWithoutWaiting } from './fast-negotiation-outbound.js'
import { acceptsWithoutWaiting, acceptWithoutWaiting, fastNegotiationInbound } from './fast-negotiation-inbound.js'

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
 * bytes leave in the same packet; a far end that answers anything but the
 * echo (it does not speak the protocol) aborts the stream with
 * ProtocolRefusedError (fast-negotiation-outbound.ts).
 *
 * Inbound, for the protocols listed (and handled here): a stream that opens
 * with exactly one of their proposals is answered and handed to libp2p
 * negotiated; every other stream (other protocols, other proposals, a peer
 * that proposes "ls") goes to libp2p untouched (fast-negotiation-inbound.ts).
 * Both sides speak plain multistream-select on the wire, so either end may be
 * an ordinary libp2p peer. Where the internals are missing, streams are left
 * to libp2p and the patch reports itself inactive.
 */
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
        if (fast !== undefined) {
          proposeWithoutWaiting(stream, fast.protocol, fast.bytes)
          fastNegotiationOutbound.observe(isAwaitingEcho(stream, fast.protocol), 'a Yamux stream without onData')
        }
        return stream
      }
      acceptWithoutWaiting(muxer, proposals, handled, timeoutMs)
      fastNegotiationInbound.observe(acceptsWithoutWaiting(muxer), 'a Yamux muxer without the internals onRemoteStream uses')
      return muxer
    }
    return muxerFactory
  }
}
