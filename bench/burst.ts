/**
 * `npm run bench:burst`: BURST_N (5,000) clients connect at once through one
 * hop (and, for comparison, straight to the echo server), each sends a byte
 * and waits up to 15 s for its echo. Prints how many were echoed, when the
 * last one was, and what failed. The clients run in this process, so it needs
 * a file-descriptor limit above BURST_N (`ulimit -n`). `nstat` (iproute2)
 * around a run shows the listen-queue overflows (TcpExtListenDrops).
 */
import { connect } from 'node:net'
import { Mesh, Site } from '../test/helpers/site.js'
import { startWorkloads } from './tools.js'

const N = Number(process.env.BURST_N ?? 5000)
const TIMEOUT_MS = 15_000

async function burst (port: number): Promise<string> {
  const started = performance.now()
  const results = await Promise.all(Array.from({ length: N }, async () => await new Promise<number | string>((resolve) => {
    const t0 = performance.now()
    const s = connect({ port, host: '127.0.0.1' })
    const timer = setTimeout(() => { s.destroy(); resolve('no echo within 15 s') }, TIMEOUT_MS)
    s.once('connect', () => s.write('x'))
    s.once('data', () => { clearTimeout(timer); s.destroy(); resolve(performance.now() - t0) })
    s.once('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); resolve(e.code ?? e.message) })
    s.once('close', () => { clearTimeout(timer); resolve('closed without an echo') })
  })))
  const ok = results.filter((r): r is number => typeof r === 'number').sort((a, b) => a - b)
  const failed = new Map<string, number>()
  for (const r of results) if (typeof r === 'string') failed.set(r, (failed.get(r) ?? 0) + 1)
  const ms = (x: number | undefined): string => x === undefined ? '-' : `${(x / 1000).toFixed(2)} s`
  return `${ok.length} of ${N} echoed; p50 ${ms(ok[Math.floor(ok.length / 2)])}, last ${ms(ok[ok.length - 1])}; all done after ${ms(performance.now() - started)}` +
    (failed.size > 0 ? `; failed: ${[...failed].map(([k, v]) => `${v} ${k}`).join(', ')}` : '; none failed')
}

const workloads = await startWorkloads()
const mesh = new Mesh()
try {
  const east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${workloads.echo}`], args: ['--log-level', 'warn'] })
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: ['echo=127.0.0.1:0'], args: ['--log-level', 'warn'] })
  await west.waitTargets('echo', ['east'])
  console.log(`direct TCP:      ${await burst(workloads.echo)}`)
  console.log(`portmesh 1 hop:  ${await burst(west.listenerPort('echo', await west.status()))}`)
} finally {
  await mesh.stop()
  workloads.proc.kill()
}
