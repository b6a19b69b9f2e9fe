/**
 * `npm run soak:links`: the two link soaks of the failure-detection contract
 * ("no false alarms on a saturated or lossy link"), each on a fresh pair of
 * hosts of the multi-host bed (network namespaces; root, iproute2, python3):
 *
 *    client ─► west ════ a ─► echo (in a's namespace)
 *
 * saturated: plain cables; SOAK_LINK_PARALLEL (4) echo transfers of 32 MiB
 *            each, back to back, for the whole soak: the link carries all the
 *            CPU of this machine lets it carry.
 * lossy:     a's cable delays every frame 50 ms and drops 5 %, each way
 *            (test/helpers/impair.py); four held connections echo 1 KiB every
 *            200 ms each, and a new connection is opened every 2 s.
 *
 * Each soak lasts SOAK_LINK_S seconds (default 300) and counts link-down events
 * (the routers' own "link down" log lines), echoed bytes that came back wrong,
 * new connections that failed; it reports the probe round trips and silences
 * the routers saw (their "link probes" summaries, every 10 s), the adaptive
 * liveness timeout and the routers' event-loop lag. SOAK_LINK_ONLY=saturated
 * or lossy runs one. Exits 1 on any link-down event or wrong byte.
 */
import { createHash, randomBytes } from 'node:crypto'
import { Mesh, Site } from '../test/helpers/site.js'
import { NetnsBed, netnsAvailable, type ImpairStats } from '../test/helpers/netns.js'
import { dial, echoTransfer } from '../test/helpers/tcp.js'

const SOAK_S = Number(process.env.SOAK_LINK_S ?? 300)
const PARALLEL = Number(process.env.SOAK_LINK_PARALLEL ?? 4)
const ONLY = process.env.SOAK_LINK_ONLY
const ECHO_PORT = 9000
const LISTEN_PORT = 15000

interface ProbeLine { probes: number, rttMinMs?: number, rttP50Ms?: number, rttP90Ms?: number, rttMaxMs?: number, worstSilenceMs: number, livenessTimeoutMs: number }

/** What one router said about its link while the soak ran, read off its JSON log. */
class LogWatch {
  downs: string[] = []
  probes: ProbeLine[] = []
  private partial = ''

  constructor (site: Site) {
    site.proc?.stdout?.on('data', (d: Buffer) => {
      const lines = (this.partial + d.toString()).split('\n')
      this.partial = lines.pop() ?? ''
      for (const line of lines) {
        if (!line.startsWith('{')) continue
        let entry: { msg?: string, reason?: string } & Partial<ProbeLine>
        try { entry = JSON.parse(line) } catch { continue }
        if (entry.msg === 'link down') this.downs.push(entry.reason ?? '?')
        else if (entry.msg === 'link probes') this.probes.push(entry as ProbeLine)
      }
    })
  }
}

/** Largest event-loop delay a router saw since the last scrape (prom-client resets it per scrape). */
async function loopLagMs (site: Site): Promise<number> {
  const text = await (await fetch(`${site.apiUrl}/metrics`, { headers: site.apiHeaders, signal: AbortSignal.timeout(5000) })).text()
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000
}

interface Result {
  soak: string
  seconds: number
  downs: string[]
  traffic: string
  wrong: number
  newFailed: string
  rtt: string
  worstSilenceMs: number
  timeout: string
  lagMaxMs: number
  impair?: ImpairStats
}

/** Sends a random `piece` every `everyMs` (at least once) until `until`, then half-closes; ok when the echo is the same bytes and nothing was reset. */
async function steadyEcho (host: string, until: number, piece: number, everyMs: number): Promise<{ ok: boolean, bytes: number }> {
  const s = await dial(LISTEN_PORT, host)
  const sent = createHash('sha256')
  const got = createHash('sha256')
  let sentBytes = 0
  let gotBytes = 0
  let failed = false
  const closed = new Promise<void>((resolve) => {
    s.on('data', (d: Buffer) => { got.update(d); gotBytes += d.length })
    s.on('error', () => { failed = true })
    s.on('close', () => resolve())
  })
  do {
    const b = randomBytes(piece)
    sent.update(b)
    sentBytes += b.length
    s.write(b)
    await new Promise(resolve => setTimeout(resolve, everyMs))
  } while (Date.now() < until && !failed && !s.destroyed)
  s.end()
  await Promise.race([closed, new Promise(resolve => setTimeout(resolve, 30_000))])
  s.destroy()
  return { ok: !failed && gotBytes === sentBytes && sent.digest('hex') === got.digest('hex'), bytes: sentBytes }
}

async function soak (kind: 'saturated' | 'lossy'): Promise<Result> {
  const bed = await NetnsBed.create(['west', 'a'], kind === 'lossy' ? { impaired: { a: { delayMs: 50, lossPercent: 5 } } } : {})
  const mesh = new Mesh()
  try {
    await bed.echoServerIn('a', ECHO_PORT)
    const a = await Site.start(mesh, 'a', { netns: bed.host('a'), connectors: [`echo=127.0.0.1:${ECHO_PORT}`] })
    const host = bed.host('west').address
    const west = await Site.start(mesh, 'west', { netns: bed.host('west'), links: [await a.token()], listeners: [`echo=${host}:${LISTEN_PORT}`] })
    const logs = [new LogWatch(west), new LogWatch(a)]
    await west.waitTargets('echo', ['a'], 30_000)
    await Promise.all([west, a].map(loopLagMs)) // reset the lag gauges

    const started = Date.now()
    const until = started + SOAK_S * 1000
    let lagMaxMs = 0
    const lagTimer = setInterval(() => {
      void Promise.all([west, a].map(loopLagMs)).then(l => { lagMaxMs = Math.max(lagMaxMs, ...l) }, () => {})
    }, 10_000)
    let traffic: string
    let wrong = 0
    let newFailed = '-'
    try {
      if (kind === 'saturated') {
        let transfers = 0
        let bytes = 0
        await Promise.all(Array.from({ length: PARALLEL }, async () => {
          while (Date.now() < until) {
            const r = await echoTransfer(LISTEN_PORT, 32 * 1024 * 1024, 256 * 1024, host).catch(() => ({ sent: 'failed', received: '', receivedBytes: 0 }))
            transfers++
            bytes += r.receivedBytes
            if (r.sent !== r.received) wrong++
          }
        }))
        traffic = `${transfers} transfers of 32 MiB echoed, ${(bytes / 1e6 / ((Date.now() - started) / 1000)).toFixed(1)} MB/s each way`
      } else {
        let held = 0
        let bytes = 0
        let opened = 0
        let failed = 0
        const holders = Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            // Each held connection lives 30 s, then the next one takes its place.
            const r = await steadyEcho(host, Math.min(until, Date.now() + 30_000), 1024, 200).catch(() => ({ ok: false, bytes: 0 }))
            held++
            bytes += r.bytes
            if (!r.ok) wrong++
          }
        })
        const opener = (async () => {
          while (Date.now() < until) {
            opened++
            const r = await steadyEcho(host, Date.now(), 512, 0).catch(() => ({ ok: false, bytes: 0 }))
            if (!r.ok) failed++
            await new Promise(resolve => setTimeout(resolve, 2000))
          }
        })()
        await Promise.all([...holders, opener])
        traffic = `${held} held connections, ${(bytes / 1024).toFixed(0)} KiB echoed`
        newFailed = `${failed} of ${opened}`
      }
    } finally {
      clearInterval(lagTimer)
    }
    const seconds = Math.round((Date.now() - started) / 1000)
    await new Promise(resolve => setTimeout(resolve, 300)) // the last log lines
    const probes = logs.flatMap(l => l.probes).filter(p => p.probes > 0)
    const median = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]
    const rtt = probes.length === 0
      ? '-'
      : `${median(probes.map(p => p.rttP50Ms ?? 0))} / ${median(probes.map(p => p.rttP90Ms ?? 0))} / ${Math.max(...probes.map(p => p.rttMaxMs ?? 0))}`
    const timeouts = logs.flatMap(l => l.probes).map(p => p.livenessTimeoutMs)
    return {
      soak: kind === 'saturated' ? `saturated (${PARALLEL} bulk echo transfers)` : 'lossy (50 ms, 5 % loss each way)',
      seconds,
      downs: logs.flatMap(l => l.downs),
      traffic,
      wrong,
      newFailed,
      rtt,
      worstSilenceMs: Math.max(0, ...logs.flatMap(l => l.probes).map(p => p.worstSilenceMs)),
      timeout: timeouts.length === 0 ? '-' : `${Math.min(...timeouts)}–${Math.max(...timeouts)} ms`,
      lagMaxMs: Math.round(lagMaxMs),
      impair: kind === 'lossy' ? await bed.impairStats('a') : undefined
    }
  } finally {
    await mesh.stop()
    bed.destroy()
  }
}

async function main (): Promise<void> {
  if (!netnsAvailable) {
    process.stderr.write('npm run soak:links needs root and iproute2 (ip netns, veth, bridge), and python3 for the lossy cable\n')
    process.exit(2)
  }
  const kinds = (['saturated', 'lossy'] as const).filter(k => ONLY === undefined || ONLY === k)
  const results: Result[] = []
  for (const kind of kinds) {
    process.stderr.write(`soak: ${kind}, ${SOAK_S} s\n`)
    const r = await soak(kind)
    results.push(r)
    if (r.impair !== undefined) {
      const i = r.impair
      process.stderr.write(`  cable: a→bridge ${i.a_to_b.lost}/${i.a_to_b.frames} frames dropped, bridge→a ${i.b_to_a.lost}/${i.b_to_a.frames}\n`)
    }
    for (const d of r.downs) process.stderr.write(`  link down: ${d}\n`)
  }
  const lines = [
    '| soak | seconds | link-down events | traffic | wrong bytes (connections) | new connections failed | probe RTT ms p50 / p90 / max | longest silence | liveness timeout | event-loop lag max |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(r => `| ${r.soak} | ${r.seconds} | ${r.downs.length} | ${r.traffic} | ${r.wrong} | ${r.newFailed} | ${r.rtt} | ${r.worstSilenceMs} ms | ${r.timeout} | ${r.lagMaxMs} ms |`)
  ]
  process.stdout.write('\n' + lines.join('\n') + '\n')
  process.stdout.write('\n(probe RTT: medians of the routers\' 10-s p50s and p90s / the largest; both routers; longest silence: the longest gap between arrivals a router saw)\n')
  process.exitCode = results.every(r => r.downs.length === 0 && r.wrong === 0) ? 0 : 1
}

main().then(() => process.exit(process.exitCode ?? 0), (err: Error) => {
  process.stderr.write(`soak:links failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
