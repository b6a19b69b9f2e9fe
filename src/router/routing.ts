import type { EventEmitter } from 'node:events'
import type { PrivateKey } from '@libp2p/interface'
import type { Logger } from 'pino'
import { LinkStateEngine, type Step } from '../core/link-state.js'
import { FEATURE_MESH_QUERY, FEATURE_ORIGIN_PROOF, FEATURE_RESUME, type ServiceAd } from '../core/types.js'
import type { Metrics } from '../api/metrics.js'
import type { LinkSession } from '../net/link-session.js'
import { advertisementCodec } from '../wire/advertisement.js'

export interface RoutingOptions {
  selfId: string
  site: string
  epoch: number
  privateKey: PrivateKey
  maxAgeMs: number
  refreshIntervalMs: number
  /** What this site offers now (its healthy connectors); read at each origination. */
  localServices: () => ServiceAd[]
  metrics: Metrics
  events: EventEmitter
  log: Logger
  now: () => number
  /** Origins whose advertisements this site does not take (revoked here); read on every arrival. */
  refusedOrigin?: (origin: string) => boolean
  /** False: this router does not resume tunnels (timers.resumeTimeoutMs 0), so it does not advertise FEATURE_RESUME. */
  resumable?: boolean
  /** Its workers' addresses, advertised (read at each origination). */
  workerAddresses?: () => string[][]
}

/**
 * The single writer of routing state. Every event that touches link state —
 * a link up or down, an advertisement, a local change, a tick — goes through
 * here to the engine (core/link-state.ts), and here its Step is carried out:
 * advertisements sent, the flood batch timer armed, recomputation batched
 * behind the current turn, metrics and logs. Readers (ingress, status) only
 * read the engine.
 */
export class Routing {
  readonly engine: LinkStateEngine<LinkSession>
  private flushTimer: NodeJS.Timeout | undefined
  private recomputePending = false
  private readonly badSignatureLogged = new Set<string>()
  private readonly refusedOriginLogged = new Set<string>()
  private lastTargets = new Map<string, string>()

  constructor (private readonly o: RoutingOptions) {
    const { metrics } = o
    this.engine = new LinkStateEngine<LinkSession>({
      self: o.selfId,
      site: o.site,
      epoch: o.epoch,
      maxAgeMs: o.maxAgeMs,
      refreshIntervalMs: o.refreshIntervalMs,
      // This release signs its tunnel headers (destinations then refuse unsigned ones claiming to be it), answers flow queries, and resumes tunnels unless that is off.
      features: FEATURE_ORIGIN_PROOF | FEATURE_MESH_QUERY | (o.resumable === false ? 0 : FEATURE_RESUME),
      timeRouteComputation: (compute) => {
        const end = metrics.routeComputations.startTimer()
        compute()
        end()
      },
      acceptOrigin: (origin) => o.refusedOrigin?.(origin) !== true,
      dataProcesses: o.workerAddresses
    }, advertisementCodec(o.privateKey), o.localServices, o.now())
  }

  linkUp (session: LinkSession): void {
    this.apply(this.engine.linkUp(session))
  }

  linkDown (session: LinkSession): void {
    this.apply(this.engine.linkDown(session))
  }

  async receive (from: LinkSession, raw: Uint8Array): Promise<void> {
    this.apply(await this.engine.receive(from, raw, this.o.now()), from)
  }

  /** Something this site offers changed (a connector added, removed, healthy again): re-originate. */
  async originate (): Promise<void> {
    this.apply(await this.engine.originate(this.o.now()))
    this.o.events.emit('change', 'service')
  }

  /** `origin` was revoked here: drop its advertisement now (later ones are refused by refusedOrigin). */
  forget (origin: string): void {
    this.apply(this.engine.forget(origin))
  }

  /** Graceful stop: advertise nothing, and flood that at once. */
  async withdraw (): Promise<void> {
    this.engine.withdraw()
    await this.originate()
    this.flushNow()
  }

  tick (now: number): void {
    this.apply(this.engine.tick(now))
  }

  flushNow (): void {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    this.apply(this.engine.flush())
  }

  stop (): void {
    clearTimeout(this.flushTimer)
  }

  private apply (step: Step<LinkSession>, from?: LinkSession): void {
    for (const { to, raw } of step.sends) {
      to.sendAdvertisement(raw)
      this.o.metrics.advertisementsSent.inc()
    }
    for (const note of step.notes) {
      if (note.kind === 'received') this.o.metrics.advertisementsReceived.inc({ result: note.result })
      else if (note.kind === 'malformed') this.o.log.warn({ peer: note.from, site: from?.site, err: note.message }, 'dropping malformed advertisement')
      else if (note.kind === 'bad-signature') {
        if (this.badSignatureLogged.has(note.from)) continue
        this.badSignatureLogged.add(note.from)
        this.o.log.warn({ peer: note.from, site: from?.site, origin: note.origin }, 'dropping advertisement with a bad signature (logged once per peer)')
      } else if (note.kind === 'refused-origin') {
        if (this.refusedOriginLogged.has(note.origin)) continue
        this.refusedOriginLogged.add(note.origin)
        this.o.log.info({ peer: note.from, origin: note.origin }, 'ignoring advertisements of a revoked router (logged once per origin)')
      } else if (note.seenEpoch > this.o.epoch) {
        this.o.log.warn({ seenEpoch: note.seenEpoch, epoch: this.o.epoch }, 'saw own advertisement from a later boot epoch; is this identity running twice?')
      }
    }
    if (step.flushAt !== undefined && this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flushNow(), Math.max(0, step.flushAt - this.o.now()))
    }
    if (step.recompute && !this.recomputePending) {
      this.recomputePending = true
      setImmediate(() => {
        this.recomputePending = false
        this.apply(this.engine.recompute())
      })
    }
    if (step.routesChanged) {
      this.o.events.emit('change', 'route')
      this.logServiceChanges()
    }
    if (step.originate) void this.originate()
  }

  /** One info line whenever the set of sites that serve a routing key changes. */
  private logServiceChanges (): void {
    const now = new Map<string, string>()
    const sitesByKey = new Map<string, string[]>()
    for (const key of this.engine.routingKeys()) {
      const sites = this.engine.targets(key).map(t => t.site).sort()
      sitesByKey.set(key, sites)
      now.set(key, sites.join(','))
    }
    for (const key of new Set([...now.keys(), ...this.lastTargets.keys()])) {
      const sites = now.get(key) ?? ''
      if (sites !== (this.lastTargets.get(key) ?? '')) this.o.log.info({ key, targets: sitesByKey.get(key) ?? [] }, sites === '' ? 'service has no target now' : 'service targets changed')
    }
    this.lastTargets = now
  }
}
