import { acceptAdvertisement, databaseExchange, FLOOD_BATCH_MS, ownFlood } from './flooding.js'
import { LinkStateDb, type OfferResult } from './lsdb.js'
import { computeRoutes, type Route } from './spf.js'
import type { Advertisement, LinkAd, PeerIdString, ServiceAd } from './types.js'

/**
 * The link-state engine of one router: its own advertisement, the database of
 * everyone's, flooding, refresh and max age, and the routes and service
 * targets computed from them. No sockets, no timers, no clock: every event
 * comes in with `now` and goes out as a Step that says what to send and what
 * changed. The router drives it over real links; the convergence simulation
 * (bench/converge-sim.ts) and the flooding tests drive the same engine over
 * simulated ones.
 */

/** A live link as the engine sees it: the driver's session object, compared by identity. */
export interface Neighbour {
  readonly peer: PeerIdString
  /** The link's effective cost; read each time this router originates. */
  readonly cost: number
}

/** What a signed advertisement from a neighbour turned out to be. */
export type ReceivedAdvertisement =
  | { kind: 'verified', ad: Advertisement }
  /** Exactly the bytes already held (verified when stored): nothing to do. */
  | { kind: 'held' }
  | { kind: 'bad-signature', origin: string }
  | { kind: 'malformed', message: string }

/** Encoding, signing and checking of advertisements: crypto, injected so that the engine stays pure. */
export interface AdvertisementCodec {
  sign (ad: Advertisement): Promise<Uint8Array>
  /** Decodes and verifies; never throws. */
  read (raw: Uint8Array, lsdb: LinkStateDb): Promise<ReceivedAdvertisement>
}

/** Something the driver should log or count; the engine itself does neither. */
export type EngineNote =
  | { kind: 'received', result: OfferResult }
  | { kind: 'malformed', from: PeerIdString, message: string }
  | { kind: 'bad-signature', from: PeerIdString, origin: string }
  /** Our own advertisement from an earlier run came back; we originate above it. */
  | { kind: 'outbid', seenEpoch: number }
  /** A verified advertisement of an origin this router does not accept (revoked here): not stored, not flooded on. */
  | { kind: 'refused-origin', from: PeerIdString, origin: PeerIdString }

/** What the driver does after handing the engine an event. */
export interface Step<N extends Neighbour> {
  /** Send each of these signed advertisements, verbatim, to its neighbour (in this order). */
  sends: Array<{ to: N, raw: Uint8Array }>
  /** Call `originate` (it is async: it signs). */
  originate: boolean
  /** Call `recompute` soon; batch several such steps into one call. */
  recompute: boolean
  /** Call `flush` at this time (own changes are batched for FLOOD_BATCH_MS before they flood). */
  flushAt?: number
  /** Routes and targets were recomputed within this step. */
  routesChanged: boolean
  notes: EngineNote[]
}

/** A router that has at least one connector for a routing key, as seen from here. */
export interface Target {
  id: PeerIdString
  site: string
  /** Lowest-cost path from this router (0 for this one). */
  pathCost: number
  /** The target's own cost for the key (its cheapest connector's). */
  ownCost: number
  /** It takes tunnels for the key end-to-end encrypted only. */
  e2e: boolean
  /** Summed weight of its healthy connectors for the key (≥ 1). */
  weight: number
}

export interface LinkStateOptions {
  self: PeerIdString
  site: string
  /** Boot epoch of this run: a restarted router's advertisements win over its earlier run's. */
  epoch: number
  maxAgeMs: number
  refreshIntervalMs: number
  /** FEATURE_* bits this router's own advertisement announces. */
  features?: number
  /** This router's workers' addresses (Advertisement.dataProcesses), read at each origination. */
  dataProcesses?: () => string[][]
  /** Wraps every route computation (the driver times them for its metrics). */
  timeRouteComputation?: (compute: () => void) => void
  /**
   * Whether advertisements of `origin` are taken at all (default: all are).
   * A refused origin is never stored, so it is neither a target nor a transit
   * here, and not flooded on: sites behind this one would otherwise compute
   * paths through it to a router it will not carry traffic to.
   */
  acceptOrigin?: (origin: PeerIdString) => boolean
}

function step<N extends Neighbour> (fields: Partial<Step<N>> = {}): Step<N> {
  return { sends: [], originate: false, recompute: false, routesChanged: false, notes: [], ...fields }
}

export class LinkStateEngine<N extends Neighbour> {
  readonly lsdb: LinkStateDb
  private routeTable = new Map<PeerIdString, Route>()
  /** Reachable targets by routing key, rebuilt whenever routes are. */
  private targetsByKey = new Map<string, Target[]>()
  /** Open links by peer: one per neighbour (the driver resolves duplicates). */
  private readonly links = new Map<PeerIdString, N>()
  private seq = 0
  private withdrawn = false
  private flushPending = false
  private lastRefreshMs: number
  private originating: Promise<Step<N>> | undefined
  private originateAgain = false

  /**
   * `localServices` is read each time this router originates: the routing
   * keys it can deliver to now (the edge's healthy connectors).
   */
  constructor (readonly options: LinkStateOptions, private readonly codec: AdvertisementCodec, private readonly localServices: () => ServiceAd[], now: number) {
    this.lsdb = new LinkStateDb(options.self, options.maxAgeMs)
    this.lastRefreshMs = now
  }

  get self (): PeerIdString {
    return this.options.self
  }

  /** The sequence number last used in our own advertisement. */
  get sequence (): number {
    return this.seq
  }

  routes (): ReadonlyMap<PeerIdString, Route> {
    return this.routeTable
  }

  neighbour (peer: PeerIdString): N | undefined {
    return this.links.get(peer)
  }

  neighbours (): IterableIterator<N> {
    return this.links.values()
  }

  /** Cost of the lowest-cost path to a router: 0 for this one, undefined when unreachable. */
  pathCostTo (origin: PeerIdString): number | undefined {
    return origin === this.options.self ? 0 : this.routeTable.get(origin)?.cost
  }

  /** Every reachable router (this one included) with a connector for the key. An index lookup: no scan of the database. */
  targets (routingKey: string): readonly Target[] {
    return this.targetsByKey.get(routingKey) ?? []
  }

  /** Every routing key that has at least one reachable target. */
  routingKeys (): IterableIterator<string> {
    return this.targetsByKey.keys()
  }

  /** A new link is up (or replaces the one to the same peer): it gets the database, and we re-originate (our own advertisement goes with that flood). */
  linkUp (link: N): Step<N> {
    this.links.set(link.peer, link)
    return step({ sends: databaseExchange(this.lsdb).map(raw => ({ to: link, raw })), originate: true })
  }

  /** A link went down; a link that was already replaced changes nothing. */
  linkDown (link: N): Step<N> {
    if (this.links.get(link.peer) !== link) return step()
    this.links.delete(link.peer)
    return step({ originate: true })
  }

  /** From now on this router advertises no links and no services, so everyone routes around it (graceful stop). */
  withdraw (): Step<N> {
    this.withdrawn = true
    return step({ originate: true })
  }

  /** An advertisement arrived from a neighbour: verify it, store it if newer, and say whom to flood it to. */
  async receive (from: N, raw: Uint8Array, now: number): Promise<Step<N>> {
    const received = await this.codec.read(raw, this.lsdb)
    if (received.kind === 'held') return step()
    if (received.kind === 'malformed') return step({ notes: [{ kind: 'malformed', from: from.peer, message: received.message }] })
    if (received.kind === 'bad-signature') return step({ notes: [{ kind: 'bad-signature', from: from.peer, origin: received.origin }] })
    const ad = received.ad
    if (this.options.acceptOrigin?.(ad.origin) === false) return step({ notes: [{ kind: 'refused-origin', from: from.peer, origin: ad.origin }] })
    const decision = acceptAdvertisement(this.lsdb, ad, raw, now, from, this.links.values(), this.seq)
    if (decision.outbidSeq !== undefined) {
      this.seq = decision.outbidSeq
      return step({ originate: true, notes: [{ kind: 'outbid', seenEpoch: ad.epoch }] })
    }
    const sends = decision.forwardTo.map(to => ({ to, raw }))
    // The sender is behind: hand it the newer version we hold.
    if (decision.answer !== undefined) sends.push({ to: from, raw: decision.answer })
    return step({ sends, recompute: decision.recompute, notes: decision.result !== undefined ? [{ kind: 'received', result: decision.result }] : [] })
  }

  /**
   * Signs and stores a new version of our own advertisement and recomputes
   * routes at once; the flood follows after the batch delay. Calls made while
   * one is signing are folded into one more run after it.
   */
  async originate (now: number): Promise<Step<N>> {
    if (this.originating !== undefined) {
      this.originateAgain = true
      await this.originating
      return step()
    }
    this.originating = (async () => {
      let flushAt: number | undefined
      try {
        do {
          this.originateAgain = false
          const ad = this.ownAdvertisement()
          const raw = await this.codec.sign(ad)
          this.lsdb.offer(ad, raw, now)
          this.recomputeRoutes()
          if (!this.flushPending) {
            this.flushPending = true
            flushAt = now + FLOOD_BATCH_MS
          }
        } while (this.originateAgain)
      } finally {
        // Cleared in the same turn as the last check of originateAgain: a call
        // after this point starts a run of its own instead of being folded into
        // one that has already finished (and lost).
        this.originating = undefined
      }
      this.lastRefreshMs = now
      return step<N>({ flushAt, routesChanged: true })
    })()
    return await this.originating
  }

  /** The flood batch ended: our current advertisement goes to every neighbour. */
  flush (): Step<N> {
    this.flushPending = false
    const flood = ownFlood(this.lsdb, this.links.values())
    if (flood === undefined) return step()
    return step({ sends: flood.to.map(to => ({ to, raw: flood.raw })) })
  }

  /**
   * Drops what is held from `origin` (the driver stopped accepting it, see
   * acceptOrigin) and recomputes at once, so it is no target or transit from
   * this step on.
   */
  forget (origin: PeerIdString): Step<N> {
    if (!this.lsdb.remove(origin)) return step()
    this.recomputeRoutes()
    return step({ routesChanged: true })
  }

  /** Recomputes routes and targets from the database (after received advertisements, batched by the driver). */
  recompute (): Step<N> {
    this.recomputeRoutes()
    return step({ routesChanged: true })
  }

  /** Periodic upkeep: drop others' advertisements past max age; re-originate ours every refresh interval. */
  tick (now: number): Step<N> {
    const expired = this.lsdb.expire(now).length > 0
    return step({ recompute: expired, originate: now - this.lastRefreshMs >= this.options.refreshIntervalMs })
  }

  private ownAdvertisement (): Advertisement {
    const workers = this.withdrawn ? [] : this.options.dataProcesses?.() ?? []
    const links: LinkAd[] = this.withdrawn
      ? []
      : [...this.links.values()].map(l => ({ peer: l.peer, cost: l.cost })).sort((a, b) => a.peer < b.peer ? -1 : 1)
    return {
      origin: this.options.self,
      epoch: this.options.epoch,
      seq: ++this.seq,
      site: this.options.site,
      links,
      services: this.withdrawn ? [] : this.localServices(),
      features: this.options.features ?? 0,
      ...(workers.length > 0 ? { dataProcesses: workers } : {})
    }
  }

  private recomputeRoutes (): void {
    const time = this.options.timeRouteComputation
    if (time !== undefined) time(() => this.computeTables())
    else this.computeTables()
  }

  private computeTables (): void {
    this.routeTable = computeRoutes(this.options.self, this.lsdb.advertisements())
    const byKey = new Map<string, Target[]>()
    for (const ad of this.lsdb.advertisements()) {
      const pathCost = this.pathCostTo(ad.origin)
      if (pathCost === undefined) continue
      for (const service of ad.services) {
        if (service.connectors === 0) continue
        let list = byKey.get(service.routingKey)
        if (list === undefined) {
          list = []
          byKey.set(service.routingKey, list)
        }
        list.push({ id: ad.origin, site: ad.site, pathCost, ownCost: service.cost, e2e: service.e2e === true, weight: advertisedWeight(service) })
      }
    }
    this.targetsByKey = byKey
  }
}

/** An earlier release advertises no weight: each of its connectors counts 1. */
function advertisedWeight (s: ServiceAd): number {
  return Math.max(1, (s.weight ?? 0) > 0 ? s.weight ?? 0 : s.connectors)
}
