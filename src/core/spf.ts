import { MinHeap } from './heap.js'
import type { Advertisement, PeerIdString } from './types.js'

export interface Route {
  destination: PeerIdString
  /** Sum of link costs along the path. */
  cost: number
  /** The neighbour to hand traffic for the destination to. */
  nextHop: PeerIdString
  hops: number
}

/** Two-way-checked adjacency: a -> (b -> cost), present only when both a and b advertise the link. */
export type Topology = Map<PeerIdString, Map<PeerIdString, number>>

/**
 * Builds the usable topology from advertisements. A link counts only when both
 * ends advertise it, so a dead router's stale advertisement attracts no traffic;
 * its cost is the larger of the two advertised costs.
 */
export function buildTopology (ads: Iterable<Advertisement>): Topology {
  const claimed = new Map<PeerIdString, Map<PeerIdString, number>>()
  for (const ad of ads) {
    const links = new Map<PeerIdString, number>()
    for (const link of ad.links) {
      if (link.peer === ad.origin) continue
      const cost = Math.max(1, Math.floor(link.cost))
      links.set(link.peer, Math.max(links.get(link.peer) ?? 0, cost))
    }
    claimed.set(ad.origin, links)
  }
  const topology: Topology = new Map()
  for (const [a, links] of claimed) {
    const edges = new Map<PeerIdString, number>()
    for (const [b, costAB] of links) {
      const costBA = claimed.get(b)?.get(a)
      if (costBA !== undefined) edges.set(b, Math.max(costAB, costBA))
    }
    topology.set(a, edges)
  }
  return topology
}

interface Candidate {
  node: PeerIdString
  cost: number
}

/**
 * Lowest-cost routes from `self` to every reachable router (Dijkstra).
 * Ties are broken by peer id order: among equal-cost paths the one through the
 * lower predecessor id wins, so every run over the same database gives the same
 * table. Costs are at least 1, so each next hop is strictly closer to the
 * destination and hop-by-hop forwarding over consistent tables cannot loop.
 */
export function computeRoutes (self: PeerIdString, ads: Iterable<Advertisement>): Map<PeerIdString, Route> {
  return routesOver(self, buildTopology(ads))
}

export function routesOver (self: PeerIdString, topology: Topology): Map<PeerIdString, Route> {
  const dist = new Map<PeerIdString, number>([[self, 0]])
  const pred = new Map<PeerIdString, PeerIdString>()
  const firstHop = new Map<PeerIdString, PeerIdString>()
  const hops = new Map<PeerIdString, number>([[self, 0]])
  const done = new Set<PeerIdString>()
  const heap = new MinHeap<Candidate>((x, y) => x.cost < y.cost || (x.cost === y.cost && x.node < y.node))
  heap.push({ node: self, cost: 0 })

  for (let c = heap.pop(); c !== undefined; c = heap.pop()) {
    if (done.has(c.node) || c.cost !== dist.get(c.node)) continue
    done.add(c.node)
    const edges = topology.get(c.node)
    if (edges === undefined) continue
    for (const [next, linkCost] of edges) {
      if (done.has(next)) continue
      const cost = c.cost + linkCost
      const known = dist.get(next)
      const better = known === undefined || cost < known ||
        (cost === known && c.node < (pred.get(next) as PeerIdString))
      if (!better) continue
      dist.set(next, cost)
      pred.set(next, c.node)
      firstHop.set(next, c.node === self ? next : firstHop.get(c.node) as PeerIdString)
      hops.set(next, (hops.get(c.node) as number) + 1)
      if (known === undefined || cost < known) heap.push({ node: next, cost })
    }
  }

  const routes = new Map<PeerIdString, Route>()
  for (const [node, cost] of dist) {
    if (node === self) continue
    routes.set(node, { destination: node, cost, nextHop: firstHop.get(node) as PeerIdString, hops: hops.get(node) as number })
  }
  return routes
}
