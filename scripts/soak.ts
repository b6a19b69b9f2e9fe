/**
 * `npm run soak`: many connections through two hops, then a check that the
 * routers are back where they started.
 *
 *    client ─► west ──1── middle ──1── east ─► echo
 *
 * SOAK_ROUNDS rounds (default 3) of 10,000 sequential and 1,000 concurrent
 * connections (SOAK_SEQUENTIAL, SOAK_CONCURRENT), each sending a few random
 * bytes and checking the echo. Before and after each round, once the routers
 * are idle: open file descriptors, byte pipes and muxed streams, resident
 * memory and V8 heap in use (after a forced full collection) of each router.
 * A leak grows with the work done, so the verdict: fds, pipes and streams
 * back to the idle baseline, heap in use back near it and not growing from
 * the first round to the last.
 * (Resident memory is reported but not judged: the allocator keeps freed pages
 * for reuse.) Bounded: stops after SOAK_MAX_S seconds (default 900).
 */
import { readdirSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { freePort, Mesh, Site } from '../test/helpers/site.js'
import { dial, echoServer } from '../test/helpers/tcp.js'
import { waitFor } from '../test/helpers/wait.js'

const SEQUENTIAL = Number(process.env.SOAK_SEQUENTIAL ?? 10_000)
const CONCURRENT = Number(process.env.SOAK_CONCURRENT ?? 1_000)
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 3)
const MAX_S = Number(process.env.SOAK_MAX_S ?? 900)
const MIB = 1048576

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

interface Sample { fds: number, pipes: number, streams: number, rssMiB: number, heapMiB: number }

async function sample (site: Site): Promise<Sample> {
  const status = await site.status()
  const metrics = await (await fetch(`${site.apiUrl}/metrics`)).text()
  const metric = (name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN)
  return {
    fds: readdirSync(`/proc/${site.proc?.pid ?? 0}/fd`).length,
    pipes: status.openPipes,
    streams: status.openStreams,
    rssMiB: metric('process_resident_memory_bytes') / MIB,
    heapMiB: metric('nodejs_heap_size_used_bytes') / MIB
  }
}

/**
 * Samples once the routers are idle: no pipes open, then a full garbage
 * collection in each (they run with --expose-gc; SIGUSR2 triggers it), so
 * heap in use is what the router still holds, not garbage waiting.
 */
async function settledSamples (sites: Site[]): Promise<Sample[]> {
  await waitFor('pipes back to zero', async () => (await Promise.all(sites.map(sample))).every(s => s.pipes === 0), 30_000)
  // Closing streams finish a moment after their pipes; two collections a second apart.
  for (let i = 0; i < 2; i++) {
    await new Promise(resolve => setTimeout(resolve, 1_000))
    for (const site of sites) site.proc?.kill('SIGUSR2')
  }
  await new Promise(resolve => setTimeout(resolve, 500))
  return await Promise.all(sites.map(sample))
}

async function main (): Promise<void> {
  const deadline = Date.now() + MAX_S * 1000
  const mesh = new Mesh()
  const echo = await echoServer()
  try {
    const east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${echo.port}`], args: ['--log-level', 'warn'], nodeArgs: ['--expose-gc'] })
    const middle = await Site.start(mesh, 'middle', { links: [await east.token()], args: ['--log-level', 'warn'], nodeArgs: ['--expose-gc'] })
    const port = await freePort()
    const west = await Site.start(mesh, 'west', { links: [await middle.token()], listeners: [`echo=127.0.0.1:${port}`], args: ['--log-level', 'warn'], nodeArgs: ['--expose-gc'] })
    await west.waitTargets('echo', ['east'])
    await echoOnce(port, 64) // warm-up
    const sites = [west, middle, east]
    const samples: Sample[][] = [await settledSamples(sites)]

    let bad = 0
    let done = 0
    let badConcurrent = 0
    for (let round = 1; round <= ROUNDS && Date.now() < deadline; round++) {
      const started = Date.now()
      let roundBad = 0
      let roundDone = 0
      for (let i = 0; i < SEQUENTIAL && Date.now() < deadline; i++, roundDone++) if (!await echoOnce(port, 100)) roundBad++
      process.stderr.write(`round ${round}: ${roundDone} sequential connections in ${((Date.now() - started) / 1000).toFixed(1)} s, ${roundBad} wrong\n`)
      const concurrentStarted = Date.now()
      const results = await Promise.all(Array.from({ length: CONCURRENT }, async () => await echoOnce(port, 1000).catch(() => false)))
      const roundBadConcurrent = results.filter(r => !r).length
      process.stderr.write(`round ${round}: ${CONCURRENT} concurrent connections in ${((Date.now() - concurrentStarted) / 1000).toFixed(1)} s, ${roundBadConcurrent} wrong\n`)
      bad += roundBad
      done += roundDone
      badConcurrent += roundBadConcurrent
      samples.push(await settledSamples(sites))
    }

    const fmt = (n: number): string => n.toFixed(1)
    const rounds = samples.length - 1
    const lines = [
      `| router | fds ${samples.map((_, r) => r === 0 ? 'idle' : `r${r}`).join(' → ')} | pipes / streams after | RSS MiB | heap in use MiB |`,
      '|---|---|---|---|---|'
    ]
    sites.forEach((site, i) => lines.push(`| ${site.name} | ${samples.map(s => s[i].fds).join(' → ')} | ${samples[rounds][i].pipes} / ${samples[rounds][i].streams} | ${samples.map(s => fmt(s[i].rssMiB)).join(' → ')} | ${samples.map(s => fmt(s[i].heapMiB)).join(' → ')} |`))
    process.stdout.write(`\n${rounds} rounds: ${done} sequential, ${bad} wrong; ${rounds * CONCURRENT} concurrent, ${badConcurrent} wrong\n\n${lines.join('\n')}\n`)
    const baseline = samples[0]
    const last = samples[rounds]
    const first = samples[Math.min(1, rounds)]
    // A link stream per link stays open; everything else must be gone.
    const backToBaseline = sites.every((_, i) => last[i].fds <= baseline[i].fds + 2 && last[i].pipes === 0 && last[i].streams <= baseline[i].streams)
    // Heap in use after the last round back near the idle one and no larger than
    // after the first, give or take 2 MiB or 10 %.
    const near = (a: number, b: number): boolean => a <= b + Math.max(2, b * 0.1)
    const heapBack = sites.every((_, i) => near(last[i].heapMiB, baseline[i].heapMiB) && near(last[i].heapMiB, first[i].heapMiB))
    process.stdout.write(`\nfds, pipes and streams back to the idle baseline: ${backToBaseline ? 'yes' : 'NO'}; heap in use back near the idle baseline and flat from round 1 to round ${rounds}: ${heapBack ? 'yes' : 'NO'}\n`)
    process.exitCode = bad === 0 && badConcurrent === 0 && backToBaseline && heapBack ? 0 : 1
  } finally {
    await mesh.stop()
    await echo.close()
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (err: Error) => {
  process.stderr.write(`soak failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
