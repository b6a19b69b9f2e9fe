import type { Candidate } from '../core/select-target.js'
import { buildTopology, type Route } from '../core/spf.js'
import type { Advertisement } from '../core/types.js'
import type { RouterStatus } from '../api/types.js'

/**
 * The status projection: plain data about a router in, the status that the
 * API, the CLI and the metrics show out. Pure, so what `status` says is a
 * function of the state and nothing else.
 */

export interface SessionView {
  peer: string
  site: string
  cost: number
  opener: string
  rttMs?: number
  livenessTimeoutMs: number
}

export interface DialerView {
  name: string
  peerId?: string
  state: string
  address: string
  cost: number
}

export interface StatusInput {
  site: string
  peerId: string
  epoch: number
  addresses: string[]
  sessions: SessionView[]
  dialers: DialerView[]
  routes: ReadonlyMap<string, Route>
  /** A router's site name, from its advertisement or its session. */
  siteOf: (peer: string) => string
  /** How many workers a router advertises. */
  workersOf?: (peer: string) => number
  /** Per routing key with a reachable target: the candidates as the ingress ranks them. */
  services: Array<{ routingKey: string, candidates: Array<Candidate<{ site: string, e2e: boolean, denied: boolean }>> }>
  listeners: RouterStatus['listeners']
  connectors: RouterStatus['connectors']
  nameConflicts: RouterStatus['nameConflicts']
  openPipes: number
  openStreams: number
  workers: RouterStatus['workers']
}

const byCostThenPeer = (a: { cost: number, peerId: string }, b: { cost: number, peerId: string }): number => a.cost - b.cost || (a.peerId < b.peerId ? -1 : 1)

export function projectStatus (s: StatusInput): RouterStatus {
  const links: RouterStatus['links'] = []
  const seen = new Set<string>()
  for (const session of s.sessions) {
    seen.add(session.peer)
    const dialer = s.dialers.find(d => d.peerId === session.peer)
    links.push({ name: dialer?.name, peerId: session.peer, site: session.site, cost: session.cost, state: 'up', address: dialer?.address, rttMs: session.rttMs, livenessTimeoutMs: session.livenessTimeoutMs, direction: session.opener === s.peerId ? 'outbound' : 'inbound' })
  }
  for (const d of s.dialers) {
    if (d.peerId !== undefined && seen.has(d.peerId)) continue
    links.push({ name: d.name, peerId: d.peerId ?? '', site: d.peerId !== undefined ? s.siteOf(d.peerId) : '', cost: d.cost, state: d.state, address: d.address, direction: 'outbound' })
  }
  const routers = [...s.routes.values()]
    .map(r => ({ peerId: r.destination, site: s.siteOf(r.destination), cost: r.cost, nextHop: r.nextHop, hops: r.hops, workers: s.workersOf?.(r.destination) ?? 0 }))
    .sort(byCostThenPeer)
  const services = s.services
    .map(({ routingKey, candidates }) => ({
      routingKey,
      targets: candidates.map(t => ({ site: t.value.site, peerId: t.id, cost: t.pathCost + t.ownCost, openConnections: t.open, weight: t.weight ?? 1, e2e: t.value.e2e, denied: t.value.denied })).sort(byCostThenPeer)
    }))
    .filter(svc => svc.targets.length > 0)
    .sort((a, b) => a.routingKey < b.routingKey ? -1 : 1)
  return {
    site: s.site,
    peerId: s.peerId,
    epoch: s.epoch,
    addresses: s.addresses,
    links,
    routers,
    services,
    listeners: s.listeners,
    connectors: s.connectors,
    nameConflicts: s.nameConflicts,
    openPipes: s.openPipes,
    openStreams: s.openStreams,
    workers: s.workers
  }
}

export interface Topology {
  nodes: Array<{ peerId: string, site: string, self: boolean, reachable: boolean, services: Array<{ routingKey: string, connectors: number }> }>
  edges: Array<{ a: string, b: string, cost: number }>
}

/** The mesh as the link-state database sees it: every reachable router, its services, and two-way links. */
export function projectTopology (ads: Advertisement[], self: string, pathCostTo: (peer: string) => number | undefined): Topology {
  const nodes = ads.map(ad => ({
    peerId: ad.origin,
    site: ad.site,
    self: ad.origin === self,
    reachable: pathCostTo(ad.origin) !== undefined,
    services: ad.services.map(svc => ({ routingKey: svc.routingKey, connectors: svc.connectors }))
  })).filter(n => n.reachable)
  const present = new Set(nodes.map(n => n.peerId))
  const edges: Topology['edges'] = []
  for (const [a, links] of buildTopology(ads)) {
    for (const [b, cost] of links) if (a < b && present.has(a) && present.has(b)) edges.push({ a, b, cost })
  }
  return { nodes, edges }
}
