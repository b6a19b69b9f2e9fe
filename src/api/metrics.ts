import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { RouterStatus } from './types.js'

import { libp2pPatchStates } from '../net/libp2p-patches/index.js'

/**
 * Prometheus metrics, names prefixed portmesh_ with units in the names.
 * Counters are bumped by the router as things happen; gauges that mirror
 * state (links, routers, open connections) are read from the router's status
 * at scrape time, so they can never drift from what `status` shows.
 */
/** Site-pair label sets kept at most; past it a new pair is counted under `_other`. */
export const SITE_PAIR_LABEL_SETS_MAX = 1000
export const OTHER_LABEL = '_other'

type SitePairLabels = { source_site: string, destination_site: string, routing_key: string }

/**
 * Bounds the cardinality of the site-pair metrics: the first `max` distinct
 * (source site, destination site, routing key) sets keep their labels; any
 * later one is folded into one `_other` set, and each fold is counted, so a
 * mesh with many sites or keys cannot blow up a Prometheus server.
 */
export class LabelSetCap {
  private readonly seen = new Set<string>()
  folded = 0

  constructor (private readonly max = SITE_PAIR_LABEL_SETS_MAX) {}

  labels (source: string, destination: string, key: string): SitePairLabels {
    const id = `${source}\n${destination}\n${key}`
    if (this.seen.has(id)) return { source_site: source, destination_site: destination, routing_key: key }
    if (this.seen.size >= this.max) {
      this.folded++
      return { source_site: OTHER_LABEL, destination_site: OTHER_LABEL, routing_key: OTHER_LABEL }
    }
    this.seen.add(id)
    return { source_site: source, destination_site: destination, routing_key: key }
  }
}

export interface MetricsSource {
  /** Also read for its workers (status().workers): one series each, so the site's processes add up. */
  status (): RouterStatus
  keyBytes (): Map<string, { in: number, out: number }>
  linkBytes (): Map<string, { in: number, out: number }>
  /** This router's resumable tunnel ends (ingress and destination): how many, how many suspended, bytes held. */
  resumeStats? (): { ends: number, suspended: number, bufferedBytes: number }
}

export class Metrics {
  readonly registry = new Registry()
  readonly connections: Counter<'routing_key'>
  readonly connectionFailures: Counter<'routing_key' | 'reason'>
  readonly advertisementsSent: Counter
  readonly advertisementsReceived: Counter<'result'>
  readonly reforwards: Counter<'routing_key' | 'reason'>
  readonly routeComputations: Histogram
  readonly tunnelResumes: Counter<'result'>
  readonly tunnelsDenied: Counter<'routing_key' | 'reason'>
  readonly flowsOpened: Counter<keyof SitePairLabels>
  readonly flowBytes: Counter<keyof SitePairLabels | 'direction'>
  readonly flowFailures: Counter<keyof SitePairLabels | 'reason'>
  readonly sitePairs = new LabelSetCap()

  constructor (source: MetricsSource) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    this.connections = new Counter({ name: 'portmesh_connections_total', help: 'Client connections accepted at this site\'s listeners and carried to a target', labelNames: ['routing_key'], registers })
    this.connectionFailures = new Counter({ name: 'portmesh_connection_failures_total', help: 'Client connections that failed (the client saw a reset), by reason', labelNames: ['routing_key', 'reason'], registers })
    this.reforwards = new Counter({ name: 'portmesh_reforwards_total', help: 'Targets that failed before any byte was sent; the connection then went to the next target, if there was one', labelNames: ['routing_key', 'reason'], registers })
    this.advertisementsSent = new Counter({ name: 'portmesh_advertisements_sent_total', help: 'Link-state advertisements sent to neighbours', registers })
    this.advertisementsReceived = new Counter({ name: 'portmesh_advertisements_received_total', help: 'Link-state advertisements received, by what became of them', labelNames: ['result'], registers })
    this.tunnelsDenied = new Counter({ name: 'portmesh_tunnels_denied_total', help: 'Tunnels this site refused as their destination because of who opened them (revoked, unproven, not allowed, replayed, ...)', labelNames: ['routing_key', 'reason'], registers })
    const pair = ['source_site', 'destination_site', 'routing_key'] as const
    this.flowsOpened = new Counter({ name: 'portmesh_flows_opened_total', help: 'Client connections this site\'s listeners carried, by source (this) site, destination site and routing key', labelNames: pair, registers })
    this.flowBytes = new Counter({ name: 'portmesh_flow_bytes_total', help: 'Bytes of finished client connections by site pair (direction in: from the client)', labelNames: [...pair, 'direction'], registers })
    this.flowFailures = new Counter({ name: 'portmesh_flow_failures_total', help: 'Client connections that ended refused, denied or reset, by site pair (destination "none": no target)', labelNames: [...pair, 'reason'], registers })
    const sitePairs = this.sitePairs
    new Counter({ name: 'portmesh_flow_label_sets_over_cap_total', help: `Site-pair label sets folded into "${OTHER_LABEL}" because ${SITE_PAIR_LABEL_SETS_MAX} were in use`, registers, collect () { this.reset(); this.inc(sitePairs.folded) } })
    this.tunnelResumes = new Counter({ name: 'portmesh_tunnel_resumes_total', help: 'Tunnels this site (their ingress) reopened over another path after theirs broke (resumed), or gave up on (reset)', labelNames: ['result'], registers })
    const resumeStats = (): { ends: number, suspended: number, bufferedBytes: number } => source.resumeStats?.() ?? { ends: 0, suspended: 0, bufferedBytes: 0 }
    new Gauge({ name: 'portmesh_resumable_tunnel_ends', help: 'Tunnel ends at this site that can resume (this site their ingress or destination)', registers, collect () { this.set(resumeStats().ends) } })
    new Gauge({ name: 'portmesh_suspended_tunnel_ends', help: 'Tunnel ends at this site waiting for a path back', registers, collect () { this.set(resumeStats().suspended) } })
    new Gauge({ name: 'portmesh_resume_buffered_bytes', help: 'Bytes resumable tunnel ends at this site hold: sent and not yet acknowledged, plus received and not yet taken by the socket (at most twice resume buffer bytes per end)', registers, collect () { this.set(resumeStats().bufferedBytes) } })
    this.routeComputations = new Histogram({ name: 'portmesh_route_computation_seconds', help: 'Time to compute routes from the link-state database', buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5], registers })

    // Every state gauge is refreshed from one status snapshot per scrape.
    let snapshotAt = -1
    const refresh = (): void => {
      const now = Date.now()
      if (now === snapshotAt) return
      snapshotAt = now
      const s = source.status()
      for (const g of [linkUp, linkCost, linkRtt, linkLiveness, open, targets, linkBytes, keyBytes]) g.reset()
      for (const l of s.links) {
        if (l.peerId === '') continue
        const labels = { peer: l.peerId, site: l.site }
        linkUp.set(labels, l.state === 'up' ? 1 : 0)
        linkCost.set(labels, l.cost)
        if (l.rttMs !== undefined) linkRtt.set(labels, l.rttMs / 1000)
        if (l.livenessTimeoutMs !== undefined) linkLiveness.set(labels, l.livenessTimeoutMs / 1000)
        const bytes = source.linkBytes().get(l.peerId) ?? { in: 0, out: 0 }
        linkBytes.inc({ ...labels, direction: 'in' }, bytes.in)
        linkBytes.inc({ ...labels, direction: 'out' }, bytes.out)
      }
      for (const [key, bytes] of source.keyBytes()) {
        keyBytes.inc({ routing_key: key, direction: 'in' }, bytes.in)
        keyBytes.inc({ routing_key: key, direction: 'out' }, bytes.out)
      }
      routers.set(s.routers.length)
      for (const svc of s.services) targets.set({ routing_key: svc.routingKey }, svc.targets.length)
      for (const l of s.listeners) open.inc({ routing_key: l.routingKey }, l.openConnections)
      workerUp.reset()
      workerCpu.reset()
      for (const w of s.workers) {
        workerUp.set({ worker: String(w.index) }, w.up ? 1 : 0)
        workerCpu.inc({ worker: String(w.index) }, w.cpuSeconds)
      }
    }
    const linkUp = new Gauge({ name: 'portmesh_link_up', help: '1 while the link to the peer is up', labelNames: ['peer', 'site'], registers, collect: refresh })
    const linkCost = new Gauge({ name: 'portmesh_link_cost', help: 'Effective cost of the link', labelNames: ['peer', 'site'], registers, collect: refresh })
    const linkRtt = new Gauge({ name: 'portmesh_link_rtt_seconds', help: 'Last measured round-trip time of the link', labelNames: ['peer', 'site'], registers, collect: refresh })
    const linkLiveness = new Gauge({ name: 'portmesh_link_liveness_timeout_seconds', help: 'Silence after which the link is declared down, as of now (adapts upwards on a lossy link)', labelNames: ['peer', 'site'], registers, collect: refresh })
    const routers = new Gauge({ name: 'portmesh_routers_known', help: 'Routers this site can reach', registers, collect: refresh })
    const open = new Gauge({ name: 'portmesh_open_connections', help: 'Client connections open at this site\'s listeners, per routing key', labelNames: ['routing_key'], registers, collect: refresh })
    // Byte counters mirror the router's own running totals at scrape time.
    const linkBytes = new Counter({ name: 'portmesh_link_bytes_total', help: 'Tunnel bytes over the link (in: received from the peer, out: sent to it)', labelNames: ['peer', 'site', 'direction'], registers, collect: refresh })
    const keyBytes = new Counter({ name: 'portmesh_connection_bytes_total', help: 'Bytes carried for clients of this site\'s listeners (in: from the client, out: to it)', labelNames: ['routing_key', 'direction'], registers, collect: refresh })
    const workerUp = new Gauge({ name: 'portmesh_worker_up', help: '1 while the worker process (workers setting) runs and takes tunnels', labelNames: ['worker'], registers, collect: refresh })
    const workerCpu = new Counter({ name: 'portmesh_worker_cpu_seconds_total', help: 'CPU time of the worker process, user and system (this process\'s own is process_cpu_seconds_total)', labelNames: ['worker'], registers, collect: refresh })
    const targets = new Gauge({ name: 'portmesh_service_targets', help: 'Reachable targets per routing key', labelNames: ['routing_key'], registers, collect: refresh })
    // Read from the patches' own record at scrape time: a patch refused by a connection since start-up shows 0.
    const patchActive = new Gauge({
      name: 'portmesh_libp2p_patch_active',
      help: '1 while the libp2p patch is in effect, 0 where libp2p\'s own code runs instead (see the start-up warning)',
      labelNames: ['patch'],
      registers,
      collect: () => { for (const p of libp2pPatchStates()) patchActive.set({ patch: p.name }, p.active ? 1 : 0) }
    })
  }
}
