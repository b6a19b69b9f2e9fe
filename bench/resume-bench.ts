/**
 * `npm run bench:resume`: what the resumable layer (src/net/resume.ts) costs
 * in throughput, through the real resumableEndpoint over loopback sockets.
 * Both rows are the same pipe in one process,
 *
 *   client ─► splice ─► path socket pair ─► splice ─► workload
 *
 * once with the path sockets as plain socketEndpoints and once wrapped in
 * resumableEndpoint at both ends (framing, retained bytes, acknowledgements),
 * alternated run by run. Not part of npm test; run it on an idle machine
 * (`cat /proc/loadavg`). RESUME_BENCH_MIB, RESUME_BENCH_RUNS change its size.
 */
import { connect, createServer, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { resumableEndpoint, type ResumableEndpoint } from '../src/net/resume.js'
import { socketEndpoint, splice, type Endpoint } from '../src/net/splice.js'

const MIB = Number(process.env.RESUME_BENCH_MIB ?? 128)
const RUNS = Number(process.env.RESUME_BENCH_RUNS ?? 3)

async function socketPair (): Promise<[Socket, Socket]> {
  const server = createServer({ allowHalfOpen: true, noDelay: true })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
  const a = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true, noDelay: true })
  await new Promise<void>((resolve) => a.once('connect', resolve))
  const b = await accepted
  server.close()
  return [a, b]
}

interface Run { mbPerSecond: number, cpuSecondsPerGiB: number, maxBuffered: number }

async function run (resumable: boolean): Promise<Run> {
  const [client, ingressApp] = await socketPair()
  const [pathA, pathB] = await socketPair()
  const [destinationApp, workload] = await socketPair()
  let a: Endpoint = socketEndpoint(pathA, 'path a')
  let b: Endpoint = socketEndpoint(pathB, 'path b')
  const layers: ResumableEndpoint[] = []
  if (resumable) {
    layers.push(resumableEndpoint(a), resumableEndpoint(b))
    a = layers[0]
    b = layers[1]
  }
  let maxBuffered = 0
  const sample = (): void => { for (const l of layers) maxBuffered = Math.max(maxBuffered, l.bufferedBytes) }
  const pipes = Promise.all([
    splice(socketEndpoint(ingressApp, 'client'), a, { onBytes: sample }),
    splice(b, socketEndpoint(destinationApp, 'workload'))
  ])
  const total = MIB * 1024 * 1024
  const block = randomBytes(64 * 1024)
  let received = 0
  client.resume()
  const clientEnded = new Promise((resolve) => client.once('end', resolve))
  const done = new Promise<void>((resolve) => {
    workload.on('data', (c: Buffer) => { received += c.length })
    workload.once('end', resolve)
  })
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  for (let sent = 0; sent < total; sent += block.length) {
    // A fresh buffer per write, as a socket read gives: the layer keeps references until acknowledged.
    if (!client.write(Buffer.from(block))) await new Promise((resolve) => client.once('drain', resolve))
  }
  client.end()
  await done
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  workload.end()
  const [results] = await Promise.all([pipes, clientEnded])
  for (const r of results) if (r.resetReason !== undefined) throw new Error(`pipe reset: ${r.resetReason}`)
  if (received !== total) throw new Error(`received ${received} of ${total} bytes`)
  for (const s of [client, ingressApp, pathA, pathB, destinationApp, workload]) s.destroy()
  return { mbPerSecond: total / 1e6 / seconds, cpuSecondsPerGiB: (cpu.user + cpu.system) / 1e6 / (total / 2 ** 30), maxBuffered }
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]

console.log(`node ${process.version}; ${MIB} MiB one way per run, ${RUNS} runs each, alternated; one process (client, both ends, workload)`)
await run(false) // warm-up, both paths
await run(true)
const plain: Run[] = []
const layered: Run[] = []
for (let i = 0; i < RUNS; i++) {
  plain.push(await run(false))
  layered.push(await run(true))
}
const row = (name: string, runs: Run[]): string =>
  `${name}: ${median(runs.map(r => r.mbPerSecond)).toFixed(0)} MB/s (${runs.map(r => r.mbPerSecond.toFixed(0)).join(', ')}), ${median(runs.map(r => r.cpuSecondsPerGiB)).toFixed(2)} CPU-s/GiB`
console.log(row('plain sockets      ', plain))
console.log(row('resumable both ends', layered) + `, at most ${(Math.max(...layered.map(r => r.maxBuffered)) / 1024).toFixed(0)} KiB held per end`)
const ratio = median(layered.map(r => r.mbPerSecond)) / median(plain.map(r => r.mbPerSecond))
console.log(`throughput through the layer: ${(ratio * 100).toFixed(1)} % of without (cost ${((1 - ratio) * 100).toFixed(1)} %)`)

// Memory of an idle tunnel end (started, its one write acknowledged): V8 heap after a forced collection, per end.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const IDLE_ENDS = 20_000
const idleEnd = (): Endpoint => ({ label: 'idle path', start () {}, write: () => true, onDrain () {}, pause () {}, resume () {}, end () {}, reset () {} })
const quietSink = { data () {}, end () {}, reset () {}, closed () {} }
const heapPerEnd = (make: () => unknown): number => {
  gc(); gc()
  const before = process.memoryUsage().heapUsed
  const kept = Array.from({ length: IDLE_ENDS }, make)
  gc(); gc()
  const per = (process.memoryUsage().heapUsed - before) / kept.length
  kept.length = 0
  return per
}
const bare = heapPerEnd(idleEnd)
const wrapped = heapPerEnd(() => { const l = resumableEndpoint(idleEnd(), {}); l.start(quietSink); return l })
console.log(`heap per idle tunnel end (${IDLE_ENDS} kept, forced GC): the resumable layer ${(wrapped - bare).toFixed(0)} B over a bare endpoint object of ${bare.toFixed(0)} B`)
