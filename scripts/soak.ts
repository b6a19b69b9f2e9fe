/**
 * `npm run soak`: many connections through two hops, then a check that the
 * routers are back where they started.
 *
 *    client ─► west ──1── middle ──1── east ─► echo
 *
 * 10,000 sequential and 1,000 concurrent connections (SOAK_SEQUENTIAL,
 * SOAK_CONCURRENT), each sending a few random bytes and checking the echo.
 * Before and after: open file descriptors, open byte pipes and resident memory
 * of each router. Bounded: stops after SOAK_MAX_S seconds (default 600).
 */
import { readdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { freePort, Mesh, Site } from '../test/helpers/site.js'
import { dial, echoServer } from '../test/helpers/tcp.js'
import { waitFor } from '../test/helpers/wait.js'

const SEQUENTIAL = Number(process.env.SOAK_SEQUENTIAL ?? 10_000)
const CONCURRENT = Number(process.env.SOAK_CONCURRENT ?? 1_000)
const MAX_S = Number(process.env.SOAK_MAX_S ?? 600)

async function echoOnce (port: number, bytes: number): Promise<boolean> {
  const s = await dial(port)
  const payload = randomBytes(bytes)
  return await new Promise<boolean>((resolve) => {
    const chunks: Buffer[] = []
    let got = 0
    s.on('data', (d: Buffer) => {
      chunks.push(d)
      got += d.length
      if (got >= bytes) { s.end(); resolve(Buffer.concat(chunks).equals(payload)) }
    })
    s.on('error', () => resolve(false))
    s.on('close', () => resolve(got >= bytes && Buffer.concat(chunks).equals(payload)))
    s.write(payload)
  })
}

interface Sample { fds: number, pipes: number, rssMiB: number }

async function sample (site: Site): Promise<Sample> {
  const status = await site.status()
  const metrics = await (await fetch(`${site.apiUrl}/metrics`)).text()
  const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1] ?? NaN)
  return { fds: readdirSync(`/proc/${site.proc?.pid ?? 0}/fd`).length, pipes: status.openPipes, rssMiB: Math.round(rss / 1048576) }
}

async function main (): Promise<void> {
  const deadline = Date.now() + MAX_S * 1000
  const mesh = new Mesh()
  const echo = await echoServer()
  try {
    const east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${echo.port}`], args: ['--log-level', 'warn'] })
    const middle = await Site.start(mesh, 'middle', { links: [await east.token()], args: ['--log-level', 'warn'] })
    const port = await freePort()
    const west = await Site.start(mesh, 'west', { links: [await middle.token()], listeners: [`echo=127.0.0.1:${port}`], args: ['--log-level', 'warn'] })
    await west.waitTargets('echo', ['east'])
    await echoOnce(port, 64) // warm-up
    const sites = [west, middle, east]
    const before = await Promise.all(sites.map(sample))

    let bad = 0
    let done = 0
    const started = Date.now()
    for (let i = 0; i < SEQUENTIAL && Date.now() < deadline; i++, done++) if (!await echoOnce(port, 100)) bad++
    const sequentialS = (Date.now() - started) / 1000
    process.stderr.write(`${done} sequential connections in ${sequentialS.toFixed(1)} s, ${bad} wrong\n`)
    const concurrentStarted = Date.now()
    const results = await Promise.all(Array.from({ length: CONCURRENT }, async () => await echoOnce(port, 1000).catch(() => false)))
    const badConcurrent = results.filter(r => !r).length
    process.stderr.write(`${CONCURRENT} concurrent connections in ${((Date.now() - concurrentStarted) / 1000).toFixed(1)} s, ${badConcurrent} wrong\n`)

    await waitFor('pipes back to zero', async () => (await Promise.all(sites.map(sample))).every(s => s.pipes === 0), 30_000)
    const after = await Promise.all(sites.map(sample))
    const lines = ['| router | fds before → after | open pipes after | RSS MiB before → after |', '|---|---|---|---|']
    sites.forEach((site, i) => lines.push(`| ${site.name} | ${before[i].fds} → ${after[i].fds} | ${after[i].pipes} | ${before[i].rssMiB} → ${after[i].rssMiB} |`))
    process.stdout.write(`\n${done} sequential: ${bad} wrong; ${CONCURRENT} concurrent: ${badConcurrent} wrong\n\n${lines.join('\n')}\n`)
    const fdsBack = sites.every((_, i) => after[i].fds <= before[i].fds + 2)
    process.exitCode = bad === 0 && badConcurrent === 0 && fdsBack ? 0 : 1
  } finally {
    await mesh.stop()
    await echo.close()
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (err: Error) => {
  process.stderr.write(`soak failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
