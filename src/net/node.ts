import '../polyfill.js'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import type { ComponentLogger, Logger, Peer, PeerStore, PrivateKey } from '@libp2p/interface'
import { withCoalescedWrites } from './coalesce.js'
import { HEADER_TIMEOUT_MS, MAX_STREAM_READ_BUFFER_BYTES, MAX_STREAM_WINDOW_BYTES } from './constants.js'
import { TUNNEL_PROTOCOL } from '../wire/constants.js'
import { withFastNegotiation } from './negotiation.js'
import { batchWindowUpdates } from './window-updates.js'

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
  batchWindowUpdates()
  const node = await createLibp2p({
    privateKey: options.privateKey,
    // libp2p's own debug logging is off unless DEBUG is set; even off, it
    // builds a scoped logger (namespace matching included) for every stream,
    // which showed in the per-connection profile. DEBUG=libp2p:* brings it back.
    ...(process.env.DEBUG === undefined || process.env.DEBUG === '' ? { logger: silentLogger } : {}),
    addresses: { listen: options.listen },
    transports: [tcp({ outboundSocketInactivityTimeout: 0, inboundSocketInactivityTimeout: 0 })],
    connectionEncrypters: [withCoalescedWrites(noise())],
    // Tunnel streams negotiate without a round trip (negotiation.ts).
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
  skipRepeatedProtocolMerges(node.peerStore)
  return node
}

/**
 * For every stream opened or accepted, libp2p records in the peer store that
 * the peer speaks that stream's protocol: a locked read, decode, encode and
 * write per tunnel, at both ends, which showed in the per-connection profile.
 * Once a peer is recorded with a protocol, later identical records are
 * skipped. (Only libp2p's stream code makes protocol-only merges here, and it
 * does not use the returned record.)
 */
function skipRepeatedProtocolMerges (store: PeerStore): void {
  const merge = store.merge.bind(store)
  const recorded = new Map<string, { protocols: Set<string>, peer: Peer }>()
  store.merge = async (id, data, mergeOptions) => {
    const protocol = data.protocols?.length === 1 && Object.keys(data).length === 1 ? data.protocols[0] : undefined
    const key = id.toString()
    const known = recorded.get(key)
    if (protocol !== undefined && known?.protocols.has(protocol) === true) return known.peer
    const peer = await merge(id, data, mergeOptions)
    if (protocol !== undefined) {
      if (recorded.size >= 4096) recorded.clear()
      const entry = recorded.get(key) ?? { protocols: new Set<string>(), peer }
      entry.protocols.add(protocol)
      entry.peer = peer
      recorded.set(key, entry)
    } else {
      recorded.delete(key)
    }
    return peer
  }
}

const silentLog: Logger = Object.assign(() => {}, {
  error: () => {},
  trace: () => {},
  enabled: false,
  newScope: () => silentLog
})

/** A libp2p component logger that logs nothing and costs nothing per stream. */
const silentLogger: ComponentLogger = { forComponent: () => silentLog }
