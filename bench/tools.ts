/**
 * What the bench measures with besides portmesh: socat, haproxy and iperf3
 * (used when installed, never installed by the bench), and the per-process
 * CPU and memory readings from /proc.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, type Site } from '../test/helpers/site.js'
import { waitFor } from '../test/helpers/wait.js'

/** A numeric setting from the environment (BENCH_RUNS=5 …), or its default. */
export const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback)

export function installed (command: string, versionFlag = '-v'): boolean {
  return spawnSync(command, [versionFlag], { stdio: 'ignore' }).status === 0
}

export function versionOf (command: string, flag: string): string {
  const r = spawnSync(command, [flag], { encoding: 'utf8' })
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find(l => l.trim() !== '')?.trim() ?? ''
}

/** Resolves once something accepts TCP connections on the port (gives up after ~5 s). */
export async function waitListening (port: number): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error(`nothing listens on port ${port}`)
}

/** A forwarding process in front of a port. */
export interface Hop { port: number, proc: ChildProcess }

/**
 * socat forking one child per connection, as it is usually run. `-t 10`:
 * after one side half-closes socat waits only 0.5 s (its default) for the
 * other side before closing, which under load cut off the sink's reply
 * behind two socat hops.
 */
export async function socatHop (targetPort: number): Promise<Hop> {
  const port = await freePort()
  const proc = spawn('socat', ['-t', '10', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,backlog=4096`, `TCP:127.0.0.1:${targetPort}`], { stdio: 'ignore' })
  await waitListening(port)
  return { port, proc }
}

/**
 * haproxy in TCP mode with one frontend per target, configured in a temp dir,
 * in the foreground (-db); its default thread count (one per CPU).
 */
export async function haproxyHops (targets: Record<string, number>): Promise<{ proc: ChildProcess, ports: Record<string, number>, stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-bench-haproxy-'))
  const ports: Record<string, number> = {}
  const sections: string[] = []
  for (const [name, target] of Object.entries(targets)) {
    ports[name] = await freePort()
    sections.push(`frontend f_${name}\n    bind 127.0.0.1:${ports[name]}\n    default_backend b_${name}\n\nbackend b_${name}\n    server s1 127.0.0.1:${target}\n`)
  }
  const config = [
    // Each connection takes two fds; haproxy refuses to start when maxconn does not fit the fd limit (20,000 here).
    'global\n    maxconn 9000\n',
    'defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 120s\n    timeout server 120s\n',
    ...sections
  ].join('\n')
  const file = join(dir, 'haproxy.cfg')
  writeFileSync(file, config)
  const check = spawnSync('haproxy', ['-c', '-q', '-f', file], { encoding: 'utf8' })
  if (check.status !== 0) throw new Error(`haproxy rejected its config: ${check.stderr}`)
  const proc = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000) })
  try {
    for (const port of Object.values(ports)) await waitListening(port)
  } catch (err) {
    proc.kill()
    throw new Error(`haproxy did not start: ${stderr.trim()}`, { cause: err })
  }
  return { proc, ports, stop: () => { proc.kill(); rmSync(dir, { recursive: true, force: true }) } }
}

/** An iperf3 server (one test at a time). */
export async function iperf3Server (): Promise<{ port: number, proc: ChildProcess }> {
  const port = await freePort()
  const proc = spawn('iperf3', ['-s', '-p', String(port), '-B', '127.0.0.1'], { stdio: 'ignore' })
  await waitListening(port)
  return { port, proc }
}

/** Runs a command to its end (killed after timeoutMs): its stdout, or an error with the end of its output. */
export async function runToEnd (cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.on('data', (d: Buffer) => { out += d.toString() })
    p.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000) })
    // redis-benchmark retries a refused connection forever: the timeout is what ends a broken path.
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs)
    p.once('error', reject)
    p.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${cmd} ${args.join(' ')} ${signal === 'SIGKILL' ? `killed after ${timeoutMs / 1000} s` : `exited with ${code}`}: ${(err || out).trim().slice(-500)}`))
    })
  })
}

interface Iperf3Report { error?: string, end: { sum_received?: { bytes: number, seconds: number }, cpu_utilization_percent: { host_total: number, remote_total: number } } }

/** How often, 250 ms apart, a run is tried again while iperf3's one-test server says it is busy. */
const IPERF3_BUSY_TRIES = 20

/**
 * One iperf3 client run of `bytes` to the port: MB/s and the CPU seconds
 * client and server used (iperf3's own figures). iperf3 -J reports some
 * failures in its JSON and exits 0; they are thrown. "The server is busy" is
 * tried again (up to 5 s): a connection that opened and closed without a test
 * holds the one-test server for a moment, and skupper-router's readiness
 * check (skrouter.ts) carries one such connection to every backend.
 */
export async function iperf3Run (port: number, bytes: number, streams: number): Promise<{ mbps: number, clientCpuS: number, serverCpuS: number }> {
  let r: Iperf3Report | undefined
  for (let tries = 1; ; tries++) {
    r = JSON.parse(await runToEnd('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-n', String(bytes), '-P', String(streams), '-J'], 300_000)) as Iperf3Report
    if (r.error?.includes('server is busy') !== true || tries === IPERF3_BUSY_TRIES) break
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  if (r.error !== undefined || r.end?.sum_received === undefined) throw new Error(`iperf3 through port ${port}, ${streams} stream(s): ${r.error ?? 'no sum_received in its report'}`)
  const seconds = r.end.sum_received.seconds
  return {
    mbps: r.end.sum_received.bytes / 1e6 / seconds,
    clientCpuS: r.end.cpu_utilization_percent.host_total / 100 * seconds,
    serverCpuS: r.end.cpu_utilization_percent.remote_total / 100 * seconds
  }
}

/** One measurement over BENCH_RUNS runs. */
export interface Row {
  name: string
  unit: string
  runs: number[]
  /** CPU seconds per GiB moved, per process, one value per run. */
  cpuPerGiB?: Record<string, number[]>
  note?: string
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim() ?? '') || 100

/** A process whose CPU time is read before and after each measurement. */
export interface CpuProbe { label: string, seconds: () => number }

/**
 * User + system CPU seconds of a process from /proc/PID/stat, including its
 * children that have exited and been waited for (socat's per-connection forks).
 */
export function processCpu (label: string, pid: number): CpuProbe {
  return {
    label,
    seconds: () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // Fields 14–17 of stat (utime, stime, cutime, cstime); the slice starts at field 3.
      return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS
    }
  }
}

/** This process (the bench's clients and sink servers). */
export function selfCpu (label: string): CpuProbe {
  return { label, seconds: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 } }
}

/** Waits (up to 2 s) until a forking server has reaped its per-connection children, so their CPU is counted. */
export async function childrenReaped (pid: number): Promise<void> {
  const file = `/proc/${pid}/task/${pid}/children`
  for (let i = 0; i < 100; i++) {
    const children = existsSync(file)
      ? readFileSync(file, 'utf8').trim()
      : (spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' }).stdout ?? '').trim()
    if (children === '') return
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** Resident memory of a process in bytes (VmRSS). */
export function rssBytes (pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1]) * 1024
}

/** Starts the sink and echo servers in their own process (see workloads.ts). */
export async function startWorkloads (): Promise<{ sink: number, echo: number, proc: ChildProcess }> {
  const proc = spawn(process.execPath, [fileURLToPath(new URL('./workloads.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] })
  const ports = await new Promise<{ sink: number, echo: number }>((resolve, reject) => {
    let out = ''
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))))
    })
    proc.once('exit', (code) => reject(new Error(`workloads exited with ${code}`)))
  })
  return { ...ports, proc }
}

/** Waits until the routers carry no open pipes (the previous measurement's connections are all closed). */
export async function waitPipesClosed (sites: Site[]): Promise<void> {
  await waitFor('open pipes back to 0', async () => (await Promise.all(sites.map(async s => (await s.status()).openPipes))).every(n => n === 0), 60_000, 200)
}

/** CPU seconds each probed process used while fn ran (forking servers' children reaped first, so theirs counts), and fn's wall-clock seconds. */
export async function measureCpu<T> (probes: CpuProbe[], forking: number[], fn: () => Promise<T>): Promise<{ value: T, cpu: Record<string, number>, wallSeconds: number }> {
  const before = probes.map(p => p.seconds())
  const started = performance.now()
  const value = await fn()
  const wallSeconds = (performance.now() - started) / 1000
  for (const pid of forking) await childrenReaped(pid)
  const cpu: Record<string, number> = {}
  probes.forEach((p, i) => { cpu[p.label] = p.seconds() - before[i] })
  return { value, cpu, wallSeconds }
}

/** Adds one run's CPU seconds per process to the row, as seconds per GiB of `bytes` moved. */
export function addCpu (r: Row, cpu: Record<string, number>, bytes: number): void {
  r.cpuPerGiB ??= {}
  for (const [label, s] of Object.entries(cpu)) (r.cpuPerGiB[label] ??= []).push(s / (bytes / 1024 ** 3))
}

/** The CPU seconds of all processes in one measureCpu reading. */
export const totalCpu = (cpu: Record<string, number>): number => Object.values(cpu).reduce((a, b) => a + b, 0)
