/**
 * A/B of two builds with the clients people run: `AB_BASELINE=DIR npm run bench:ab-clients`.
 *
 * One pair of router processes runs up to 15 % off another pair of the same
 * build on this 2-core machine (see ab.ts), so every trial starts a fresh
 * 1-hop pair for each build (this checkout, and DIR/dist/src/cli/main.js), in
 * rotated order, and measures each figure on both alternately. Figures:
 * iperf3 one stream (AB_IPERF_MIB, 1024, per run) with both routers' CPU per
 * GiB, and redis-benchmark GET+SET with 50 clients (AB_REDIS_N, 50,000
 * requests each) unpipelined and -P 16, with both routers' CPU per request,
 * values of AB_REDIS_DATA bytes (3, redis-benchmark's default; 800 or 2,000
 * put each SET request and GET reply in one Noise message of about that size),
 * and redis PING with one client (AB_REDIS_N / 2 requests): latency p50 and p99.
 * AB_TRIALS (5) trials; under a minute per trial. Needs iperf3, redis-server
 * and redis-tools (apt-get install iperf3 redis-server redis-tools).
 */
import { join } from 'node:path'
import { Mesh, Site } from '../test/helpers/site.js'
import { hasRedis, REDIS_DEFAULT_DATA_BYTES, redisBenchmark, startRedis } from './clients.js'
import { median } from './load.js'
import { env, installed, iperf3Run, iperf3Server, measureCpu, processCpu, totalCpu } from './tools.js'

const MIB = 1024 * 1024
const TRIALS = env('AB_TRIALS', 5)
const IPERF_BYTES = env('AB_IPERF_MIB', 1024) * MIB
const REDIS_N = env('AB_REDIS_N', 50_000)
const REDIS_DATA = env('AB_REDIS_DATA', REDIS_DEFAULT_DATA_BYTES)
const BASELINE = process.env.AB_BASELINE

const figures = ['iperf3 1 stream (Gbit/s)', 'iperf3: both routers CPU-s/GiB', 'redis GET 50 clients (req/s)', 'redis SET 50 clients (req/s)', 'redis 50 clients: both routers µs/request', 'redis GET 50 clients -P 16 (req/s)', 'redis -P 16: both routers µs/request', 'redis PING 1 client p50 (ms)', 'redis PING 1 client p99 (ms)'] as const
type Figure = typeof figures[number]
const log = (line: string): void => { process.stderr.write(line + '\n') }

async function main (): Promise<void> {
  if (BASELINE === undefined) throw new Error('AB_BASELINE=DIR names the other checkout (its dist/src/cli/main.js is run as the baseline)')
  if (!installed('iperf3', '-v') || !hasRedis()) throw new Error('needs iperf3, redis-server and redis-benchmark: apt-get install iperf3 redis-server redis-tools')
  const builds = [{ name: 'this build', cli: undefined }, { name: 'baseline', cli: join(BASELINE, 'dist/src/cli/main.js') }]
  const results = new Map(builds.map(b => [b.name, new Map(figures.map(f => [f, [] as number[]]))]))
  const iperf = await iperf3Server()
  const redis = await startRedis()
  const mesh = new Mesh()
  try {
    for (let t = 0; t < TRIALS; t++) {
      const order = t % 2 === 0 ? builds : [...builds].reverse()
      const pairs = []
      for (const b of order) {
        const quiet = ['--log-level', 'warn']
        const east = await Site.start(mesh, `east-${t}-${b.name.replace(' ', '-')}`, { cli: b.cli, connectors: [`iperf=127.0.0.1:${iperf.port}`, `redis=127.0.0.1:${redis.port}`], args: quiet })
        const west = await Site.start(mesh, `west-${t}-${b.name.replace(' ', '-')}`, { cli: b.cli, links: [await east.token()], listeners: ['iperf=127.0.0.1:0', 'redis=127.0.0.1:0'], args: quiet })
        await west.waitTargets('redis', [east.name])
        await west.waitTargets('iperf', [east.name])
        const status = await west.status()
        pairs.push({ build: b.name, east, west, iperf: west.listenerPort('iperf', status), redis: west.listenerPort('redis', status), cpu: [processCpu('ingress', west.proc?.pid as number), processCpu('egress', east.proc?.pid as number)] })
      }
      for (const p of pairs) { await iperf3Run(p.iperf, 64 * MIB, 1); await redisBenchmark(p.redis, 'get', 50, 5000, 1, REDIS_DATA) } // warm-up
      const add = (build: string, f: Figure, v: number): void => { results.get(build)?.get(f)?.push(v) }
      for (const p of pairs) {
        const { value, cpu } = await measureCpu(p.cpu, [], async () => await iperf3Run(p.iperf, IPERF_BYTES, 1))
        add(p.build, 'iperf3 1 stream (Gbit/s)', value.mbps * 8 / 1000)
        add(p.build, 'iperf3: both routers CPU-s/GiB', totalCpu(cpu) / (IPERF_BYTES / 1024 / MIB))
      }
      for (const pipeline of [1, 16]) {
        for (const p of pairs) {
          const n = REDIS_N * (pipeline === 1 ? 1 : 10)
          const { value, cpu } = await measureCpu(p.cpu, [], async () => await redisBenchmark(p.redis, 'set,get', 50, n, pipeline, REDIS_DATA))
          if (pipeline === 1) {
            add(p.build, 'redis GET 50 clients (req/s)', value.GET.rps)
            add(p.build, 'redis SET 50 clients (req/s)', value.SET.rps)
            add(p.build, 'redis 50 clients: both routers µs/request', totalCpu(cpu) / (2 * n) * 1e6)
          } else {
            add(p.build, 'redis GET 50 clients -P 16 (req/s)', value.GET.rps)
            add(p.build, 'redis -P 16: both routers µs/request', totalCpu(cpu) / (2 * n) * 1e6)
          }
        }
      }
      for (const p of pairs) {
        const ping = (await redisBenchmark(p.redis, 'ping_mbulk', 1, REDIS_N / 2, 1)).PING_MBULK
        if (ping === undefined) throw new Error('redis-benchmark printed no PING_MBULK row')
        add(p.build, 'redis PING 1 client p50 (ms)', ping.p50)
        add(p.build, 'redis PING 1 client p99 (ms)', ping.p99)
      }
      log(`trial ${t + 1} of ${TRIALS}: ` + builds.map(b => `${b.name}: ${figures.map(f => (results.get(b.name)?.get(f)?.at(-1) ?? NaN).toFixed(2)).join(' / ')}`).join('; '))
      for (const p of pairs) { await p.west.stop(); await p.east.stop() }
    }
  } finally {
    iperf.proc.kill()
    redis.stop()
    await mesh.stop()
  }
  const fmt = (xs: number[]): string => `${median(xs).toFixed(2)} (${xs.map(x => x.toFixed(2)).join(', ')})`
  // The range beside the median: on this 2-core VM one trial's ratio can be 20 % off the next, and a change inside that range is not shown by the median alone.
  const lines = ['| figure | this build | baseline | this / baseline, median of per-trial ratios (their range) |', '|---|---|---|---|']
  for (const f of figures) {
    const a = results.get('this build')?.get(f) ?? []
    const b = results.get('baseline')?.get(f) ?? []
    const ratios = a.map((x, i) => x / b[i])
    lines.push(`| ${f} | ${fmt(a)} | ${fmt(b)} | ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`)
  }
  process.stdout.write(`${TRIALS} trials, redis values of ${REDIS_DATA} bytes\n` + lines.join('\n') + '\n')
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench:ab-clients failed: ${err.message}\n`)
  process.exit(1)
})
