/**
 * `npm run bench:converge` (also part of `npm run bench`): how fast a mesh of
 * SIM_ROUTERS routers (default 200) agrees on routes after a change, and what
 * the change costs in advertisements and bytes. Runs the real control-plane
 * code on simulated links (see converge-sim.ts).
 *
 * Changes, SIM_CHANGES of each (default 5): a link's cost changes (×5, then
 * back), a link goes down and comes back, a router dies (kill -9) and
 * restarts. Links and routers are picked at random among those whose change
 * moves some route (a change nobody's table sees converges in 0 ms and says
 * nothing) and whose loss keeps the mesh connected.
 * SIM_LATENCY_MS sets every link's one-way delay (default 0.5), SIM_SEED the
 * mesh. Writes bench-results/converge.json when run on its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { ConvergenceSim, geometricMesh, seededRandom, type ChangeResult } from './converge-sim.js'

export interface ConvergenceOptions {
  routers: number
  latencyMs: number
  changes: number
  seed: number
}

export const CHANGE_KINDS = ['link cost change', 'link down', 'link up', 'router down', 'router up'] as const
export type ChangeKind = typeof CHANGE_KINDS[number]

export interface ConvergenceReport {
  routers: number
  links: number
  /** Most hops on any lowest-cost path. */
  diameterHops: number
  latencyMs: number
  samples: Record<ChangeKind, ChangeResult[]>
  wallSeconds: number
}

export function optionsFromEnv (): ConvergenceOptions {
  return {
    routers: Number(process.env.SIM_ROUTERS ?? 200),
    latencyMs: Number(process.env.SIM_LATENCY_MS ?? 0.5),
    changes: Math.max(3, Number(process.env.SIM_CHANGES ?? 5)),
    seed: Number(process.env.SIM_SEED ?? 1)
  }
}

export async function runConvergence (o: ConvergenceOptions, progress: (line: string) => void = () => {}): Promise<ConvergenceReport> {
  const started = performance.now()
  const spec = geometricMesh(o.routers, o.seed)
  const sim = await ConvergenceSim.create(spec, { linkLatencyMs: o.latencyMs })
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
  const samples = Object.fromEntries(CHANGE_KINDS.map(k => [k, [] as ChangeResult[]])) as Record<ChangeKind, ChangeResult[]>
  const record = (kind: ChangeKind, r: ChangeResult): void => {
    samples[kind].push(r)
    progress(`  ${kind}: ${r.convergedMs.toFixed(1)} ms, ${r.advertisements} advertisements, ${r.bytes} bytes, ${r.routersAffected} tables changed`)
  }

  // Warm-up (not counted): the code paths get compiled before anything is timed.
  for (let i = 0; i < 3; i++) {
    const l = pick(sim.upLinks())
    await sim.changeCost(l.a, l.b, l.cost * 5)
    await sim.changeCost(l.a, l.b, l.cost)
  }

  while (samples['link cost change'].length < o.changes) {
    const l = pickWhere(sim.upLinks(), l => sim.tablesChangedBy({ link: l, cost: l.cost * 5 }) > 0)
    record('link cost change', await sim.changeCost(l.a, l.b, l.cost * 5))
    if (samples['link cost change'].length < o.changes) record('link cost change', await sim.changeCost(l.a, l.b, l.cost))
    else await sim.changeCost(l.a, l.b, l.cost)
  }
  for (let i = 0; i < o.changes; i++) {
    const l = pickWhere(sim.upLinks(), l => sim.staysConnected({ link: l }) && sim.tablesChangedBy({ link: l }) > 0)
    record('link down', await sim.linkDown(l.a, l.b))
    record('link up', await sim.linkUp(l.a, l.b, l.cost))
  }
  for (let i = 0; i < o.changes; i++) {
    // Every other table loses the dead router, so any router will do.
    const candidates = Array.from({ length: sim.size }, (_, j) => j).filter(j => sim.isAlive(j) && sim.staysConnected({ router: j }))
    const r = pick(candidates)
    record('router down', await sim.routerDown(r))
    record('router up', await sim.routerUp(r))
  }
  return {
    routers: o.routers,
    links: spec.links.length,
    diameterHops,
    latencyMs: o.latencyMs,
    samples,
    wallSeconds: (performance.now() - started) / 1000
  }
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

export function convergenceTable (r: ConvergenceReport): string {
  const lines = [
    `${r.routers} routers, ${r.links} links, up to ${r.diameterHops} hops apart, ${r.latencyMs} ms per link; median (min–max) of ${r.samples['link down'].length} changes each`,
    '',
    '| change | all tables agree after | advertisements sent | control bytes sent | tables changed | router CPU, all / busiest |',
    '|---|---|---|---|---|---|'
  ]
  for (const kind of CHANGE_KINDS) {
    const s = r.samples[kind]
    if (s.length === 0) continue
    lines.push(`| ${kind} | ${spread(s.map(x => x.convergedMs), ' ms')} | ${spread(s.map(x => x.advertisements))} | ${spread(s.map(x => x.bytes / 1024), ' KiB')} | ${fmt(median(s.map(x => x.routersAffected)))} | ${fmt(median(s.map(x => x.cpuMs)))} / ${fmt(median(s.map(x => x.maxRouterCpuMs)))} ms |`)
  }
  return lines.join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const o = optionsFromEnv()
  process.stderr.write(`convergence simulation: ${o.routers} routers, ${o.latencyMs} ms per link, ${o.changes} changes of each kind\n`)
  runConvergence(o, line => process.stderr.write(line + '\n')).then((report) => {
    process.stdout.write('\n' + convergenceTable(report) + `\n\n(simulated in ${report.wallSeconds.toFixed(1)} s of wall time)\n`)
    mkdirSync('bench-results', { recursive: true })
    writeFileSync('bench-results/converge.json', JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2) + '\n')
    process.stdout.write('written to bench-results/converge.json\n')
    process.exit(0)
  }, (err: Error) => {
    process.stderr.write(`convergence simulation failed: ${err.stack ?? err.message}\n`)
    process.exit(1)
  })
}
