import type { Libp2p, Peer, PeerStore } from '@libp2p/interface'
import { declarePatch } from './registry.js'

/**
 * For every stream opened or accepted, libp2p records in the peer store that
 * the peer speaks that stream's protocol: a locked read, decode, encode and
 * write per tunnel, at both ends, which showed in the per-connection profile.
 * Once a peer is recorded with a protocol, later identical records are
 * skipped, and identical ones made while the first is under way share it
 * (a shared one that fails fails for all). (Only libp2p's stream code makes
 * protocol-only merges here, and it does not use the returned record.)
 *
 * Applies per node, by replacing `merge` on the peer store that libp2p's
 * components hold (an own property).
 */
export const peerStoreProtocolMerges = declarePatch({
  name: 'peer-store-protocol-merges',
  packages: [
    { name: 'libp2p', testedVersions: ['3.3.11'] },
    { name: '@libp2p/peer-store', via: 'libp2p', testedVersions: ['12.0.28'] }
  ],
  applies: "per node: the peer store's merge replaced by one that skips a repeated protocol-only merge"
})

const skipping = new WeakSet<object>()

export function skipRepeatedProtocolMerges (store: PeerStore): void {
  if (typeof store.merge !== 'function' || skipping.has(store.merge)) return
  const merge = store.merge.bind(store)
  const recorded = new Map<string, { protocols: Set<string>, peer: Peer }>()
  /** Protocol-only merges under way, by peer and protocol: the first tunnels over a new link arrive together. */
  const inFlight = new Map<string, Promise<Peer>>()
  const skippingMerge: PeerStore['merge'] = async (id, data, mergeOptions) => {
    const protocol = data.protocols?.length === 1 && Object.keys(data).length === 1 ? data.protocols[0] : undefined
    const key = id.toString()
    const known = recorded.get(key)
    if (protocol !== undefined && known?.protocols.has(protocol) === true) return known.peer
    let peer: Peer
    if (protocol === undefined) {
      peer = await merge(id, data, mergeOptions)
    } else {
      // Tunnels resumed onto a link that carried none yet all open at once; each waited its turn for
      // the store's lock (10 tunnels: ~20 ms per hop here). The same record is written once for all.
      const flightKey = `${key}\n${protocol}`
      let pending = inFlight.get(flightKey)
      if (pending === undefined) {
        pending = merge(id, data, mergeOptions).finally(() => inFlight.delete(flightKey))
        inFlight.set(flightKey, pending)
      }
      peer = await pending
    }
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
  skipping.add(skippingMerge)
  store.merge = skippingMerge
}

/** The peer store libp2p's connections record protocols in (its components'), else the node's. */
function storeOf (node: Libp2p): PeerStore {
  return (node as unknown as { components?: { peerStore?: PeerStore } }).components?.peerStore ?? node.peerStore
}

/** Applies the patch to a node's peer store and records whether it took. */
export function patchPeerStore (node: Libp2p): void {
  skipRepeatedProtocolMerges(storeOf(node))
  peerStoreProtocolMerges.observe(skipsRepeatedProtocolMerges(node), 'a peer store without merge')
}

/** Check, on a real node: the peer store libp2p's stream code calls is the skipping one. */
export function skipsRepeatedProtocolMerges (node: Libp2p): boolean {
  return skipping.has(storeOf(node).merge)
}
