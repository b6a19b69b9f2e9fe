/**
 * Link-state convergence of many routers in one process, on a virtual clock.
 *
 * Each simulated router is the production link-state engine
 * (core/link-state.ts: origination, flooding, database exchange, routes and
 * service targets) with the router's codec (wire/advertisement.ts: encoding,
 * Ed25519 signing and signature checks), driven the way src/router/routing.ts
 * drives it. The simulation supplies only what is outside the engine: links
 * (a message arrives one link latency after the sender's work ends, in order
 * per link), the clock, a work queue per router, and the true tables to
 * compare the engine's with.
 *
 * Time: the wall time each router really spends on a piece of work (decode,
 * verify, store, flood decision, route computation, signing, framing) is
 * measured and charged to that router's virtual CPU, so a busy router delays
 * its own later work and what it sends. Steps are applied as routing.ts
 * applies them: sends go out when the work ends; `flushAt` arms one flood
 * timer whose flush is queued as work; `recompute` queues one recomputation
 * behind the work already queued (the router's setImmediate); `originate` runs
 * next (the router starts it at once and it finishes within the same turn).
 * Not simulated: the engine's tick (30 s refresh, 120 s max age), liveness
 * probes, Noise/Yamux framing cost.
 *
 * Garbage collection is charged too, to whichever work it interrupts. All
 * simulated routers share one heap, so the young generation holds many
 * routers' live tables at once and each scavenge copies far more than one
 * router's would: with large advertisements (many services) that dominates.
 * `scavengeBetweenWork` runs scavenges between pieces of work, uncharged.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { PrivateKey } from '@libp2p/interface'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MinHeap } from './heap.js'
import { LinkStateEngine, type Neighbour, type Step } from '../src/core/link-state.js'
import { routesOver, type Route, type Topology } from '../src/core/spf.js'
import type { ServiceAd } from '../src/core/types.js'
import { advertisementCodec } from '../src/wire/advertisement.js'
import { decodeControl, encodeControl } from '../src/wire/codec.js'
import { encodeFrame } from '../src/wire/frames.js'

export interface MeshSpec {
  /** Router count. */
  n: number
  /** Undirected links between router indexes, with their cost. */
  links: Array<{ a: number, b: number, cost: number }>
}

/** Deterministic pseudo-random numbers in [0, 1). */
export function seededRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A random geometric mesh: routers at random points of a unit square, each
 * linked to its 3–5 (minDegree–maxDegree) nearest others, components joined
 * by their closest pair so the mesh is connected. Link cost grows with
 * distance (1 per 0.01 of the square's side), as latency would.
 */
export function geometricMesh (n: number, seed = 1, minDegree = 3, maxDegree = 5): MeshSpec {
  const random = seededRandom(seed)
  const points = Array.from({ length: n }, () => [random(), random()] as const)
  const dist = (i: number, j: number): number => Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1])
  const cost = (i: number, j: number): number => Math.max(1, Math.round(dist(i, j) * 100))
  const linked = new Set<string>()
  const links: MeshSpec['links'] = []
  const link = (a: number, b: number): void => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`
    if (a === b || linked.has(key)) return
    linked.add(key)
    links.push({ a, b, cost: cost(a, b) })
  }
  for (let i = 0; i < n; i++) {
    const k = minDegree + Math.floor(random() * (maxDegree - minDegree + 1))
    const nearest = Array.from({ length: n }, (_, j) => j).filter(j => j !== i).sort((x, y) => dist(i, x) - dist(i, y)).slice(0, k)
    for (const j of nearest) link(i, j)
  }
  // Join components: repeatedly link the component of router 0 to its closest outsider.
  for (;;) {
    const reached = reachable(n, links, 0)
    if (reached.size === n) break
    let best: [number, number] | undefined
    for (const i of reached) {
      for (let j = 0; j < n; j++) {
        if (reached.has(j)) continue
        if (best === undefined || dist(i, j) < dist(best[0], best[1])) best = [i, j]
      }
    }
    link(...(best as [number, number]))
  }
  return { n, links }
}

function reachable (n: number, links: MeshSpec['links'], from: number, without?: (l: MeshSpec['links'][number]) => boolean, deadRouter?: number): Set<number> {
  const adj = Array.from({ length: n }, () => [] as number[])
  for (const l of links) {
    if (without?.(l) === true || l.a === deadRouter || l.b === deadRouter) continue
    adj[l.a].push(l.b)
    adj[l.b].push(l.a)
  }
  const seen = new Set([from])
  const stack = [from]
  while (stack.length > 0) for (const j of adj[stack.pop() as number]) if (!seen.has(j)) { seen.add(j); stack.push(j) }
  return seen
}

/** One end of a link, as the engine sees it (the router's LinkSession): compared by identity. */
interface Session extends Neighbour {
  readonly peer: string
  /** The link's effective cost as this end knows it; the engine reads it when it originates. */
  cost: number
  readonly local: SimRouter
  readonly remote: SimRouter
  /** The other end's session of the same link. */
  twin: Session
}

type Work =
  | { kind: 'receive', via: Session, message: Uint8Array }
  | { kind: 'originate' }
  | { kind: 'flush' }
  | { kind: 'recompute' }
  | { kind: 'link-up', session: Session }
  | { kind: 'link-down', session: Session }
  | { kind: 'cost', session: Session, cost: number }

/** Why an advertisement was sent: the bytes of a change are broken down by these. */
export type SendCause = 'flood' | 'exchange' | 'answer'

/** One run of a router: its engine and what routing.ts keeps beside it. A restart is a new SimRouter. */
class SimRouter {
  alive = true
  readonly queue: Work[] = []
  busyUntil: number
  runScheduled = false
  /** routing.ts's flushTimer: armed at the first flushAt, cleared when the flush runs. */
  floodTimer = false
  /** routing.ts's recomputePending. */
  recomputePending = false

  constructor (readonly index: number, readonly engine: LinkStateEngine<Session>, now: number) {
    this.busyUntil = now
  }

  get id (): string {
    return this.engine.self
  }
}

export interface ChangeResult {
  /** Virtual ms from the change until every live router's table equals the one computed from the true topology. */
  convergedMs: number
  /** Advertisements sent over all links because of the change. */
  advertisements: number
  /** Link-stream bytes of those advertisements (framed control messages; Noise and Yamux add ~30 bytes each). */
  bytes: number
  /**
   * The same, by why they were sent: flood (own advertisements at the end of
   * a batch, and received newer ones forwarded), exchange (the whole database
   * to a new neighbour), answer (the newer copy back to a neighbour that sent
   * an older one).
   */
  byCause: Record<SendCause, { advertisements: number, bytes: number }>
  /** Own advertisements flooded (one per batch per router that originated). */
  originated: number
  /** Framed size of those advertisements, summed. */
  originatedBytes: number
  /** Routers whose table (routes, and targets of the keys the change is about) had to change. */
  routersAffected: number
  /** Virtual CPU charged to all routers for the change, ms. */
  cpuMs: number
  /** Largest virtual CPU charged to one router, ms. */
  maxRouterCpuMs: number
}

export interface SimOptions {
  /** One-way delay of every link, ms. */
  linkLatencyMs?: number
  /** What each router offers at the start (its healthy connectors); none by default. */
  services?: (router: number) => ServiceAd[]
  /** Collect the young generation between pieces of work, so that its cost is charged to no router (see above). */
  scavengeBetweenWork?: boolean
}

interface Event { at: number, order: number, fn: () => void | Promise<void> }

const MAX_AGE_MS = 120_000
const REFRESH_INTERVAL_MS = 30_000

/** The simulation: routers, links, the virtual clock and the truth to compare tables with. */
export class ConvergenceSim {
  now = 0
  /** Times a router saw its own earlier advertisement and originated above it. */
  outbids = 0
  readonly latencyMs: number
  private readonly events = new MinHeap<Event>((x, y) => x.at < y.at || (x.at === y.at && x.order < y.order))
  private order = 0
  /** The current run of each router. */
  private readonly routers: SimRouter[] = []
  private readonly keys: PrivateKey[]
  private readonly ids: string[]
  private readonly epochs: number[]
  /** What each router offers now; its engine reads this when it originates. */
  private readonly services: ServiceAd[][]
  /** Virtual CPU charged to each router (all its runs), ms. */
  private readonly cpuMs: number[]
  /** The true links, by "a-b" (router indexes, a < b). */
  private readonly links = new Map<string, { a: number, b: number, cost: number }>()
  private truthRoutes = new Map<string, Map<string, Route>>()
  /** Routing keys whose targets are compared too (those the current change is about). */
  private watchedKeys: string[] = []
  private truthTargets = new Map<string, Map<string, string>>()
  private readonly disagreeing = new Set<SimRouter>()
  private agreedAt: number | undefined
  private counts = emptyCounts()
  private readonly scavenge: (() => void) | undefined

  private constructor (keys: PrivateKey[], spec: MeshSpec, options: SimOptions) {
    this.keys = keys
    this.ids = keys.map(k => peerIdFromPrivateKey(k).toString())
    this.epochs = keys.map(() => 1)
    this.services = keys.map((_, i) => options.services?.(i) ?? [])
    this.cpuMs = keys.map(() => 0)
    this.latencyMs = options.linkLatencyMs ?? 0.5
    this.scavenge = options.scavengeBetweenWork === true ? scavengerWhenFull() : undefined
    for (const l of spec.links) this.links.set(linkKey(l.a, l.b), { a: Math.min(l.a, l.b), b: Math.max(l.a, l.b), cost: l.cost })
  }

  /**
   * Builds the mesh already converged, as after a full flood: every engine
   * has its links up and has originated (really signed) its advertisement,
   * and every engine's database holds every router's; the steps of this
   * set-up are not sent, so the measured changes start from a steady state.
   */
  static async create (spec: MeshSpec, options: SimOptions = {}): Promise<ConvergenceSim> {
    const keys: PrivateKey[] = []
    for (let i = 0; i < spec.n; i++) keys.push(await generateKeyPair('Ed25519'))
    const sim = new ConvergenceSim(keys, spec, options)
    for (let i = 0; i < spec.n; i++) sim.routers.push(sim.newRouter(i))
    for (const l of sim.links.values()) {
      const [sa, sb] = sim.sessionPair(sim.routers[l.a], sim.routers[l.b], l.cost)
      sa.local.engine.linkUp(sa)
      sb.local.engine.linkUp(sb)
    }
    for (const r of sim.routers) await r.engine.originate(0)
    const own = sim.routers.map(r => r.engine.lsdb.get(r.id))
    for (const r of sim.routers) {
      for (const e of own) if (e !== undefined) r.engine.lsdb.offer(e.ad, e.raw, 0)
      // Ends the flood batch the origination opened (everyone already holds the advertisement).
      r.engine.flush()
      r.engine.recompute()
    }
    sim.computeTruth([])
    if (sim.disagreeing.size > 0) throw new Error('the initial tables do not match the mesh')
    return sim
  }

  get size (): number {
    return this.routers.length
  }

  /** The links that are up: router indexes and cost (copies; changes go through the methods below). */
  upLinks (): Array<{ a: number, b: number, cost: number }> {
    return [...this.links.values()].map(l => ({ ...l }))
  }

  isAlive (i: number): boolean {
    return this.routers[i].alive
  }

  /** Open links of router i, as its engine has them. */
  degree (i: number): number {
    return [...this.routers[i].engine.neighbours()].length
  }

  /** Link-stream bytes of router i's current own advertisement (framed as sent). */
  advertisementBytes (i: number): number {
    const own = this.routers[i].engine.lsdb.get(this.ids[i])
    return own === undefined ? 0 : encodeFrame(encodeControl({ advertisement: own.raw })).length
  }

  /** What router i offers now (a copy). */
  servicesOf (i: number): ServiceAd[] {
    return this.services[i].map(s => ({ ...s }))
  }

  /** Whether the live routers stay connected without this link / router. */
  staysConnected (change: { link?: { a: number, b: number }, router?: number }): boolean {
    const alive = this.routers.filter(r => r.alive && r.index !== change.router)
    if (alive.length === 0) return true
    const links = this.upLinks().filter(l => this.routers[l.a].alive && this.routers[l.b].alive)
    const without = change.link === undefined ? undefined : (l: { a: number, b: number }): boolean => linkKey(l.a, l.b) === linkKey(change.link?.a ?? -1, change.link?.b ?? -1)
    return reachable(this.routers.length, links, alive[0].index, without, change.router).size === alive.length
  }

  /** Most hops on any live router's lowest-cost path. */
  diameterHops (): number {
    let max = 0
    for (const r of this.routers) if (r.alive) for (const route of r.engine.routes().values()) max = Math.max(max, route.hops)
    return max
  }

  /** Router ids that disagree with the truth now (empty once converged). */
  disagreeingRouters (): string[] {
    return [...this.disagreeing].map(r => r.id)
  }

  /** The cost change is seen by end `a` at once and by `b` when its hello arrives, a link latency later. */
  async changeCost (a: number, b: number, cost: number): Promise<ChangeResult> {
    const link = this.links.get(linkKey(a, b))
    if (link === undefined) throw new Error(`no link ${a}-${b}`)
    const sa = this.session(a, b)
    return await this.measure([], () => { link.cost = cost }, () => {
      this.at(this.now, () => this.enqueue(sa.local, { kind: 'cost', session: sa, cost }))
      this.at(this.now + this.latencyMs, () => this.enqueue(sa.remote, { kind: 'cost', session: sa.twin, cost }))
    })
  }

  /** A link closes cleanly: one end sees it at once, the other a link latency later. */
  async linkDown (a: number, b: number): Promise<ChangeResult> {
    if (!this.links.has(linkKey(a, b))) throw new Error(`no link ${a}-${b}`)
    const sa = this.session(a, b)
    return await this.measure([], () => this.links.delete(linkKey(a, b)), () => {
      this.at(this.now, () => this.enqueue(sa.local, { kind: 'link-down', session: sa }))
      this.at(this.now + this.latencyMs, () => this.enqueue(sa.remote, { kind: 'link-down', session: sa.twin }))
    })
  }

  /** A link comes up: after the hello round trip both engines get linkUp (database exchange, then they originate). */
  async linkUp (a: number, b: number, cost: number): Promise<ChangeResult> {
    return await this.measure([], () => this.links.set(linkKey(a, b), { a: Math.min(a, b), b: Math.max(a, b), cost }), () => {
      this.at(this.now + 2 * this.latencyMs, () => this.connect(a, b, cost))
    })
  }

  /** A router dies (kill -9): its neighbours see their links close a link latency later. */
  async routerDown (i: number): Promise<ChangeResult> {
    const r = this.routers[i]
    const sessions = [...r.engine.neighbours()]
    return await this.measure(this.services[i].map(s => s.routingKey), () => {
      r.alive = false
      r.queue.length = 0
    }, () => {
      for (const s of sessions) this.at(this.now + this.latencyMs, () => this.enqueue(s.remote, { kind: 'link-down', session: s.twin }))
    })
  }

  /**
   * A dead router restarts: a fresh engine (an empty database) with a new
   * boot epoch, which originates first (as Router.start does) and then
   * links to its neighbours of the true mesh. With `sameEpoch` (a lost epoch
   * file), its first advertisements lose to the copies of its earlier run:
   * it must outbid them.
   */
  async routerUp (i: number, sameEpoch = false): Promise<ChangeResult> {
    if (this.routers[i].alive) throw new Error(`router ${i} is up`)
    return await this.measure(this.services[i].map(s => s.routingKey), () => {
      if (!sameEpoch) this.epochs[i]++
      this.routers[i] = this.newRouter(i)
    }, () => {
      this.enqueue(this.routers[i], { kind: 'originate' })
      for (const l of this.links.values()) {
        if (l.a !== i && l.b !== i) continue
        this.at(this.now + 2 * this.latencyMs, () => this.connect(l.a, l.b, l.cost))
      }
    })
  }

  /** What router i offers changes (a connector added, removed, healthy again): it originates, as Router does. */
  async changeServices (i: number, services: ServiceAd[]): Promise<ChangeResult> {
    const r = this.routers[i]
    if (!r.alive) throw new Error(`router ${i} is down`)
    const before = new Map(this.services[i].map(s => [s.routingKey, `${s.connectors}:${s.cost}`]))
    const after = new Map(services.map(s => [s.routingKey, `${s.connectors}:${s.cost}`]))
    const changedKeys = [...new Set([...before.keys(), ...after.keys()])].filter(k => before.get(k) !== after.get(k))
    return await this.measure(changedKeys, () => { this.services[i] = services.map(s => ({ ...s })) }, () => {
      this.enqueue(r, { kind: 'originate' })
    })
  }

  /**
   * How many live routers' tables a change would alter (computed from the
   * true topology, nothing is sent): a link's cost set to `cost`, a link
   * removed (no `cost`), or a router removed.
   */
  tablesChangedBy (change: { link: { a: number, b: number }, cost?: number } | { router: number }): number {
    let after: Map<string, Map<string, Route>>
    if ('router' in change) {
      after = this.tablesOf(this.links.values(), change.router)
    } else {
      const key = linkKey(change.link.a, change.link.b)
      const links = [...this.links].flatMap(([k, l]) => k !== key ? [l] : change.cost === undefined ? [] : [{ ...l, cost: change.cost }])
      after = this.tablesOf(links)
    }
    let changed = 0
    for (const [id, table] of this.truthRoutes) if (!sameRoutes(table, after.get(id))) changed++
    return changed
  }

  /**
   * Runs one change to quiescence and reports when the tables last came to
   * agree with the truth. `mutate` changes the true mesh (or offers);
   * `start` schedules what the routers see of it.
   */
  private async measure (watchKeys: string[], mutate: () => void, start: () => void): Promise<ChangeResult> {
    const t0 = this.now
    const cpuBefore = [...this.cpuMs]
    const beforeRoutes = this.truthRoutes
    const beforeTargets = this.targetsOver(beforeRoutes, watchKeys)
    mutate()
    this.counts = emptyCounts()
    this.computeTruth(watchKeys)
    const affected = this.routers.filter(r => r.alive && !(sameRoutes(beforeRoutes.get(r.id), this.truthRoutes.get(r.id)) && sameTargets(beforeTargets.get(r.id), this.truthTargets.get(r.id)))).length
    this.agreedAt = this.disagreeing.size === 0 ? t0 : undefined
    start()
    await this.run()
    if (this.agreedAt === undefined || this.disagreeing.size > 0) throw new Error(`not converged: ${this.disagreeing.size} routers disagree with the truth`)
    const cpu = this.cpuMs.map((c, i) => c - cpuBefore[i])
    return {
      convergedMs: this.agreedAt - t0,
      ...this.counts,
      routersAffected: affected,
      cpuMs: cpu.reduce((a, b) => a + b, 0),
      maxRouterCpuMs: Math.max(...cpu)
    }
  }

  /** Routes (and watched keys' targets) every live router must end up with, from the true links and offers of live routers. */
  private computeTruth (watchKeys: string[]): void {
    this.watchedKeys = watchKeys
    this.truthRoutes = this.tablesOf(this.links.values())
    this.truthTargets = this.targetsOver(this.truthRoutes, watchKeys)
    this.disagreeing.clear()
    for (const r of this.routers) if (r.alive && !this.agrees(r)) this.disagreeing.add(r)
  }

  /** Every live router's lowest-cost routes over these links (`without`: also leave this router out). */
  private tablesOf (links: Iterable<{ a: number, b: number, cost: number }>, without?: number): Map<string, Map<string, Route>> {
    const alive = (r: SimRouter): boolean => r.alive && r.index !== without
    const topology: Topology = new Map()
    for (const r of this.routers) if (alive(r)) topology.set(r.id, new Map())
    for (const l of links) {
      const [a, b] = [this.routers[l.a], this.routers[l.b]]
      if (!alive(a) || !alive(b)) continue
      topology.get(a.id)?.set(b.id, l.cost)
      topology.get(b.id)?.set(a.id, l.cost)
    }
    const tables = new Map<string, Map<string, Route>>()
    for (const r of this.routers) if (alive(r)) tables.set(r.id, routesOver(r.id, topology))
    return tables
  }

  /**
   * For each live router, the targets it should see for each of these keys
   * (router, path cost, own cost, sorted), given its true routes: every live
   * router offering the key with a connector, that it can reach.
   */
  private targetsOver (routes: Map<string, Map<string, Route>>, keys: string[]): Map<string, Map<string, string>> {
    const wanted = new Set(keys)
    const offers = new Map<string, Array<{ id: string, cost: number }>>()
    for (const r of this.routers) {
      if (!r.alive) continue
      for (const s of this.services[r.index]) {
        if (!wanted.has(s.routingKey) || s.connectors === 0) continue
        const list = offers.get(s.routingKey) ?? []
        list.push({ id: r.id, cost: s.cost })
        offers.set(s.routingKey, list)
      }
    }
    const out = new Map<string, Map<string, string>>()
    for (const [self, table] of routes) {
      const byKey = new Map<string, string>()
      for (const key of keys) {
        const targets = (offers.get(key) ?? []).flatMap(o => {
          const pathCost = o.id === self ? 0 : table.get(o.id)?.cost
          return pathCost === undefined ? [] : [{ id: o.id, pathCost, ownCost: o.cost }]
        })
        byKey.set(key, targetsKey(targets))
      }
      out.set(self, byKey)
    }
    return out
  }

  private agrees (r: SimRouter): boolean {
    if (!sameRoutes(r.engine.routes(), this.truthRoutes.get(r.id))) return false
    const truth = this.truthTargets.get(r.id)
    for (const key of this.watchedKeys) if (targetsKey(r.engine.targets(key)) !== truth?.get(key)) return false
    return true
  }

  private check (r: SimRouter, at: number): void {
    const was = this.disagreeing.size
    if (this.agrees(r)) this.disagreeing.delete(r)
    else this.disagreeing.add(r)
    if (this.disagreeing.size === 0 && was > 0) this.agreedAt = at
    if (this.disagreeing.size > 0) this.agreedAt = undefined
  }

  private at (time: number, fn: () => void | Promise<void>): void {
    this.events.push({ at: time, order: this.order++, fn })
  }

  private async run (): Promise<void> {
    for (let e = this.events.pop(); e !== undefined; e = this.events.pop()) {
      this.now = e.at
      await e.fn()
    }
  }

  private newRouter (i: number): SimRouter {
    const engine = new LinkStateEngine<Session>({
      self: this.ids[i],
      site: `r${i}`,
      epoch: this.epochs[i],
      maxAgeMs: MAX_AGE_MS,
      refreshIntervalMs: REFRESH_INTERVAL_MS
    }, advertisementCodec(this.keys[i]), () => this.services[i], this.now)
    return new SimRouter(i, engine, this.now)
  }

  /** Router a's session of its link to b. */
  private session (a: number, b: number): Session {
    const s = this.routers[a].engine.neighbour(this.ids[b])
    if (s === undefined) throw new Error(`router ${a} has no link to ${b}`)
    return s
  }

  private sessionPair (a: SimRouter, b: SimRouter, cost: number): [Session, Session] {
    const sa = { peer: b.id, cost, local: a, remote: b } as Session
    const sb = { peer: a.id, cost, local: b, remote: a, twin: sa } as Session
    sa.twin = sb
    return [sa, sb]
  }

  /** The hello round trip is over: both ends' engines get the link (if both routers still run). */
  private connect (a: number, b: number, cost: number): void {
    const [ra, rb] = [this.routers[a], this.routers[b]]
    if (!ra.alive || !rb.alive) return
    const [sa, sb] = this.sessionPair(ra, rb, cost)
    this.enqueue(ra, { kind: 'link-up', session: sa })
    this.enqueue(rb, { kind: 'link-up', session: sb })
  }

  private enqueue (r: SimRouter, work: Work): void {
    if (!r.alive) return
    r.queue.push(work)
    this.kick(r)
  }

  private kick (r: SimRouter): void {
    if (r.runScheduled || r.queue.length === 0) return
    r.runScheduled = true
    this.at(Math.max(this.now, r.busyUntil), async () => await this.runNext(r))
  }

  /** One piece of a router's work: done for real, its wall time charged to the router's virtual CPU; then its Step applied. */
  private async runNext (r: SimRouter): Promise<void> {
    r.runScheduled = false
    const work = r.queue.shift()
    if (work === undefined || !r.alive) return
    this.scavenge?.()
    const started = performance.now()
    const step = await this.handle(r, work)
    // Framing is the sender's work too (LinkSession.sendAdvertisement).
    const messages = step?.sends.map(s => encodeControl({ advertisement: s.raw })) ?? []
    const frames = messages.map(m => encodeFrame(m))
    const tookMs = performance.now() - started
    this.cpuMs[r.index] += tookMs
    const end = this.now + tookMs
    r.busyUntil = end
    if (step !== undefined) this.apply(r, work, step, messages, frames, end)
    this.kick(r)
  }

  /** Hands one piece of work to the engine, as routing.ts does for the same event. */
  private async handle (r: SimRouter, work: Work): Promise<Step<Session> | undefined> {
    const engine = r.engine
    switch (work.kind) {
      case 'receive': {
        // A session that closed (or was replaced) reads nothing more.
        if (engine.neighbour(work.via.peer) !== work.via) return undefined
        const msg = decodeControl(work.message)
        if (!('advertisement' in msg)) return undefined
        return await engine.receive(work.via, msg.advertisement, this.now)
      }
      case 'originate':
        return await engine.originate(this.now)
      case 'flush':
        r.floodTimer = false
        return engine.flush()
      case 'recompute':
        r.recomputePending = false
        return engine.recompute()
      case 'link-up':
        return engine.linkUp(work.session)
      case 'link-down':
        return engine.linkDown(work.session)
      case 'cost':
        // The engine reads a link's cost from its session when it originates.
        work.session.cost = work.cost
        return await engine.originate(this.now)
    }
  }

  /** routing.ts's apply(), on the virtual clock: `end` is when the work that produced the step finished. */
  private apply (r: SimRouter, work: Work, step: Step<Session>, messages: Uint8Array[], frames: Uint8Array[], end: number): void {
    step.sends.forEach(({ to }, k) => {
      const cause: SendCause = work.kind === 'link-up' ? 'exchange' : work.kind === 'receive' && to === work.via ? 'answer' : 'flood'
      this.send(to, messages[k], frames[k].length, cause, end)
    })
    if (work.kind === 'flush' && frames.length > 0) {
      this.counts.originated++
      this.counts.originatedBytes += frames[0].length
    }
    for (const note of step.notes) {
      if (note.kind === 'outbid') this.outbids++
      else if (note.kind === 'malformed' || note.kind === 'bad-signature') throw new Error(`simulated router ${r.index} dropped an advertisement from ${note.from}: ${note.kind}`)
    }
    if (step.flushAt !== undefined && !r.floodTimer) {
      r.floodTimer = true
      // setTimeout(flushAt - now) armed when the work ends: never earlier than that.
      this.at(Math.max(end, step.flushAt), () => this.enqueue(r, { kind: 'flush' }))
    }
    if (step.recompute && !r.recomputePending) {
      r.recomputePending = true
      r.queue.push({ kind: 'recompute' })
    }
    if (step.routesChanged) this.check(r, end)
    // The router starts originating at once (void this.originate()); it completes within the same turn.
    if (step.originate) r.queue.unshift({ kind: 'originate' })
  }

  /** The message arrives one latency after the sender's work ended, on the other end of the same link. */
  private send (via: Session, message: Uint8Array, frameBytes: number, cause: SendCause, end: number): void {
    this.counts.advertisements++
    this.counts.bytes += frameBytes
    this.counts.byCause[cause].advertisements++
    this.counts.byCause[cause].bytes += frameBytes
    this.at(end + this.latencyMs, () => this.enqueue(via.remote, { kind: 'receive', via: via.twin, message }))
  }
}

/** A minor GC whenever the young generation is three quarters full (and a cheap check otherwise). */
function scavengerWhenFull (): () => void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void
  return () => {
    const young = getHeapSpaceStatistics().find(s => s.space_name === 'new_space')
    if (young !== undefined && young.space_available_size < young.space_size / 4) gc({ type: 'minor' })
  }
}

function emptyCounts (): Pick<ChangeResult, 'advertisements' | 'bytes' | 'byCause' | 'originated' | 'originatedBytes'> {
  const none = (): { advertisements: number, bytes: number } => ({ advertisements: 0, bytes: 0 })
  return { advertisements: 0, bytes: 0, byCause: { flood: none(), exchange: none(), answer: none() }, originated: 0, originatedBytes: 0 }
}

function linkKey (a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`
}

function targetsKey (targets: ReadonlyArray<{ id: string, pathCost: number, ownCost: number }>): string {
  return targets.map(t => `${t.id}:${t.pathCost}:${t.ownCost}`).sort().join(',')
}

function sameTargets (x: Map<string, string> | undefined, y: Map<string, string> | undefined): boolean {
  if (x === undefined || y === undefined) return x === y
  for (const [key, t] of x) if (y.get(key) !== t) return false
  return x.size === y.size
}

function sameRoutes (x: ReadonlyMap<string, Route> | undefined, y: ReadonlyMap<string, Route> | undefined): boolean {
  if (x === undefined || y === undefined) return x === y
  if (x.size !== y.size) return false
  for (const [dest, r] of x) {
    const t = y.get(dest)
    if (t === undefined || t.cost !== r.cost || t.nextHop !== r.nextHop || t.hops !== r.hops) return false
  }
  return true
}
