/**
 * Link-state convergence of many routers in one process, on a virtual clock.
 *
 * Each simulated router runs the router's own control-plane code: the same
 * link-state database (core/lsdb), flooding rules (core/flooding), route
 * computation (core/spf), and the same encoding, Ed25519 signing and signature
 * checks (net/advertisement, net/codec). Only the links are simulated: a
 * message arrives one link latency after it was sent, in order per link.
 *
 * Time: the wall time each router really spends on a piece of work (decode,
 * verify, store, flood decision, route computation, signing) is measured and
 * charged to that router's virtual CPU, so a busy router delays its own
 * later work and what it sends. Batching is the router's: its own changes are
 * flooded FLOOD_BATCH_MS after they were made, and route recomputation after a
 * received advertisement runs once behind the work already queued (the
 * router's setImmediate). Not simulated: periodic refresh and max age (30 s /
 * 120 s timers), liveness probes, Noise/Yamux framing cost.
 */
import type { PrivateKey } from '@libp2p/interface'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { acceptAdvertisement, databaseExchange, FLOOD_BATCH_MS, ownFlood } from '../src/core/flooding.js'
import { MinHeap } from './heap.js'
import { LinkStateDb } from '../src/core/lsdb.js'
import { computeRoutes, routesOver, type Route, type Topology } from '../src/core/spf.js'
import type { Advertisement } from '../src/core/types.js'
import { readAdvertisement, signAdvertisement } from '../src/wire/advertisement.js'
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

/** One end's view of a link: what the router's LinkSession is. Compared by identity in the flooding rules. */
interface Session {
  local: SimRouter
  remote: SimRouter
  /** The link's effective cost as this end knows it. */
  cost: number
  /** The other end's session of the same link. */
  twin: Session
}

type Work =
  | { kind: 'receive', via: Session, message: Uint8Array }
  | { kind: 'originate' }
  | { kind: 'flush' }
  | { kind: 'recompute' }
  | { kind: 'session-up', session: Session }
  | { kind: 'session-down', peer: string }
  | { kind: 'session-cost', peer: string, cost: number }

class SimRouter {
  readonly id: string
  epoch = 1
  seq = 0
  lsdb: LinkStateDb
  routes = new Map<string, Route>()
  readonly sessions = new Map<string, Session>()
  alive = true
  readonly queue: Work[] = []
  busyUntil = 0
  runScheduled = false
  floodTimer = false
  recomputePending = false
  /** Virtual CPU charged so far, ms. */
  cpuMs = 0

  constructor (readonly index: number, readonly privateKey: PrivateKey) {
    this.id = peerIdFromPrivateKey(privateKey).toString()
    this.lsdb = new LinkStateDb(this.id, 120_000)
  }

  /** As Router.buildOwnAd: open links sorted by peer id, a fresh sequence number. */
  buildOwnAd (): Advertisement {
    const links = [...this.sessions.values()].map(s => ({ peer: s.remote.id, cost: s.cost })).sort((a, b) => a.peer < b.peer ? -1 : 1)
    return { origin: this.id, epoch: this.epoch, seq: ++this.seq, site: `r${this.index}`, links, services: [] }
  }
}

export interface ChangeResult {
  /** Virtual ms from the change until every live router's table equals the one computed from the true topology. */
  convergedMs: number
  /** Advertisements sent over all links because of the change. */
  advertisements: number
  /** Link-stream bytes of those advertisements (framed control messages; Noise and Yamux add ~30 bytes each). */
  bytes: number
  /** Routers whose table had to change. */
  routersAffected: number
  /** Virtual CPU charged to all routers for the change, ms. */
  cpuMs: number
  /** Largest virtual CPU charged to one router, ms. */
  maxRouterCpuMs: number
}

export interface SimOptions {
  /** One-way delay of every link, ms. */
  linkLatencyMs?: number
}

interface Event { at: number, order: number, fn: () => void | Promise<void> }

/** The simulation: routers, links, the virtual clock and the truth to compare tables with. */
export class ConvergenceSim {
  now = 0
  /** Times a router saw its own earlier advertisement and originated above it. */
  outbids = 0
  readonly latencyMs: number
  private readonly events = new MinHeap<Event>((x, y) => x.at < y.at || (x.at === y.at && x.order < y.order))
  private order = 0
  private readonly routers: SimRouter[]
  /** The true links, by "a-b" (router indexes, a < b). */
  private readonly links = new Map<string, { a: number, b: number, cost: number }>()
  private truth = new Map<string, Map<string, Route>>()
  private readonly disagreeing = new Set<SimRouter>()
  private agreedAt: number | undefined
  private advertisements = 0
  private bytes = 0

  private constructor (routers: SimRouter[], spec: MeshSpec, options: SimOptions) {
    this.routers = routers
    this.latencyMs = options.linkLatencyMs ?? 0.5
    for (const l of spec.links) this.links.set(linkKey(l.a, l.b), { a: Math.min(l.a, l.b), b: Math.max(l.a, l.b), cost: l.cost })
  }

  /**
   * Builds the mesh already converged: every router holds every router's
   * signed advertisement and its routes (as after a full flood), so the
   * measured changes start from a steady state.
   */
  static async create (spec: MeshSpec, options: SimOptions = {}): Promise<ConvergenceSim> {
    const routers: SimRouter[] = []
    for (let i = 0; i < spec.n; i++) routers.push(new SimRouter(i, await generateKeyPair('Ed25519')))
    const sim = new ConvergenceSim(routers, spec, options)
    for (const l of sim.links.values()) sim.connect(routers[l.a], routers[l.b], l.cost)
    const signed = await Promise.all(routers.map(async r => {
      const ad = r.buildOwnAd()
      return { ad, raw: await signAdvertisement(ad, r.privateKey) }
    }))
    for (const r of routers) {
      for (const s of signed) r.lsdb.offer(s.ad, s.raw, 0)
      r.routes = computeRoutes(r.id, r.lsdb.advertisements())
    }
    sim.computeTruth()
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
    for (const r of this.routers) if (r.alive) for (const route of r.routes.values()) max = Math.max(max, route.hops)
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
    link.cost = cost
    return await this.measure(() => {
      const [ra, rb] = [this.routers[a], this.routers[b]]
      this.at(this.now, () => this.enqueue(ra, { kind: 'session-cost', peer: rb.id, cost }))
      this.at(this.now + this.latencyMs, () => this.enqueue(rb, { kind: 'session-cost', peer: ra.id, cost }))
    })
  }

  /** A link closes cleanly: one end sees it at once, the other a link latency later. */
  async linkDown (a: number, b: number): Promise<ChangeResult> {
    if (!this.links.delete(linkKey(a, b))) throw new Error(`no link ${a}-${b}`)
    return await this.measure(() => {
      const [ra, rb] = [this.routers[a], this.routers[b]]
      this.at(this.now, () => this.enqueue(ra, { kind: 'session-down', peer: rb.id }))
      this.at(this.now + this.latencyMs, () => this.enqueue(rb, { kind: 'session-down', peer: ra.id }))
    })
  }

  /** A link comes up: after the hello round trip both ends exchange databases and re-originate. */
  async linkUp (a: number, b: number, cost: number): Promise<ChangeResult> {
    this.links.set(linkKey(a, b), { a: Math.min(a, b), b: Math.max(a, b), cost })
    return await this.measure(() => this.at(this.now + 2 * this.latencyMs, () => this.connect(this.routers[a], this.routers[b], cost, true)))
  }

  /** A router dies (kill -9): its neighbours see their links close a link latency later. */
  async routerDown (i: number): Promise<ChangeResult> {
    const r = this.routers[i]
    const neighbours = [...r.sessions.values()].map(s => s.remote)
    r.alive = false
    r.queue.length = 0
    r.sessions.clear()
    return await this.measure(() => {
      for (const n of neighbours) this.at(this.now + this.latencyMs, () => this.enqueue(n, { kind: 'session-down', peer: r.id }))
    })
  }

  /**
   * A dead router restarts (a new boot epoch, an empty database) and relinks
   * to its neighbours of the true mesh. With `sameEpoch` (a lost epoch file),
   * its first advertisements lose to the copies of its earlier run: it must
   * outbid them.
   */
  async routerUp (i: number, sameEpoch = false): Promise<ChangeResult> {
    const r = this.routers[i]
    r.alive = true
    if (!sameEpoch) r.epoch++
    r.seq = 0
    r.lsdb = new LinkStateDb(r.id, 120_000)
    r.routes = new Map()
    r.busyUntil = this.now
    r.floodTimer = false
    r.recomputePending = false
    r.runScheduled = false
    return await this.measure(() => {
      this.enqueue(r, { kind: 'originate' })
      for (const l of this.links.values()) {
        if (l.a !== i && l.b !== i) continue
        const other = this.routers[l.a === i ? l.b : l.a]
        if (other.alive) this.at(this.now + 2 * this.latencyMs, () => this.connect(r, other, l.cost, true))
      }
    })
  }

  /** Runs one change to quiescence and reports when the tables last came to agree with the truth. */
  private async measure (start: () => void): Promise<ChangeResult> {
    const t0 = this.now
    const cpuBefore = this.routers.map(r => r.cpuMs)
    const before = this.truth
    this.advertisements = 0
    this.bytes = 0
    this.computeTruth()
    const affected = this.routers.filter(r => r.alive && !sameRoutes(before.get(r.id), this.truth.get(r.id))).length
    this.agreedAt = this.disagreeing.size === 0 ? t0 : undefined
    start()
    await this.run()
    if (this.agreedAt === undefined || this.disagreeing.size > 0) throw new Error(`not converged: ${this.disagreeing.size} routers disagree with the truth`)
    const cpu = this.routers.map((r, i) => r.cpuMs - cpuBefore[i])
    return {
      convergedMs: this.agreedAt - t0,
      advertisements: this.advertisements,
      bytes: this.bytes,
      routersAffected: affected,
      cpuMs: cpu.reduce((a, b) => a + b, 0),
      maxRouterCpuMs: Math.max(...cpu)
    }
  }

  /** Routes every live router must end up with, from the true links of live routers. */
  private computeTruth (): void {
    this.truth = this.tablesOf(this.links.values())
    this.disagreeing.clear()
    for (const r of this.routers) if (r.alive && !sameRoutes(r.routes, this.truth.get(r.id))) this.disagreeing.add(r)
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
    for (const [id, table] of this.truth) if (!sameRoutes(table, after.get(id))) changed++
    return changed
  }

  private check (r: SimRouter, at: number): void {
    const was = this.disagreeing.size
    if (sameRoutes(r.routes, this.truth.get(r.id))) this.disagreeing.delete(r)
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

  /** Both ends of a new link get their session; with `announce`, each runs the router's link-up steps. */
  private connect (a: SimRouter, b: SimRouter, cost: number, announce = false): void {
    if (!a.alive || !b.alive) return
    const sa = { local: a, remote: b, cost } as Session
    const sb = { local: b, remote: a, cost, twin: sa } as Session
    sa.twin = sb
    if (!announce) {
      a.sessions.set(b.id, sa)
      b.sessions.set(a.id, sb)
      return
    }
    this.enqueue(a, { kind: 'session-up', session: sa })
    this.enqueue(b, { kind: 'session-up', session: sb })
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

  /** One piece of a router's work: done for real, its wall time charged to the router's virtual CPU. */
  private async runNext (r: SimRouter): Promise<void> {
    r.runScheduled = false
    const work = r.queue.shift()
    if (work === undefined || !r.alive) return
    const effects: Array<(end: number) => void> = []
    const started = performance.now()
    const recomputed = await this.execute(r, work, effects)
    const tookMs = performance.now() - started
    r.cpuMs += tookMs
    const end = this.now + tookMs
    r.busyUntil = end
    for (const e of effects) e(end)
    if (recomputed) this.check(r, end)
    this.kick(r)
  }

  /** The router's handler for one piece of work; returns whether routes were recomputed. */
  private async execute (r: SimRouter, work: Work, effects: Array<(end: number) => void>): Promise<boolean> {
    switch (work.kind) {
      case 'receive': {
        // Sessions closed since the message was sent read nothing more.
        if (r.sessions.get(work.via.remote.id) !== work.via) return false
        const msg = decodeControl(work.message)
        if (!('advertisement' in msg)) return false
        const raw = msg.advertisement
        const received = await readAdvertisement(raw, r.lsdb)
        if (received.kind !== 'verified') {
          if (received.kind !== 'held') throw new Error(`simulated router dropped an advertisement: ${received.kind}`)
          return false
        }
        const decision = acceptAdvertisement(r.lsdb, received.ad, raw, this.now, work.via, r.sessions.values(), r.seq)
        if (decision.outbidSeq !== undefined) {
          r.seq = decision.outbidSeq
          this.outbids++
          return await this.originate(r, effects)
        }
        for (const s of decision.forwardTo) this.send(s, raw, effects)
        if (decision.answer !== undefined) this.send(work.via, decision.answer, effects)
        if (decision.recompute && !r.recomputePending) {
          r.recomputePending = true
          effects.push(() => r.queue.push({ kind: 'recompute' }))
        }
        return false
      }
      case 'recompute':
        r.recomputePending = false
        r.routes = computeRoutes(r.id, r.lsdb.advertisements())
        return true
      case 'originate':
        return await this.originate(r, effects)
      case 'flush': {
        r.floodTimer = false
        const flood = ownFlood(r.lsdb, r.sessions.values())
        if (flood !== undefined) for (const s of flood.to) this.send(s, flood.raw, effects)
        return false
      }
      case 'session-up':
        // As Router.establish: full database exchange, then re-originate.
        r.sessions.set(work.session.remote.id, work.session)
        for (const raw of databaseExchange(r.lsdb)) this.send(work.session, raw, effects)
        return await this.originate(r, effects)
      case 'session-down':
        if (!r.sessions.delete(work.peer)) return false
        return await this.originate(r, effects)
      case 'session-cost': {
        const s = r.sessions.get(work.peer)
        if (s === undefined) return false
        s.cost = work.cost
        return await this.originate(r, effects)
      }
    }
  }

  /**
   * As Router.originate, which runs inside the handler that called it: sign,
   * store, recompute at once; flood after the batch delay unless a flood is
   * already pending.
   */
  private async originate (r: SimRouter, effects: Array<(end: number) => void>): Promise<true> {
    const ad = r.buildOwnAd()
    const raw = await signAdvertisement(ad, r.privateKey)
    r.lsdb.offer(ad, raw, this.now)
    r.routes = computeRoutes(r.id, r.lsdb.advertisements())
    if (!r.floodTimer) {
      r.floodTimer = true
      effects.push((end) => this.at(end + FLOOD_BATCH_MS, () => this.enqueue(r, { kind: 'flush' })))
    }
    return true
  }

  /** Encodes the link-stream message now (the sender's cost); it arrives one latency after the sender's work ends. */
  private send (via: Session, raw: Uint8Array, effects: Array<(end: number) => void>): void {
    const message = encodeControl({ advertisement: raw })
    const frame = encodeFrame(message)
    const to = via.remote
    const arrivesOn = via.twin
    effects.push((end) => {
      this.advertisements++
      this.bytes += frame.length
      this.at(end + this.latencyMs, () => this.enqueue(to, { kind: 'receive', via: arrivesOn, message }))
    })
  }
}

function linkKey (a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`
}

function sameRoutes (x: Map<string, Route> | undefined, y: Map<string, Route> | undefined): boolean {
  if (x === undefined || y === undefined) return x === y
  if (x.size !== y.size) return false
  for (const [dest, r] of x) {
    const t = y.get(dest)
    if (t === undefined || t.cost !== r.cost || t.nextHop !== r.nextHop || t.hops !== r.hops) return false
  }
  return true
}
