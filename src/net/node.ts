import '../polyfill.js'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import type { PrivateKey } from '@libp2p/interface'
import { withCoalescedWrites } from './coalesce.js'
import { MAX_STREAM_READ_BUFFER_BYTES, MAX_STREAM_WINDOW_BYTES } from './constants.js'

export interface NodeOptions {
  privateKey: PrivateKey
  listen: string[]
  /** Upper bound on streams per connection per direction (tunnels plus one link stream). */
  maxStreamsPerConnection: number
}

/**
 * The libp2p host of one router: TCP, Noise, Yamux, nothing else. No peer
 * discovery, identify or DHT: routers learn each other from configured links
 * and link-state advertisements only.
 */
export async function createNode (options: NodeOptions): Promise<Libp2p> {
  return await createLibp2p({
    privateKey: options.privateKey,
    addresses: { listen: options.listen },
    transports: [tcp({ outboundSocketInactivityTimeout: 0, inboundSocketInactivityTimeout: 0 })],
    connectionEncrypters: [withCoalescedWrites(noise())],
    streamMuxers: [yamux({
      maxInboundStreams: options.maxStreamsPerConnection,
      maxOutboundStreams: options.maxStreamsPerConnection,
      // Yamux's keep-alive would add traffic without telling us anything: links
      // probe liveness themselves on the link stream.
      enableKeepAlive: false,
      streamOptions: {
        maxStreamWindowSize: MAX_STREAM_WINDOW_BYTES,
        maxReadBufferLength: MAX_STREAM_READ_BUFFER_BYTES,
        inactivityTimeout: 0
      }
    })],
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
}
