/**
 * `npm run bench`: what portmesh costs against plain loopback TCP, measured in
 * the same run (these machines are shared and noisy, so only ratios travel).
 *
 * Rows: throughput of one connection moving BENCH_MIB MiB one way (direct TCP,
 * socat one hop if installed, portmesh with listener and connector at one site,
 * portmesh over 1 and 2 inter-router hops); connection setup (connect, 1-byte
 * echo, close) over N sequential connections, p50 and p99. Each row is
 * repeated BENCH_RUNS times; the table shows median (min–max) and the ratio to
 * direct TCP. Route computation (Dijkstra over the link-state database) is
 * timed on generated meshes of 100, 1,000 and 10,000 routers.
 * Results also go to bench-results/latest.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { Mesh, Site, freePort } from '../test/helpers/site.js'
import { timeRouteComputation } from './routes.js'

const MIB = 1024 * 1024
const BYTES = Number(process.env.BENCH_MIB ?? 256) * MIB
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const SETUP_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000)

/** Counts what it receives; when the client half-closes, answers with the count. */
async function sinkServer (): Promise<{ server: Server, port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    let n = 0
    s.on('data', (d: Buffer) => { n += d.length })
    s.on('end', () => s.end(`${n}\n`))
    s.on('error', () => {})
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as { port: number }).port }
}

async function echoServer (): Promise<{ server: Server, port: number }> {
  const server = createServer((s) => { s.on('error', () => {}); s.pipe(s) })
  server.on('connection', (s) => s.setNoDelay(true))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as { port: number }).port }
}

/** MB/s for one connection sending BYTES and waiting for the sink's count. */
async function throughput (port: number): Promise<number> {
  const chunk = Buffer.alloc(256 * 1024, 0x5a)
  const started = process.hrtime.bigint()
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
  await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject) })
  let reply = ''
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => { reply += d.toString() })
    s.on('end', resolve)
    s.on('error', reject)
  })
  let sent = 0
  while (sent < BYTES) {
    sent += chunk.length
    if (!s.write(chunk)) await new Promise(resolve => s.once('drain', resolve))
  }
  s.end()
  await done
  s.destroy()
  if (Number(reply.trim()) !== BYTES) throw new Error(`sink got ${reply.trim()} bytes, expected ${BYTES}`)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return BYTES / 1e6 / seconds
}

/** Milliseconds for each of `n` sequential connect → 1-byte echo → close. */
async function setupLatency (port: number, n: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint()
    await new Promise<void>((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', noDelay: true })
      s.once('connect', () => s.write('x'))
      s.once('data', () => { s.destroy(); resolve() })
      s.once('error', reject)
      s.once('close', () => resolve())
    })
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return times
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))]
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function socatAvailable (): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0
}

async function socatHop (targetPort: number): Promise<{ port: number, proc: ChildProcess }> {
  const port = await freePort()
  const proc = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `TCP:127.0.0.1:${targetPort}`], { stdio: 'ignore' })
  // Ready when it accepts a connection.
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => resolve(false))
    })
    if (ok) break
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return { port, proc }
}

interface Row { name: string, runs: number[], unit: string }

async function main (): Promise<void> {
  const sink = await sinkServer()
  const echo = await echoServer()
  const mesh = new Mesh()
  const procs: ChildProcess[] = []
  try {
    process.stderr.write(`portmesh bench: ${BYTES / MIB} MiB per throughput run, ${RUNS} runs, ${SETUP_CONNECTIONS} connections per setup run\n`)
    // east has the workloads; west reaches them over 1 hop, far over 2 hops.
    const east = await Site.start(mesh, 'east', { connectors: [`sink=127.0.0.1:${sink.port}`, `echo=127.0.0.1:${echo.port}`], listeners: ['sink=127.0.0.1:0', 'echo=127.0.0.1:0'], args: ['--log-level', 'warn'] })
    const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: ['sink=127.0.0.1:0', 'echo=127.0.0.1:0'], args: ['--log-level', 'warn'] })
    const far = await Site.start(mesh, 'far', { links: [await west.token()], listeners: ['sink=127.0.0.1:0', 'echo=127.0.0.1:0'], args: ['--log-level', 'warn'] })
    await far.waitTargets('sink', ['east'])
    await far.waitTargets('echo', ['east'])
    const port = async (site: Site, key: string): Promise<number> => site.listenerPort(key, await site.status())

    const paths: Array<{ name: string, sink: number, echo: number }> = [
      { name: 'direct TCP', sink: sink.port, echo: echo.port }
    ]
    if (socatAvailable()) {
      const s1 = await socatHop(sink.port)
      const e1 = await socatHop(echo.port)
      procs.push(s1.proc, e1.proc)
      paths.push({ name: 'socat, 1 hop', sink: s1.port, echo: e1.port })
    } else {
      process.stderr.write('socat not installed (apt-get install socat): skipping the socat row\n')
    }
    paths.push(
      { name: 'portmesh, same site', sink: await port(east, 'sink'), echo: await port(east, 'echo') },
      { name: 'portmesh, 1 hop', sink: await port(west, 'sink'), echo: await port(west, 'echo') },
      { name: 'portmesh, 2 hops', sink: await port(far, 'sink'), echo: await port(far, 'echo') }
    )

    const rows: Row[] = []
    for (const p of paths) {
      await throughput(p.sink) // warm-up
      const runs: number[] = []
      for (let i = 0; i < RUNS; i++) runs.push(await throughput(p.sink))
      rows.push({ name: `throughput, ${p.name}`, runs, unit: 'MB/s' })
      process.stderr.write(`  ${p.name}: ${runs.map(r => r.toFixed(0)).join(', ')} MB/s\n`)
    }
    const setupPaths = paths.filter(p => p.name !== 'portmesh, same site')
    for (const p of setupPaths) {
      await setupLatency(p.echo, 50) // warm-up
      const p50s: number[] = []
      const p99s: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const t = (await setupLatency(p.echo, SETUP_CONNECTIONS)).sort((a, b) => a - b)
        p50s.push(percentile(t, 50))
        p99s.push(percentile(t, 99))
      }
      rows.push({ name: `setup p50, ${p.name}`, runs: p50s, unit: 'ms' }, { name: `setup p99, ${p.name}`, runs: p99s, unit: 'ms' })
      process.stderr.write(`  setup ${p.name}: p50 ${p50s.map(r => r.toFixed(2)).join(', ')} ms\n`)
    }

    for (const n of [100, 1000, 10_000]) {
      rows.push({ name: `route computation, ${n} routers`, runs: timeRouteComputation(n, RUNS), unit: 'ms' })
    }

    const directTp = median(rows[0].runs)
    const directP50 = median(rows.find(r => r.name === 'setup p50, direct TCP')?.runs ?? [0])
    const fmt = (n: number): string => n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)
    const lines = ['| measurement | median (min–max) | vs direct TCP |', '|---|---|---|']
    for (const r of rows) {
      const m = median(r.runs)
      const vs = r.unit === 'MB/s' ? `${(m / directTp).toFixed(2)}×` : r.name.startsWith('setup p50') ? `+${fmt(m - directP50)} ms` : ''
      lines.push(`| ${r.name} | ${fmt(m)} ${r.unit} (${fmt(Math.min(...r.runs))}–${fmt(Math.max(...r.runs))}) | ${vs} |`)
    }
    process.stdout.write('\n' + lines.join('\n') + '\n')
    mkdirSync('bench-results', { recursive: true })
    writeFileSync('bench-results/latest.json', JSON.stringify({ date: new Date().toISOString(), bytesPerRun: BYTES, runs: RUNS, setupConnections: SETUP_CONNECTIONS, rows }, null, 2) + '\n')
    process.stdout.write('\nwritten to bench-results/latest.json\n')
  } finally {
    for (const p of procs) p.kill()
    await mesh.stop()
    sink.server.close()
    echo.server.close()
  }
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
