import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import { transitsTo, type Route } from '../core/spf.js'
import type { Advertisement } from '../core/types.js'
import type { FlowEnd, FlowRecord } from '../core/flow-ring.js'
import type { ConnectorConfig } from '../config/config.js'
import type { Metrics } from '../api/metrics.js'
import type { WorkerStatus } from '../api/types.js'
import type { OriginCheck } from '../net/origin-proof.js'
import type { ClientPlan, Ingress } from './ingress.js'
import type { SitePairs } from './site-pairs.js'
import { WorkerPool, type WorkerPoolOptions } from './workers.js'
import type { StateMessage, WorkerEvent, WorkerStats } from '../workers/protocol.js'

/** What the worker plane needs from its router. */
export interface WorkerPlaneDeps {
  selfId: string
  site: string
  log: Logger
  metrics: Metrics
  ingress: Ingress
  pairs: SitePairs
  /** Something a status reader shows changed. */
  changed: () => void
  /** A listener by name: a worker's clients count against it. */
  listener: (name: string) => { elsewhere: number, handedOver: (socket: Socket) => void } | undefined
  recordFlow: (side: FlowRecord['side'], flow: FlowEnd) => void
  replay: (proof: Uint8Array, expiresAt: number) => OriginCheck
  /** A worker came up or went down: its addresses are (no longer) advertised. */
  reoriginate: () => void
  // What the state message is built from.
  routes: () => ReadonlyMap<string, Route>
  advertisements: () => Iterable<Advertisement>
  neighbours: () => Array<[string, boolean]>
  members: () => string[]
  revoked: () => string[]
  legacy: () => boolean
  pins: () => Array<[string, string]>
  connectors: () => Array<ConnectorConfig & { name: string, healthy: boolean }>
  siteOf: (peer: string) => string
}

/** What a worker's events left open in its router's counts: undone if it dies. */
interface Tally {
  open: Map<string, number>
  listeners: Map<string, number>
  pairs: Map<number, (final?: { in: number, out: number }) => void>
}

/**
 * The router's side of its workers, as one part: starts them (WorkerPool),
 * keeps them told (one state message whenever what they decide with
 * changes), hands each its share of the clients, and folds what they report
 * into the router's counts, flow records, metrics and status, so the site
 * shows one view. A worker that dies takes its connections with it; what it
 * had open is taken out of the counts.
 *
 * A client goes to a worker only when every target it may be carried to is
 * this site or is reached through routers that all run workers: workers open
 * tunnels to workers only, so the connection and its resumes stay in that
 * plane. Otherwise, and on the router's own turn, the router carries it.
 */
export class WorkerPlane {
  readonly pool: WorkerPool
  private readonly tallies = new Map<number, Tally>()
  private turn = 0
  private statePending = false
  /** Routers that run workers, as of the last state sent. */
  private workersAt = new Set<string>()

  constructor (private readonly d: WorkerPlaneDeps, options: Omit<WorkerPoolOptions, 'events' | 'replay' | 'changed' | 'log'>) {
    this.pool = new WorkerPool({
      ...options,
      log: d.log,
      events: (index, events) => this.apply(index, events),
      replay: d.replay,
      changed: (index, up) => {
        if (!up) this.forget(index)
        d.reoriginate()
        d.changed()
      }
    })
  }

  async start (): Promise<void> {
    this.pushStateSoon()
    await this.pool.start()
  }

  /** Workers' addresses for this site's advertisement. */
  addresses (): string[][] {
    return this.pool.addresses()
  }

  /** Something the workers decide with changed: they get the new state once this turn is over. */
  pushStateSoon (): void {
    if (this.statePending) return
    this.statePending = true
    setImmediate(() => {
      this.statePending = false
      this.pool.pushState(this.state())
    })
  }

  /**
   * Takes the client for a worker when it is a worker's turn and a worker can
   * carry it (see the class comment); false: the router carries it.
   */
  dispatch (socket: Socket, plan: ClientPlan): boolean {
    const processes = this.pool.size + 1
    const index = this.turn++ % processes
    if (index === 0 || !this.pool.isReady(index) || plan.listener === undefined || !this.carriable(plan)) return false
    this.d.listener(plan.listener)?.handedOver(socket)
    this.count(index, 'listeners', plan.listener, +1)
    this.pool.handOff(index, { t: 'client', listener: plan.listener, key: plan.key, connectionId: plan.connectionId, startedAtWallMs: Date.now() - Math.max(0, performance.now() - plan.startedAtMs), ranked: plan.ranked, proveDestination: plan.proveDestination }, socket)
    return true
  }

  private carriable (plan: ClientPlan): boolean {
    if (plan.ranked.length === 0) return false
    const routes = this.d.routes()
    return plan.ranked.every(t => {
      if (t.id === this.d.selfId) return true
      const transits = transitsTo(routes, t.id)
      return transits !== undefined && transits.every(p => this.workersAt.has(p)) && this.workersAt.has(t.id)
    })
  }

  revoke (peer: string): void {
    this.pool.broadcast({ t: 'revoke', peer })
    this.pushStateSoon()
  }

  cutTransits (): void {
    this.pool.broadcast({ t: 'cut-transits' })
  }

  async stop (drainMs: number): Promise<void> {
    await this.pool.stop(drainMs)
  }

  // ---- what workers report, folded in ----

  private apply (index: number, events: WorkerEvent[]): void {
    const { metrics, ingress } = this.d
    for (const ev of events) {
      switch (ev.e) {
        case 'carried':
          metrics.connections.inc({ routing_key: ev.key })
          metrics.flowsOpened.inc(metrics.sitePairs.labels(this.d.site, ev.target, ev.key))
          break
        case 'failed':
          metrics.connectionFailures.inc({ routing_key: ev.key, reason: ev.reason })
          break
        case 'reforwarded':
          metrics.reforwards.inc({ routing_key: ev.key, reason: ev.reason })
          break
        case 'open':
          ingress.adjustOpen(ev.key, ev.target, ev.delta)
          this.count(index, 'open', `${ev.key}\n${ev.target}`, ev.delta)
          break
        case 'denied-by':
          ingress.noteDenial(ev.key, ev.target)
          break
        case 'client-done': {
          const l = this.d.listener(ev.listener)
          if (l !== undefined && this.count(index, 'listeners', ev.listener, -1)) l.elsewhere--
          break
        }
        case 'flow':
          // Sent with its age (the worker's monotonic clock is its own).
          this.d.recordFlow(ev.side, { ...ev.flow, startedAtMs: performance.now() - ev.flow.startedAtMs })
          break
        case 'pair-open': {
          const pairs = this.tally(index).pairs
          pairs.set(ev.id, this.d.pairs.opened(ev.from, ev.to, ev.key, () => this.livePair(index, ev.id)))
          break
        }
        case 'pair-close': {
          const pairs = this.tally(index).pairs
          pairs.get(ev.id)?.({ in: ev.in, out: ev.out })
          pairs.delete(ev.id)
          break
        }
        case 'tunnel-denied':
          metrics.tunnelsDenied.inc({ routing_key: ev.key, reason: ev.reason })
          break
        case 'resume':
          metrics.tunnelResumes.inc({ result: ev.result })
          break
      }
    }
    this.d.changed()
  }

  private livePair (index: number, id: number): { in: number, out: number } {
    const live = this.stats(index)?.pairs.find(([p]) => p === id)
    return live?.[1] ?? { in: 0, out: 0 }
  }

  private tally (index: number): Tally {
    let t = this.tallies.get(index)
    if (t === undefined) {
      t = { open: new Map(), listeners: new Map(), pairs: new Map() }
      this.tallies.set(index, t)
    }
    return t
  }

  /** Adds `delta` to a worker's tally; false when it would go below zero (nothing of it was counted). */
  private count (index: number, kind: 'open' | 'listeners', key: string, delta: number): boolean {
    const m = this.tally(index)[kind]
    const n = (m.get(key) ?? 0) + delta
    if (n < 0) return false
    if (n === 0) m.delete(key)
    else m.set(key, n)
    return true
  }

  /** A worker went down: what it had open is no longer open. */
  private forget (index: number): void {
    const t = this.tallies.get(index)
    if (t === undefined) return
    this.tallies.delete(index)
    for (const [id, n] of t.open) {
      const [key, target] = id.split('\n')
      this.d.ingress.adjustOpen(key, target, -n)
    }
    for (const [name, n] of t.listeners) {
      const l = this.d.listener(name)
      if (l !== undefined) l.elsewhere -= n
    }
    for (const end of t.pairs.values()) end()
  }

  private stats (index: number): WorkerStats | undefined {
    return this.pool.snapshot()[index - 1]?.stats
  }

  // ---- what the router shows ----

  /** Summed over the workers. */
  totals (): { openPipes: number, openStreams: number, resume: { ends: number, suspended: number, bufferedBytes: number } } {
    const out = { openPipes: 0, openStreams: 0, resume: { ends: 0, suspended: 0, bufferedBytes: 0 } }
    for (const w of this.pool.snapshot()) {
      if (w.stats === undefined) continue
      out.openPipes += w.stats.openPipes
      out.openStreams += w.stats.openStreams
      out.resume.ends += w.stats.resume.ends
      out.resume.suspended += w.stats.resume.suspended
      out.resume.bufferedBytes += w.stats.resume.bufferedBytes
    }
    return out
  }

  /** `own` plus every worker's counts of the same kind (link or key bytes). */
  mergeBytes (own: ReadonlyMap<string, { in: number, out: number }>, kind: 'linkBytes' | 'keyBytes'): Map<string, { in: number, out: number }> {
    const out = new Map([...own].map(([k, v]) => [k, { ...v }]))
    for (const w of this.pool.snapshot()) {
      for (const [k, v] of w.stats?.[kind] ?? []) {
        const c = out.get(k) ?? { in: 0, out: 0 }
        c.in += v.in
        c.out += v.out
        out.set(k, c)
      }
    }
    return out
  }

  status (): WorkerStatus[] {
    return this.pool.snapshot().map(w => ({
      index: w.index,
      pid: w.pid,
      up: w.ready,
      addresses: w.addrs,
      openPipes: w.stats?.openPipes ?? 0,
      connections: (w.stats?.dataConnections ?? []).map(([peerId, count]) => ({ peerId, site: this.d.siteOf(peerId), count })),
      cpuSeconds: w.stats?.cpuSeconds ?? 0
    }))
  }

  private state (): StateMessage {
    const routes = this.d.routes()
    const ads = [...this.d.advertisements()]
    this.workersAt = new Set(ads.filter(ad => (ad.dataProcesses ?? []).some(a => a.length > 0)).map(ad => ad.origin))
    return {
      t: 'state',
      routes: [...routes.values()].map(r => [r.destination, { nextHop: r.nextHop, transits: transitsTo(routes, r.destination) ?? [] }]),
      peers: ads.map(ad => [ad.origin, { site: ad.site, features: ad.features ?? 0, workers: ad.dataProcesses ?? [] }]),
      neighbours: this.d.neighbours(),
      members: this.d.members(),
      revoked: this.d.revoked(),
      legacy: this.d.legacy(),
      pins: this.d.pins(),
      connectors: this.d.connectors()
    }
  }
}
