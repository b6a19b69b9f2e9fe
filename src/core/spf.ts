import type { Advertisement, PeerIdString } from './types.js'

export interface Route {
  destination: PeerIdString
  /** Sum of link costs along the path. */
  cost: number
  /** The neighbour to hand traffic for the destination to. */
  nextHop: PeerIdString
  hops: number
  /** The router just before the destination on the path (this router for a neighbour): walking these back gives the whole path. */
  previous: PeerIdString
}

/** The routers a route passes through, in order, neither this router nor the destination; undefined without a route. */
export function transitsTo (routes: ReadonlyMap<PeerIdString, Route>, destination: PeerIdString): PeerIdString[] | undefined {
  const route = routes.get(destination)
  if (route === undefined) return undefined
  const transits: PeerIdString[] = []
  let at = route
  for (let i = 0; i < route.hops - 1; i++) {
    transits.unshift(at.previous)
    const back = routes.get(at.previous)
    if (back === undefined) return undefined
    at = back
  }
  return transits
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
  // Routers become indices into typed arrays, so the search itself touches no
  // Map and allocates next to nothing (at 10,000 routers the Map-based search
  // spent most of its time in lookups and garbage).
  const index = new Map<PeerIdString, number>()
  const ids: PeerIdString[] = []
  const indexOf = (id: PeerIdString): number => {
    let i = index.get(id)
    if (i === undefined) {
      i = ids.length
      index.set(id, i)
      ids.push(id)
    }
    return i
  }
  indexOf(self)
  let edgeCount = 0
  for (const [a, edges] of topology) {
    indexOf(a)
    edgeCount += edges.size
  }
  // A neighbour without a topology entry of its own gets an index too (and no edges).
  for (const edges of topology.values()) for (const b of edges.keys()) indexOf(b)
  const total = ids.length
  // Adjacency in compressed rows: the edges of router i are first[i] .. first[i + 1] - 1.
  const first = new Int32Array(total + 1)
  const to = new Int32Array(edgeCount)
  const weight = new Float64Array(edgeCount)
  let e = 0
  for (let i = 0; i < total; i++) {
    first[i] = e
    const edges = topology.get(ids[i])
    if (edges === undefined) continue
    for (const [b, cost] of edges) {
      to[e] = index.get(b) as number
      weight[e] = cost
      e++
    }
  }
  first[total] = e

  const dist = new Float64Array(total).fill(Infinity)
  const pred = new Int32Array(total).fill(-1)
  const firstHop = new Int32Array(total).fill(-1)
  const hops = new Int32Array(total)
  const done = new Uint8Array(total)
  const order: number[] = []
  const heap = new CandidateHeap(edgeCount + 1, ids)
  dist[0] = 0
  heap.push(0, 0)

  while (heap.size > 0) {
    const cost0 = heap.topCost()
    const node = heap.pop()
    if (done[node] === 1 || cost0 !== dist[node]) continue
    done[node] = 1
    for (let k = first[node]; k < first[node + 1]; k++) {
      const next = to[k]
      if (done[next] === 1) continue
      const cost = cost0 + weight[k]
      const known = dist[next]
      const better = cost < known || (cost === known && ids[node] < ids[pred[next]])
      if (!better) continue
      if (known === Infinity) order.push(next)
      dist[next] = cost
      pred[next] = node
      firstHop[next] = node === 0 ? next : firstHop[node]
      hops[next] = hops[node] + 1
      if (cost < known) heap.push(next, cost)
    }
  }

  const routes = new Map<PeerIdString, Route>()
  for (const i of order) routes.set(ids[i], { destination: ids[i], cost: dist[i], nextHop: ids[firstHop[i]], hops: hops[i], previous: ids[pred[i]] })
  return routes
}

/** A binary min-heap of (router, cost) in typed arrays; equal costs pop in peer id order. */
class CandidateHeap {
  private readonly nodes: Int32Array
  private readonly costs: Float64Array
  size = 0

  constructor (capacity: number, private readonly ids: PeerIdString[]) {
    this.nodes = new Int32Array(capacity)
    this.costs = new Float64Array(capacity)
  }

  private less (i: number, j: number): boolean {
    const a = this.costs[i]
    const b = this.costs[j]
    return a < b || (a === b && this.ids[this.nodes[i]] < this.ids[this.nodes[j]])
  }

  private swap (i: number, j: number): void {
    const n = this.nodes[i]
    this.nodes[i] = this.nodes[j]
    this.nodes[j] = n
    const c = this.costs[i]
    this.costs[i] = this.costs[j]
    this.costs[j] = c
  }

  push (node: number, cost: number): void {
    let i = this.size++
    this.nodes[i] = node
    this.costs[i] = cost
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  topCost (): number {
    return this.costs[0]
  }

  pop (): number {
    const top = this.nodes[0]
    const last = --this.size
    if (last > 0) {
      this.nodes[0] = this.nodes[last]
      this.costs[0] = this.costs[last]
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < last && this.less(l, m)) m = l
        if (r < last && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }
}
