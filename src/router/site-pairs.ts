import type { Candidate } from '../core/select-target.js'
import type { ServiceTraffic, SitePairTraffic, TargetTraffic } from '../api/types.js'

/**
 * Traffic between pairs of sites as this site knows it: connections of its
 * own listeners (it is the ingress) and tunnels that end at its connectors
 * (it is the destination). Finished connections add their final byte counts;
 * open ones are read live, from their sockets' counters, only when a
 * snapshot is taken: nothing is done per chunk.
 */

/** Bytes of one open connection so far (in: client to server). */
export type LiveBytes = () => { in: number, out: number }

/** At most this many pairs are kept; past it the least recently used idle pair is forgotten. */
export const SITE_PAIRS_MAX = 1000

interface Pair {
  fromPeer: string
  toPeer: string
  key: string
  /** Bytes of finished connections. */
  bytesIn: number
  bytesOut: number
  open: Set<LiveBytes>
}

export class SitePairs {
  /** In order of last use (a pair is moved to the end when a connection opens on it). */
  private readonly pairs = new Map<string, Pair>()

  constructor (private readonly max = SITE_PAIRS_MAX) {}

  /**
   * A connection from `fromPeer`'s listener to `toPeer`'s connector began to
   * carry bytes. The returned function ends it (once) with its final counts,
   * or with the live ones read one last time.
   */
  opened (fromPeer: string, toPeer: string, key: string, live: LiveBytes): (final?: { in: number, out: number }) => void {
    const id = `${fromPeer}\n${toPeer}\n${key}`
    let pair = this.pairs.get(id)
    if (pair === undefined) {
      if (this.pairs.size >= this.max) this.forgetOneIdle()
      pair = { fromPeer, toPeer, key, bytesIn: 0, bytesOut: 0, open: new Set() }
    } else {
      this.pairs.delete(id)
    }
    this.pairs.set(id, pair)
    const p = pair
    // One function per connection, so the same reader given twice still counts twice.
    const flow: LiveBytes = () => live()
    p.open.add(flow)
    return (final) => {
      if (!p.open.delete(flow)) return
      const b = final ?? live()
      p.bytesIn += b.in
      p.bytesOut += b.out
    }
  }

  /** Every pair with its totals; `siteOf` names a peer. */
  snapshot (siteOf: (peer: string) => string): SitePairTraffic[] {
    const out: SitePairTraffic[] = []
    for (const p of this.pairs.values()) {
      let bytesIn = p.bytesIn
      let bytesOut = p.bytesOut
      for (const live of p.open) {
        const b = live()
        bytesIn += b.in
        bytesOut += b.out
      }
      out.push({ fromPeer: p.fromPeer, fromSite: siteOf(p.fromPeer), toPeer: p.toPeer, toSite: siteOf(p.toPeer), key: p.key, bytesIn, bytesOut, open: p.open.size })
    }
    return out
  }

  get size (): number {
    return this.pairs.size
  }

  private forgetOneIdle (): void {
    for (const [id, p] of this.pairs) {
      if (p.open.size === 0) {
        this.pairs.delete(id)
        return
      }
    }
  }
}

/**
 * Per routing key, the share each target gets from this site's clients: the
 * ingress's candidates (open connections as ranking sees them, cost, weight)
 * and the bytes of this site's pairs to each. A target that carried bytes
 * but is no longer a candidate (unreachable now) stays listed with its bytes.
 */
export function projectServiceTraffic (selfId: string, keys: Iterable<string>, candidates: (key: string) => Array<Candidate<{ site: string }>>, pairs: readonly SitePairTraffic[]): ServiceTraffic[] {
  const wanted = new Set(keys)
  for (const p of pairs) if (p.fromPeer === selfId) wanted.add(p.key)
  const out: ServiceTraffic[] = []
  for (const key of [...wanted].sort()) {
    const targets = new Map<string, TargetTraffic>()
    for (const c of candidates(key)) targets.set(c.id, { peerId: c.id, site: c.value.site, cost: c.pathCost + c.ownCost, weight: Math.max(1, c.weight ?? 1), open: c.open, bytesIn: 0, bytesOut: 0 })
    for (const p of pairs) {
      if (p.fromPeer !== selfId || p.key !== key) continue
      const t = targets.get(p.toPeer) ?? { peerId: p.toPeer, site: p.toSite, cost: 0, weight: 0, open: p.open, bytesIn: 0, bytesOut: 0 }
      t.bytesIn += p.bytesIn
      t.bytesOut += p.bytesOut
      targets.set(p.toPeer, t)
    }
    out.push({ key, targets: [...targets.values()].sort((a, b) => a.cost - b.cost || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0)) })
  }
  return out
}
