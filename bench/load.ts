/**
 * The bench's workloads and clients, all in the bench process: a sink and an
 * echo server, bulk transfer over one or several connections, sequential
 * connection setup, and a fixed number of clients opening connections as fast
 * as they are answered.
 */
import { connect, createServer, type Server } from 'node:net'

export interface Workload { server: Server, port: number }

async function listen (server: Server): Promise<Workload> {
  await new Promise<void>(resolve => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve))
  return { server, port: (server.address() as { port: number }).port }
}

/** Counts what it receives; when the client half-closes, answers with the count. */
export async function sinkServer (): Promise<Workload> {
  return await listen(createServer({ allowHalfOpen: true }, (s) => {
    let n = 0
    s.on('data', (d: Buffer) => { n += d.length })
    s.on('end', () => s.end(`${n}\n`))
    s.on('error', () => {})
  }))
}

/** Echoes every byte, without delay. */
export async function echoServer (): Promise<Workload> {
  return await listen(createServer((s) => {
    s.setNoDelay(true)
    s.on('error', () => {})
    s.pipe(s)
  }))
}

const CHUNK = Buffer.alloc(256 * 1024, 0x5a)

/** Sends `bytes` over one connection and waits for the sink's count. */
async function sendToSink (port: number, bytes: number): Promise<void> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
  await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject) })
  let reply = ''
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => { reply += d.toString() })
    s.on('end', resolve)
    s.on('error', reject)
  })
  let sent = 0
  while (sent < bytes) {
    const n = Math.min(CHUNK.length, bytes - sent)
    sent += n
    if (!s.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) await new Promise(resolve => s.once('drain', resolve))
  }
  s.end()
  await done
  s.destroy()
  if (Number(reply.trim()) !== bytes) throw new Error(`sink got ${reply.trim()} bytes, expected ${bytes}`)
}

/** MB/s for `bytes` in all, split evenly over `connections` sending at once. */
export async function throughput (port: number, bytes: number, connections = 1): Promise<number> {
  const each = Math.floor(bytes / connections)
  const started = process.hrtime.bigint()
  await Promise.all(Array.from({ length: connections }, async () => await sendToSink(port, each)))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return each * connections / 1e6 / seconds
}

/** One connect → 1-byte echo → close; resolves with whether the echo came back. */
async function echoOnce (port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const s = connect({ port, host: '127.0.0.1', noDelay: true })
    s.once('connect', () => s.write('x'))
    s.once('data', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
    s.once('close', () => resolve(false))
  })
}

/** Milliseconds for each of `n` sequential connect → 1-byte echo → close. */
export async function setupLatency (port: number, n: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint()
    if (!await echoOnce(port)) throw new Error('a setup connection got no echo')
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return times
}

/** `clients` loops of connect → 1-byte echo → close for `seconds`: echoed connections per second and failures. */
export async function connectionRate (port: number, clients: number, seconds: number): Promise<{ perSecond: number, ok: number, failed: number }> {
  const deadline = performance.now() + seconds * 1000
  let ok = 0
  let failed = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      if (await echoOnce(port)) ok++
      else failed++
    }
  }))
  return { perSecond: ok / ((performance.now() - started) / 1000), ok, failed }
}

export function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))]
}

/** The middle value; of an even count, the mean of the two middle ones (the upper one alone leaned every A/B of 4 or 6 trials towards the first build). */
export function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
