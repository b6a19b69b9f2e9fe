import '../polyfill.js'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import type { PrivateKey } from '@libp2p/interface'
import type { Logger as Log } from 'pino'
import { HEADER_TIMEOUT_MS, MAX_STREAM_READ_BUFFER_BYTES, MAX_STREAM_WINDOW_BYTES } from './constants.js'
import { TUNNEL_PROTOCOL } from '../wire/constants.js'
import { installLibp2pPatches, patchPeerStore, reportLibp2pPatches, withCoalescedWrites, withFastNegotiation } from './libp2p-patches/index.js'
import { silentLogger } from './silent-logger.js'
import { noiseCrypto, sodiumUnavailable } from './noise-crypto.js'

export interface NodeOptions {
  privateKey: PrivateKey
  listen: string[]
  /** Upper bound on streams per connection per direction (tunnels plus one link stream). */
  maxStreamsPerConnection: number
  /** Where a libp2p patch that is not in effect, or runs on an untested version, is reported. */
  log?: Log
}

/**
 * The libp2p host of one router: TCP, Noise, Yamux, nothing else. No peer
 * discovery, identify or DHT: routers learn each other from configured links
 * and link-state advertisements only.
 */
export async function createNode (options: NodeOptions): Promise<Libp2p> {
  await installLibp2pPatches()
  const node = await createLibp2p({
    privateKey: options.privateKey,
    // libp2p's own debug logging is off unless DEBUG is set; even off, it
    // builds a scoped logger (namespace matching included) for every stream,
    // which showed in the per-connection profile. DEBUG=libp2p:* brings it back.
    ...(process.env.DEBUG === undefined || process.env.DEBUG === '' ? { logger: silentLogger } : {}),
    addresses: { listen: options.listen },
    transports: [tcp({ outboundSocketInactivityTimeout: 0, inboundSocketInactivityTimeout: 0 })],
    // Small messages through libsodium, bulk through Node's cipher (noise-crypto.ts).
    connectionEncrypters: [withCoalescedWrites(noise({ crypto: noiseCrypto }))],
    // Tunnel streams negotiate without a round trip (libp2p-patches/fast-negotiation.ts).
    streamMuxers: [withFastNegotiation(yamux({
      maxInboundStreams: options.maxStreamsPerConnection,
      maxOutboundStreams: options.maxStreamsPerConnection,
      // Yamux's keep-alive would add traffic without telling us anything: links
      // probe liveness themselves on the link stream.
      enableKeepAlive: false,
      streamOptions: {
        maxStreamWindowSize: MAX_STREAM_WINDOW_BYTES,
        // js-yamux grows a stream's window from 256 KiB only when it knows the
        // connection's RTT, which it measures with keep-alive pings (off here),
        // so windows stayed at 256 KiB: one bulk tunnel stopped and went every
        // 256 KiB and moved ~110 MB/s at ~7 CPU-s/GiB per router; at 4 MiB from
        // the start, ~300 MB/s at ~3. Both ends take the size from their own
        // config, so every site must run with the same value.
        initialStreamWindowSize: MAX_STREAM_WINDOW_BYTES,
        maxReadBufferLength: MAX_STREAM_READ_BUFFER_BYTES,
        inactivityTimeout: 0
      }
    }), [TUNNEL_PROTOCOL], HEADER_TIMEOUT_MS)],
    connectionManager: {
      maxConnections: 10_000,
      // The default (5 new inbound connections a second per host) would refuse
      // routers that restart together behind one NAT.
      inboundConnectionThreshold: 1_000,
      maxIncomingPendingConnections: 256,
      dialTimeout: 5_000
    },
    connectionMonitor: { enabled: false }
  })
  patchPeerStore(node)
  reportLibp2pPatches(options.log)
  if (sodiumUnavailable !== undefined) options.log?.warn({ reason: sodiumUnavailable }, 'libsodium did not load; Noise encrypts small messages with its own, slower cipher')
  return node
}
