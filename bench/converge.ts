/**
 * `npm run bench:converge` (also part of `npm run bench`): how fast a mesh of
 * SIM_ROUTERS routers (default 200) agrees on routes after a change, and what
 * the change costs in advertisements and bytes. Runs the production
 * link-state engine and codec on simulated links (see converge-sim.ts).
 *
 * Changes, SIM_CHANGES of each (default 5): a link's cost changes (×5, then
 * back), a link goes down and comes back, a router dies (kill -9) and
 * restarts, a router starts offering one more service and stops again.
 * Links and routers are picked at random among those whose change moves some
 * route (a change nobody's table sees converges in 0 ms and says nothing) and
 * whose loss keeps the mesh connected.
 * SIM_SERVICES (default 0) services are spread round-robin over the routers,
 * one routing key in four offered by two routers. SIM_LATENCY_MS sets every
 * link's one-way delay (default 0.5), SIM_SEED the mesh. SIM_GC=between runs
 * young-generation collections between pieces of work, charged to no router
 * (the simulated routers share one heap, which makes each collection far
 * costlier than in one router; see converge-sim.ts). Prints two markdown
 * tables: convergence, and where the bytes of each change go. Writes
 * bench-results/converge.json when run on its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { ConvergenceSim, geometricMesh, seededRandom, type ChangeResult } from './converge-sim.js'
import type { ServiceAd } from '../src/core/types.js'

export interface ConvergenceOptions {
  routers: number
  latencyMs: number
  changes: number
  seed: number
  /** Services in the whole mesh, spread over the routers (0 by default). */
  services?: number
  /** Young-generation collections between pieces of work, uncharged (default: charged to the work they interrupt). */
  scavengeBetweenWork?: boolean
}

export const CHANGE_KINDS = ['link cost change', 'link down', 'link up', 'router down', 'router up', 'service added', 'service removed'] as const
export type ChangeKind = typeof CHANGE_KINDS[number]

/** One change, with what it was made at: the router whose advertisement changed (for a link, the mean of both ends). */
export interface ChangeSample extends ChangeResult {
  /** Open links of the changed router. */
  degree: number
  /** Framed size of the changed router's advertisement, bytes. */
  adBytes: number
}

export interface ConvergenceReport {
  routers: number
  links: number
  services: number
  /** Distinct routing keys among the services. */
  routingKeys: number
  /** Most hops on any lowest-cost path. */
  diameterHops: number
  latencyMs: number
  scavengeBetweenWork: boolean
  samples: Record<ChangeKind, ChangeSample[]>
  wallSeconds: number
}

export function optionsFromEnv (): ConvergenceOptions {
  return {
    routers: Number(process.env.SIM_ROUTERS ?? 200),
    latencyMs: Number(process.env.SIM_LATENCY_MS ?? 0.5),
    changes: Math.max(3, Number(process.env.SIM_CHANGES ?? 5)),
    seed: Number(process.env.SIM_SEED ?? 1),
    services: Number(process.env.SIM_SERVICES ?? 0),
    scavengeBetweenWork: process.env.SIM_GC === 'between'
  }
}

/**
 * `total` services over `routers` routers, round-robin; routing keys are
 * svc-0 … svc-(k-1) with k = three quarters of `total`, so one key in four
 * (svc-0 … svc-(total-k-1)) is offered by two routers. One connector each, cost 0.
 */
export function spreadServices (routers: number, total: number): ServiceAd[][] {
  const out = Array.from({ length: routers }, () => [] as ServiceAd[])
  const keyCount = total - Math.floor(total / 4)
  for (let s = 0; s < total; s++) {
    const routingKey = `svc-${s % keyCount}`
    let r = s % routers
    // The second router for a key must not be the first.
    while (out[r].some(x => x.routingKey === routingKey)) r = (r + 1) % routers
    out[r].push({ routingKey, connectors: 1, cost: 0 })
  }
  return out
}

export async function runConvergence (o: ConvergenceOptions, progress: (line: string) => void = () => {}): Promise<ConvergenceReport> {
  const started = performance.now()
  const spec = geometricMesh(o.routers, o.seed)
  const offers = spreadServices(o.routers, o.services ?? 0)
  const sim = await ConvergenceSim.create(spec, { linkLatencyMs: o.latencyMs, services: i => offers[i], scavengeBetweenWork: o.scavengeBetweenWork })
  const diameterHops = sim.diameterHops()
  const random = seededRandom(o.seed + 1)
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]
  /** A random element that passes `ok` (tried in random order; each check is a few ms on 200 routers). */
  const pickWhere = <T>(xs: T[], ok: (x: T) => boolean): T => {
    const left = [...xs]
    while (left.length > 0) {
      const [x] = left.splice(Math.floor(random() * left.length), 1)
      if (ok(x)) return x
    }
    throw new Error('no change of this kind moves any route')
  }
  const samples = Object.fromEntries(CHANGE_KINDS.map(k => [k, [] as ChangeSample[]])) as Record<ChangeKind, ChangeSample[]>
  /** Degree and advertisement size of these routers (the mean), as they are now. */
  const at = (...routers: number[]): Pick<ChangeSample, 'degree' | 'adBytes'> => ({
    degree: mean(routers.map(i => sim.degree(i))),
    adBytes: mean(routers.map(i => sim.advertisementBytes(i)))
  })
  const record = (kind: ChangeKind, r: ChangeResult, where: Pick<ChangeSample, 'degree' | 'adBytes'>): void => {
    samples[kind].push({ ...r, ...where })
    progress(`  ${kind}: ${r.convergedMs.toFixed(1)} ms, ${r.advertisements} advertisements, ${r.bytes} bytes, ${r.routersAffected} tables changed`)
  }
  const linkChange = async (kind: ChangeKind, a: number, b: number, change: () => Promise<ChangeResult>): Promise<void> => {
    const r = await change()
    record(kind, r, at(a, b))
  }

  // Warm-up (not counted): the code paths get compiled before anything is
  // timed. One change on a large mesh already runs each path thousands of
  // times, so large meshes warm up with fewer (each costs seconds there).
  const warmUps = Math.max(1, Math.ceil(600 / o.routers))
  for (let i = 0; i < warmUps; i++) {
    const l = pick(sim.upLinks())
    await sim.changeCost(l.a, l.b, l.cost * 5)
    await sim.changeCost(l.a, l.b, l.cost)
  }

  while (samples['link cost change'].length < o.changes) {
    const l = pickWhere(sim.upLinks(), l => sim.tablesChangedBy({ link: l, cost: l.cost * 5 }) > 0)
    await linkChange('link cost change', l.a, l.b, async () => await sim.changeCost(l.a, l.b, l.cost * 5))
    if (samples['link cost change'].length < o.changes) await linkChange('link cost change', l.a, l.b, async () => await sim.changeCost(l.a, l.b, l.cost))
    else await sim.changeCost(l.a, l.b, l.cost)
  }
  for (let i = 0; i < o.changes; i++) {
    const l = pickWhere(sim.upLinks(), l => sim.staysConnected({ link: l }) && sim.tablesChangedBy({ link: l }) > 0)
    await linkChange('link down', l.a, l.b, async () => await sim.linkDown(l.a, l.b))
    await linkChange('link up', l.a, l.b, async () => await sim.linkUp(l.a, l.b, l.cost))
  }
  for (let i = 0; i < o.changes; i++) {
    // Every other table loses the dead router, so any router will do.
    const candidates = Array.from({ length: sim.size }, (_, j) => j).filter(j => sim.isAlive(j) && sim.staysConnected({ router: j }))
    const r = pick(candidates)
    const before = at(r)
    record('router down', await sim.routerDown(r), before)
    const up = await sim.routerUp(r)
    record('router up', up, at(r))
  }
  for (let i = 0; i < o.changes; i++) {
    // One more connector at a router: a key another router already offers, when there are any.
    const r = pick(Array.from({ length: sim.size }, (_, j) => j))
    const own = sim.servicesOf(r)
    const elsewhere = offers.flat().map(s => s.routingKey).filter(k => !own.some(s => s.routingKey === k))
    const routingKey = elsewhere.length > 0 ? pick(elsewhere) : `added-${i}`
    record('service added', await sim.changeServices(r, [...own, { routingKey, connectors: 1, cost: 0 }]), at(r))
    record('service removed', await sim.changeServices(r, own), at(r))
  }
  return {
    routers: o.routers,
    links: spec.links.length,
    services: offers.flat().length,
    routingKeys: new Set(offers.flat().map(s => s.routingKey)).size,
    diameterHops,
    latencyMs: o.latencyMs,
    scavengeBetweenWork: o.scavengeBetweenWork === true,
    samples,
    wallSeconds: (performance.now() - started) / 1000
  }
}

function mean (xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function fmt (n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)
}

/** "median (min–max)" of one field over the samples. */
export function spread (xs: number[], unit = ''): string {
  return `${fmt(median(xs))}${unit} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`
}

function caption (r: ConvergenceReport): string {
  const services = r.services > 0 ? `, ${r.services} services (${r.routingKeys} routing keys)` : ''
  const gc = r.scavengeBetweenWork ? '; young-generation GC between work, uncharged' : ''
  return `${r.routers} routers, ${r.links} links${services}, up to ${r.diameterHops} hops apart, ${r.latencyMs} ms per link${gc}; median (min–max) of ${r.samples['link down'].length} changes each`
}

export function convergenceTable (r: ConvergenceReport): string {
  const lines = [
    caption(r),
    '',
    '| change | all tables agree after | advertisements sent | control bytes sent | per router | tables changed | router CPU, all / busiest |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const kind of CHANGE_KINDS) {
    const s = r.samples[kind]
    if (s.length === 0) continue
    lines.push(`| ${kind} | ${spread(s.map(x => x.convergedMs), ' ms')} | ${spread(s.map(x => x.advertisements))} | ${spread(s.map(x => x.bytes / 1024), ' KiB')} | ${fmt(median(s.map(x => x.bytes / r.routers)))} B | ${fmt(median(s.map(x => x.routersAffected)))} | ${fmt(median(s.map(x => x.cpuMs)))} / ${fmt(median(s.map(x => x.maxRouterCpuMs)))} ms |`)
  }
  return lines.join('\n')
}

/**
 * Where the bytes of a change go (medians). Each new advertisement floods the
 * whole mesh: every router forwards it, once, to all its neighbours but the
 * one it came from, 2·links − routers + 1 copies in all. So flood bytes are
 * (new advertisements) × (their size) × that, and a new link also carries
 * both ends' whole databases.
 */
export function bytesTable (r: ConvergenceReport): string {
  const floodCopies = 2 * r.links - r.routers + 1
  const lines = [
    `Where the control bytes go. A mesh-wide flood of one advertisement takes 2·links − routers + 1 = ${floodCopies} copies here. Medians.`,
    '',
    '| change | changed router: links, advertisement | new advertisements flooded × mean size | flood copies per new advertisement | flood | database exchange | answers to older copies |',
    '|---|---|---|---|---|---|---|'
  ]
  const kib = (b: number): string => `${fmt(b / 1024)} KiB`
  for (const kind of CHANGE_KINDS) {
    const s = r.samples[kind]
    if (s.length === 0) continue
    const m = (f: (x: ChangeSample) => number): number => median(s.map(f))
    const meanAd = m(x => x.originated > 0 ? x.originatedBytes / x.originated : 0)
    lines.push(`| ${kind} | ${fmt(m(x => x.degree))}, ${fmt(m(x => x.adBytes))} B | ${fmt(m(x => x.originated))} × ${fmt(meanAd)} B | ${fmt(m(x => x.originated > 0 ? x.byCause.flood.advertisements / x.originated : 0))} | ${kib(m(x => x.byCause.flood.bytes))} | ${kib(m(x => x.byCause.exchange.bytes))} (${fmt(m(x => x.byCause.exchange.advertisements))} ads) | ${kib(m(x => x.byCause.answer.bytes))} |`)
  }
  return lines.join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const o = optionsFromEnv()
  process.stderr.write(`convergence simulation: ${o.routers} routers, ${o.services ?? 0} services, ${o.latencyMs} ms per link, ${o.changes} changes of each kind\n`)
  runConvergence(o, line => process.stderr.write(line + '\n')).then((report) => {
    process.stdout.write('\n' + convergenceTable(report) + '\n\n' + bytesTable(report) + `\n\n(simulated in ${report.wallSeconds.toFixed(1)} s of wall time)\n`)
    mkdirSync('bench-results', { recursive: true })
    writeFileSync('bench-results/converge.json', JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2) + '\n')
    process.stdout.write('written to bench-results/converge.json\n')
    process.exit(0)
  }, (err: Error) => {
    process.stderr.write(`convergence simulation failed: ${err.stack ?? err.message}\n`)
    process.exit(1)
  })
}
