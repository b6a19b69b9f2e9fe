/**
 * `npm run bench:workers`: `workers: 1` against `workers: N` (WORKERS_N,
 * default 2), in the same run, with the clients people run. Every trial
 * (WORKERS_TRIALS, 4) starts fresh sites per setting, in alternating order,
 * and measures each figure on both: one site alone (listener and connector
 * together, no link: the machine's only forwarder) with iperf3 -P 8; then one
 * hop (workers at both sites) with iperf3 with 8 streams and with 1
 * (WORKERS_IPERF_MIB, 1024, per run) and
 * redis-benchmark GET with 50 clients (WORKERS_REDIS_N, 100,000). For each:
 * the rate, both sites' CPU per GiB or per request (every process of a site:
 * router and workers), and the ingress site's CPU as cores (CPU seconds over
 * wall seconds): above 1.0 is more than one core.
 *
 * A one-hop run here puts both sites, the client and the server on the same
 * machine; on one with 2 cores the four compete for them, so what this shows
 * is whether a site spreads its work (its cores figure), not what a site
 * gains on a machine of its own. Needs iperf3, redis-server and redis-tools.
 */
import { Mesh, Site } from '../test/helpers/site.js'
import { hasRedis, redisBenchmark, startRedis } from './clients.js'
import { median } from './load.js'
import { env, installed, iperf3Run, iperf3Server, measureCpu, processCpu, totalCpu, type CpuProbe } from './tools.js'

const MIB = 1024 * 1024
const TRIALS = env('WORKERS_TRIALS', 4)
const N = env('WORKERS_N', 2)
const IPERF_BYTES = env('WORKERS_IPERF_MIB', 1024) * MIB
const REDIS_N = env('WORKERS_REDIS_N', 100_000)
const log = (line: string): void => { process.stderr.write(line + '\n') }

type Figure = 'one site, iperf3 -P 8 (Gbit/s)' | 'one site, iperf3 -P 8: its CPU-s/GiB' | 'one site, iperf3 -P 8: its cores' | 'iperf3 -P 8 (Gbit/s)' | 'iperf3 -P 8: both sites CPU-s/GiB' | 'iperf3 -P 8: ingress site cores' |
'iperf3 1 stream (Gbit/s)' | 'iperf3 1 stream: both sites CPU-s/GiB' | 'iperf3 1 stream: ingress site cores' |
'redis GET 50 clients (req/s)' | 'redis: both sites µs/request' | 'redis: ingress site cores'
const figures: Figure[] = ['one site, iperf3 -P 8 (Gbit/s)', 'one site, iperf3 -P 8: its CPU-s/GiB', 'one site, iperf3 -P 8: its cores', 'iperf3 -P 8 (Gbit/s)', 'iperf3 -P 8: both sites CPU-s/GiB', 'iperf3 -P 8: ingress site cores', 'iperf3 1 stream (Gbit/s)', 'iperf3 1 stream: both sites CPU-s/GiB', 'iperf3 1 stream: ingress site cores', 'redis GET 50 clients (req/s)', 'redis: both sites µs/request', 'redis: ingress site cores']

/** CPU seconds of the probed processes whose label starts with `prefix`. */
const cpuOf = (cpu: Record<string, number>, prefix: string): number => Object.entries(cpu).reduce((n, [label, s]) => label.startsWith(prefix) ? n + s : n, 0)

/** Every process of a site: its router and its workers (from its status). */
async function siteProbes (site: Site, label: string): Promise<CpuProbe[]> {
  const s = await site.status()
  return [processCpu(`${label} router`, site.proc?.pid as number), ...s.workers.map(w => processCpu(`${label} worker ${w.index}`, w.pid as number))]
}

async function main (): Promise<void> {
  if (!installed('iperf3', '-v') || !hasRedis()) throw new Error('needs iperf3, redis-server and redis-benchmark: apt-get install iperf3 redis-server redis-tools')
  const settings = [1, N]
  const results = new Map(settings.map(w => [w, new Map(figures.map(f => [f, [] as number[]]))]))
  const add = (w: number, f: Figure, v: number): void => { results.get(w)?.get(f)?.push(v) }
  const iperf = await iperf3Server()
  const redis = await startRedis()
  const mesh = new Mesh()
  try {
    for (let t = 0; t < TRIALS; t++) {
      for (const w of t % 2 === 0 ? settings : [...settings].reverse()) {
        const east = await Site.start(mesh, `east-${t}-${w}`, { workers: w, connectors: [`iperf=127.0.0.1:${iperf.port}`, `redis=127.0.0.1:${redis.port}`], args: ['--log-level', 'warn'] })
        const west = await Site.start(mesh, `west-${t}-${w}`, { workers: w, links: [await east.token()], listeners: ['iperf=127.0.0.1:0', 'redis=127.0.0.1:0'], args: ['--log-level', 'warn'] })
        // One site alone, listener and connector together: no link, so it is the only forwarder on the machine.
        const alone = await Site.start(mesh, `alone-${t}-${w}`, { workers: w, connectors: [`iperf=127.0.0.1:${iperf.port}`], listeners: ['iperf=127.0.0.1:0'], args: ['--log-level', 'warn'] })
        try {
          await west.waitTargets('iperf', [east.name])
          if (w > 1) await west.waitStatus('east\'s workers known', s => s.routers.find(r => r.site === east.name)?.workers === w - 1)
          const status = await west.status()
          const ingress = await siteProbes(west, 'ingress')
          const egress = await siteProbes(east, 'egress')
          {
            const local = await siteProbes(alone, 'alone')
            const localPort = alone.listenerPort('iperf', await alone.status())
            await iperf3Run(localPort, 64 * MIB, 8)
            const { value, cpu, wallSeconds } = await measureCpu(local, [], async () => await iperf3Run(localPort, IPERF_BYTES, 8))
            add(w, 'one site, iperf3 -P 8 (Gbit/s)', value.mbps * 8 / 1000)
            add(w, 'one site, iperf3 -P 8: its CPU-s/GiB', totalCpu(cpu) / (IPERF_BYTES / 1024 / MIB))
            add(w, 'one site, iperf3 -P 8: its cores', totalCpu(cpu) / wallSeconds)
          }
          const iperfPort = west.listenerPort('iperf', status)
          const redisPort = west.listenerPort('redis', status)
          await iperf3Run(iperfPort, 64 * MIB, 8)
          for (const streams of [8, 1]) {
            const { value, cpu, wallSeconds } = await measureCpu([...ingress, ...egress], [], async () => await iperf3Run(iperfPort, IPERF_BYTES, streams))
            const name = streams === 8 ? 'iperf3 -P 8' : 'iperf3 1 stream'
            add(w, `${name} (Gbit/s)` as Figure, value.mbps * 8 / 1000)
            add(w, `${name}: both sites CPU-s/GiB` as Figure, totalCpu(cpu) / (IPERF_BYTES / 1024 / MIB))
            add(w, `${name}: ingress site cores` as Figure, cpuOf(cpu, 'ingress') / wallSeconds)
          }
          await redisBenchmark(redisPort, 'get', 50, 5000, 1)
          const { value, cpu, wallSeconds } = await measureCpu([...ingress, ...egress], [], async () => await redisBenchmark(redisPort, 'get', 50, REDIS_N, 1))
          add(w, 'redis GET 50 clients (req/s)', value.GET.rps)
          add(w, 'redis: both sites µs/request', totalCpu(cpu) / REDIS_N * 1e6)
          add(w, 'redis: ingress site cores', cpuOf(cpu, 'ingress') / wallSeconds)
          log(`trial ${t + 1} of ${TRIALS}, workers ${w}: ` + figures.map(f => (results.get(w)?.get(f)?.at(-1) ?? NaN).toFixed(2)).join(' / '))
        } finally {
          await west.stop()
          await east.stop()
          await alone.stop()
        }
      }
    }
  } finally {
    await mesh.stop()
    iperf.proc.kill()
    redis.stop()
  }
  const fmt = (v: number): string => v >= 100 ? v.toFixed(0) : v.toFixed(2)
  const lines = [`${TRIALS} trials, one hop, workers: 1 and ${N} at both sites; medians (each trial's value)`, `| figure | workers: 1 | workers: ${N} | ${N} / 1 |`, '|---|---|---|---|']
  for (const f of figures) {
    const one = results.get(1)?.get(f) ?? []
    const many = results.get(N)?.get(f) ?? []
    lines.push(`| ${f} | ${fmt(median(one))} (${one.map(fmt).join(', ')}) | ${fmt(median(many))} (${many.map(fmt).join(', ')}) | ${(median(many) / median(one)).toFixed(2)} |`)
  }
  process.stdout.write(lines.join('\n') + '\n')
}

await main()
