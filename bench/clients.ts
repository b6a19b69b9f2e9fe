/**
 * The clients people run, for the bench's headline rows: iperf3, Redis with
 * redis-benchmark and PostgreSQL with pgbench, all from Debian's packages
 * (`apt-get install iperf3 redis-server redis-tools postgresql`). Nothing here
 * installs anything: a missing package is named and its rows are skipped.
 *
 * Every row runs over each path the bench gives (direct, socat, haproxy,
 * portmesh, skupper-router), the paths interleaved within each run so that a
 * burst of load from elsewhere hits them alike.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../test/helpers/site.js'
import { addCpu, iperf3Run, installed, measureCpu, runToEnd, totalCpu, waitListening, type CpuProbe, type Row } from './tools.js'

const GIB = 1024 ** 3

/** The three servers the clients talk to, by the key the paths use for them. */
export type Service = 'iperf' | 'redis' | 'pg'

export interface ClientPath {
  /** "direct", "socat 1 hop", "portmesh 2 hops", …: the hop count is read from it for the ratios. */
  name: string
  ports: Partial<Record<Service, number>>
  /** The forwarding processes on the path (routers, socat, haproxy): their CPU per GiB or per request. */
  cpu: CpuProbe[]
  forking?: number[]
}

export interface ClientSettings {
  runs: number
  iperfBytes: number
  redisRequests: number
  redisPipelinedRequests: number
  pingRequests: number
  pgSeconds: number
}

export const hasRedis = (): boolean => installed('redis-server', '--version') && installed('redis-benchmark', '--version')

/** A throwaway Redis on loopback: no persistence, so it measures the network path, not the disk. */
export async function startRedis (): Promise<{ port: number, proc: ChildProcess, stop: () => void }> {
  const port = await freePort()
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--daemonize', 'no'], { stdio: 'ignore' })
  await waitListening(port)
  return { port, proc, stop: () => { proc.kill('SIGKILL') } }
}

/** Debian puts the PostgreSQL server binaries outside PATH, one directory per major version. */
function postgresBin (): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter(v => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a))
  return versions.length === 0 ? undefined : join(root, versions[0], 'bin')
}

export const hasPostgres = (): boolean => postgresBin() !== undefined && installed('pgbench', '--version')

/**
 * A throwaway PostgreSQL cluster in a temp dir, initialised for pgbench at
 * scale 10 (1,000,000 accounts, ~150 MB: fits in its buffers, so -S measures
 * round trips). PostgreSQL refuses to run as root: as root it runs as the
 * package's postgres user. fsync off: nothing here needs to survive.
 */
export async function startPostgres (): Promise<{ port: number, pid: () => number, stop: () => Promise<void> }> {
  const bin = postgresBin() as string
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-bench-pg-'))
  const asRoot = process.getuid?.() === 0
  const owner = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }) : undefined
  if (owner !== undefined) {
    if (owner.status !== 0) throw new Error('running as root, and there is no postgres user to run PostgreSQL as (the postgresql package creates it)')
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
    chownSync(dir, Number(owner.stdout.trim()), gid)
  }
  const as = (cmd: string, args: string[]): [string, string[]] => asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  const data = join(dir, 'data')
  await runToEnd(...as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']), 120_000)
  const port = await freePort()
  const [cmd, args] = as(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB'])
  const proc = spawn(cmd, args, { stdio: 'ignore' })
  const postmaster = (): number => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
  const stop = async (): Promise<void> => {
    // SIGINT is PostgreSQL's fast shutdown: it ends the backends and the postmaster.
    try { process.kill(postmaster(), 'SIGINT') } catch {}
    proc.kill('SIGINT')
    if (proc.exitCode === null && proc.signalCode === null) await new Promise(resolve => proc.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitListening(port)
    await runToEnd('pgbench', ['-i', '-s', '10', '-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'postgres'], 300_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { port, pid: postmaster, stop }
}

interface RedisResult { rps: number, p50: number, p99: number }

/** redis-benchmark's own value size (its -d default). */
export const REDIS_DEFAULT_DATA_BYTES = 3

/** One redis-benchmark run: per test (SET, GET, PING_MBULK, …) requests per second and latency p50/p99 in ms. */
export async function redisBenchmark (port: number, tests: string, clients: number, requests: number, pipeline: number, dataBytes = REDIS_DEFAULT_DATA_BYTES): Promise<Record<string, RedisResult>> {
  const out = await runToEnd('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', tests, '-c', String(clients), '-n', String(requests), '-P', String(pipeline), '-d', String(dataBytes), '--csv'], 300_000)
  const lines = out.trim().split('\n').map(l => l.split(',').map(f => f.replace(/^"|"$/g, '')))
  const header = lines[0]
  const col = (name: string): number => { const i = header.indexOf(name); if (i < 0) throw new Error(`redis-benchmark printed no ${name} column: ${out.slice(0, 200)}`); return i }
  const [rps, p50, p99] = [col('rps'), col('p50_latency_ms'), col('p99_latency_ms')]
  const results: Record<string, RedisResult> = {}
  for (const f of lines.slice(1)) results[f[0]] = { rps: Number(f[rps]), p50: Number(f[p50]), p99: Number(f[p99]) }
  return results
}

/** One pgbench run of select-only transactions: transactions per second, with persistent connections or a new one per transaction (-C). */
export async function pgbench (port: number, clients: number, seconds: number, reconnect: boolean): Promise<number> {
  const out = await runToEnd('pgbench', ['-S', '-c', String(clients), '-j', '2', '-T', String(seconds), ...(reconnect ? ['-C'] : []), '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'postgres'], seconds * 1000 + 120_000)
  const m = /tps = ([\d.]+)/.exec(out)
  const failed = /number of failed transactions: (\d+)/.exec(out)
  if (m === null) throw new Error(`pgbench printed no tps: ${out.slice(-300)}`)
  if (failed !== null && Number(failed[1]) > 0) throw new Error(`pgbench: ${failed[1]} failed transactions`)
  return Number(m[1])
}

/** The rows of one measurement, one per path, created on first use and kept in path order. */
class RowSet {
  readonly rows: Row[] = []
  get (name: string, unit: string, note?: string): Row {
    let r = this.rows.find(x => x.name === name)
    if (r === undefined) this.rows.push(r = { name, unit, runs: [], ...(note === undefined ? {} : { note }) })
    return r
  }
}

/**
 * All client rows over all paths. Rows are named "<measurement>, <path>"; the
 * report groups them by measurement into the headline tables.
 */
export async function clientRows (paths: ClientPath[], s: ClientSettings, log: (line: string) => void): Promise<Row[]> {
  const set = new RowSet()
  const each = async (service: Service, fn: (p: ClientPath, port: number) => Promise<void>): Promise<void> => {
    for (const p of paths) {
      const port = p.ports[service]
      if (port === undefined) continue
      try {
        await fn(p, port)
      } catch (err) {
        throw new Error(`${service} through ${p.name} (port ${port}): ${(err as Error).message}`, { cause: err })
      }
    }
  }
  // Warm-up: one short pass over every path (JIT in the routers, PostgreSQL's caches).
  await each('iperf', async (_p, port) => { await iperf3Run(port, 64 * 1024 ** 2, 1) })
  await each('redis', async (_p, port) => { await redisBenchmark(port, 'get', 50, 5000, 1) })
  await each('pg', async (_p, port) => { await pgbench(port, 8, 1, false) })
  for (let i = 0; i < s.runs; i++) {
    log(`  run ${i + 1} of ${s.runs}`)
    for (const streams of [1, 4]) {
      await each('iperf', async (p, port) => {
        const r = set.get(`iperf3 ${streams === 1 ? '1 stream' : `-P ${streams}`}, ${p.name}`, 'Gbit/s')
        const { value, cpu } = await measureCpu(p.cpu, p.forking ?? [], async () => await iperf3Run(port, s.iperfBytes, streams))
        r.runs.push(value.mbps * 8 / 1000)
        addCpu(r, { 'iperf3 client': value.clientCpuS, 'iperf3 server': value.serverCpuS, ...cpu }, s.iperfBytes)
        log(`    ${r.name}: ${(value.mbps * 8 / 1000).toFixed(2)} Gbit/s, forwarders ${(totalCpu(cpu) / (s.iperfBytes / GIB)).toFixed(2)} CPU-s/GiB`)
      })
    }
    for (const pipeline of [1, 16]) {
      await each('redis', async (p, port) => {
        const n = pipeline === 1 ? s.redisRequests : s.redisPipelinedRequests
        const suffix = pipeline === 1 ? '50 clients' : `50 clients -P ${pipeline}`
        const { value, cpu } = await measureCpu(p.cpu, p.forking ?? [], async () => await redisBenchmark(port, 'set,get', 50, n, pipeline))
        for (const t of ['GET', 'SET']) {
          if (value[t] === undefined) throw new Error(`redis-benchmark printed no ${t} row`)
          set.get(`redis ${t} ${suffix}, ${p.name}`, 'req/s').runs.push(value[t].rps)
        }
        if (p.cpu.length > 0) set.get(`redis GET+SET ${suffix}: forwarders' CPU per request, ${p.name}`, 'µs').runs.push(totalCpu(cpu) / (2 * n) * 1e6)
        log(`    redis ${suffix}, ${p.name}: GET ${value.GET.rps.toFixed(0)}/s, SET ${value.SET.rps.toFixed(0)}/s, forwarders ${(totalCpu(cpu) / (2 * n) * 1e6).toFixed(1)} µs CPU per request`)
      })
    }
    await each('redis', async (p, port) => {
      const r = (await redisBenchmark(port, 'ping_mbulk', 1, s.pingRequests, 1)).PING_MBULK
      if (r === undefined) throw new Error('redis-benchmark printed no PING_MBULK row')
      set.get(`redis PING 1 client p50, ${p.name}`, 'ms').runs.push(r.p50)
      set.get(`redis PING 1 client p99, ${p.name}`, 'ms').runs.push(r.p99)
      log(`    redis PING 1 client, ${p.name}: p50 ${r.p50} ms, p99 ${r.p99} ms`)
    })
    for (const reconnect of [false, true]) {
      await each('pg', async (p, port) => {
        const tps = await pgbench(port, 8, s.pgSeconds, reconnect)
        set.get(`pgbench -S${reconnect ? ' -C' : ''} 8 clients, ${p.name}`, 'tps').runs.push(tps)
        log(`    pgbench -S${reconnect ? ' -C' : ''}, ${p.name}: ${tps.toFixed(0)} tps`)
      })
    }
  }
  return set.rows
}
