/**
 * A/B of router settings with fresh processes per trial: `npm run bench:ab`.
 *
 * On this 2-core machine one pair of router processes runs up to 15 % faster
 * or slower than another pair of the same build (which core, which memory),
 * so a single bench run cannot resolve a cost of a few per cent. Here every
 * trial starts a new 1-hop pair per variant, in rotated order, measures each
 * figure on all of them alternately, and stops them; the medians over trials
 * are compared. Variants (AB_VARIANTS, comma-separated; default all four):
 *
 * - `on`: the defaults (resumable tunnels and flow records on);
 * - `resume-off`: timers.resumeTimeoutMs: 0 at both ends;
 * - `records-off`: --flow-ring 0 at both ends;
 * - `baseline`: another checkout's build (AB_BASELINE=DIR, DIR/dist/src/cli/main.js).
 *
 * Figures: throughput (1 and 8 connections), setup p50, connection rate and
 * both routers' CPU per connection, and each router's live heap per held
 * connection (AB_HELD, 3,000, connections held, each after one echo; the heap
 * after a full collection, asked over the inspector: live-heap.ts).
 * AB_TRIALS (3) trials; about 2 minutes per trial with four variants.
 * AB_TRUST=1: every variant's listeners trust only the egress site (`trust=`),
 * as a listener that must not reach another provider is configured.
 */
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { configArgs, Mesh, Site } from '../test/helpers/site.js'
import { connectionRate, median, percentile, setupLatency, throughput } from './load.js'
import { env, processCpu, startWorkloads, waitPipesClosed } from './tools.js'
import { LIVE_HEAP_NODE_ARGS, liveHeapBytes } from './live-heap.js'

const MIB = 1024 * 1024
const TRIALS = env('AB_TRIALS', 3)
const BASELINE = process.env.AB_BASELINE
const HELD = env('AB_HELD', 3000)
const TRUST = process.env.AB_TRUST === '1'
const VARIANTS = (process.env.AB_VARIANTS ?? `on,resume-off,records-off${BASELINE !== undefined ? ',baseline' : ''}`).split(',').map(v => v.trim())

interface Pair { variant: string, ingress: Site, egress: Site, sink: number, echo: number }

const figures = ['throughput 1 conn (MB/s)', 'throughput 8 conn (MB/s)', 'setup p50 (ms)', 'conn/s, 50 clients', 'router CPU per conn (µs)', 'live heap per held conn, listener (B)', 'live heap per held conn, connector (B)'] as const
type Figure = typeof figures[number]
const results = new Map<string, Map<Figure, number[]>>(VARIANTS.map(v => [v, new Map(figures.map(f => [f, []]))]))
const record = (v: string, f: Figure, x: number): void => { results.get(v)?.get(f)?.push(x) }

async function startPair (mesh: Mesh, variant: string, trial: number, workloads: { sink: number, echo: number }): Promise<Pair> {
  const args = ['--log-level', 'warn']
  if (variant === 'resume-off') args.push(...configArgs(mesh, `resume-off-${trial}`, 'timers:\n  resumeTimeoutMs: 0\n'))
  else if (variant === 'records-off') args.push('--flow-ring', '0')
  else if (variant !== 'on' && variant !== 'baseline') throw new Error(`unknown variant ${variant} (on, resume-off, records-off, baseline)`)
  if (variant === 'baseline' && BASELINE === undefined) throw new Error('the baseline variant needs AB_BASELINE=DIR')
  const cli = variant === 'baseline' ? join(BASELINE as string, 'dist/src/cli/main.js') : undefined
  const egress = await Site.start(mesh, `e-${variant}-${trial}`, { cli, nodeArgs: LIVE_HEAP_NODE_ARGS, connectors: [`sink=127.0.0.1:${workloads.sink}`, `echo=127.0.0.1:${workloads.echo}`], args })
  const ingress = await Site.start(mesh, `w-${variant}-${trial}`, { cli, nodeArgs: LIVE_HEAP_NODE_ARGS, links: [await egress.token()], listeners: ['sink=127.0.0.1:0', 'echo=127.0.0.1:0'].map(l => TRUST ? `${l},trust=${egress.name}` : l), args })
  await ingress.waitTargets('echo', [egress.name])
  await ingress.waitTargets('sink', [egress.name])
  const status = await ingress.status()
  return { variant, ingress, egress, sink: ingress.listenerPort('sink', status), echo: ingress.listenerPort('echo', status) }
}

/** Opens `n` connections through the echo listener, each echoing once, holds them while `during` runs, closes them. */
async function holding (port: number, n: number, during: () => Promise<void>): Promise<void> {
  const sockets: Socket[] = []
  try {
    for (let i = 0; i < n; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, n - i) }, async () => {
        const s = connect(port, '127.0.0.1')
        sockets.push(s)
        await once(s, 'connect')
        s.write('x')
        await once(s, 'data')
      }))
    }
    await during()
  } finally {
    for (const s of sockets) s.destroy()
  }
}

async function trial (mesh: Mesh, t: number, workloads: { sink: number, echo: number }): Promise<void> {
  const order = VARIANTS.map((_, i) => VARIANTS[(i + t) % VARIANTS.length])
  const pairs: Pair[] = []
  for (const v of order) pairs.push(await startPair(mesh, v, t, workloads))
  try {
    for (const p of pairs) await throughput(p.sink, 32 * MIB, 1) // warm-up
    for (const p of pairs) await setupLatency(p.echo, 300)
    for (const conns of [1, 8]) {
      for (let r = 0; r < 2; r++) {
        for (const p of pairs) record(p.variant, conns === 1 ? 'throughput 1 conn (MB/s)' : 'throughput 8 conn (MB/s)', await throughput(p.sink, 128 * MIB, conns))
      }
    }
    for (const p of pairs) {
      const times = (await setupLatency(p.echo, 500)).sort((a, b) => a - b)
      record(p.variant, 'setup p50 (ms)', percentile(times, 50))
    }
    for (const p of pairs) {
      const cpu = [processCpu('i', p.ingress.proc?.pid as number), processCpu('e', p.egress.proc?.pid as number)]
      const before = cpu.reduce((n, c) => n + c.seconds(), 0)
      const r = await connectionRate(p.echo, 50, 5)
      record(p.variant, 'conn/s, 50 clients', r.perSecond)
      record(p.variant, 'router CPU per conn (µs)', (cpu.reduce((n, c) => n + c.seconds(), 0) - before) / Math.max(1, r.ok) * 1e6)
      await waitPipesClosed([p.ingress, p.egress])
    }
    for (const p of pairs) {
      const before = await Promise.all([liveHeapBytes(p.ingress), liveHeapBytes(p.egress)])
      await holding(p.echo, HELD, async () => {
        // Acknowledged and idle: the ack delay is 20 ms.
        await new Promise(resolve => setTimeout(resolve, 200))
        const held = await Promise.all([liveHeapBytes(p.ingress), liveHeapBytes(p.egress)])
        record(p.variant, 'live heap per held conn, listener (B)', (held[0] - before[0]) / HELD)
        record(p.variant, 'live heap per held conn, connector (B)', (held[1] - before[1]) / HELD)
      })
      await waitPipesClosed([p.ingress, p.egress])
    }
  } finally {
    await Promise.all(pairs.flatMap(p => [p.ingress.kill(), p.egress.kill()]))
  }
}

async function main (): Promise<void> {
  const mesh = new Mesh()
  const workloads = await startWorkloads()
  try {
    for (let t = 0; t < TRIALS; t++) {
      process.stderr.write(`trial ${t + 1} of ${TRIALS}: ${VARIANTS.map((_, i) => VARIANTS[(i + t) % VARIANTS.length]).join(', ')}\n`)
      await trial(mesh, t, workloads)
    }
  } finally {
    await mesh.stop()
    workloads.proc.kill()
  }
  const fmt = (x: number): string => Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)
  console.log(`A/B over ${TRIALS} trials, fresh processes per trial (median; in brackets, each trial's value)\n`)
  console.log(`| figure | ${VARIANTS.join(' | ')} |`)
  console.log(`|---|${VARIANTS.map(() => '---').join('|')}|`)
  for (const f of figures) {
    const cells = VARIANTS.map(v => {
      const xs = results.get(v)?.get(f) ?? []
      // Per trial: throughput has two runs per trial, the other figures one.
      const perTrial = f.startsWith('throughput') ? Array.from({ length: xs.length / 2 }, (_, i) => (xs[2 * i] + xs[2 * i + 1]) / 2) : xs
      return `${fmt(median(perTrial))} (${perTrial.map(fmt).join(', ')})`
    })
    console.log(`| ${f} | ${cells.join(' | ')} |`)
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1 })
