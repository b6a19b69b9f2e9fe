/**
 * `npm run chaos`: every fault the multi-host bed can make, one at a time, on
 * a fresh three-site mesh, under steady load; prints one table row per fault.
 *
 *    client ─► west ──1── a (svc)        a is the primary target,
 *                 └───5── b (svc)        b the backup
 *
 * and, for the transit rows, a transit fault on the way to one target:
 *
 *    client ─► west ──1── a ──1── east (svc)     a carries the held connections,
 *                 └───2── b ──1──┘               b is the other path
 *
 * For each fault: a loop opens new connections through west (each one echoes
 * a line), connections held through a (crossing the fault) and through b (not
 * crossing it) keep echoing. Measured: time from the start of the fault until
 * west first reports the link to a down, new connections that failed, held
 * connections that were reset, bytes lost on connections that did not cross
 * the fault (must be 0), and time from the end of the fault until west's
 * targets are what the fault leaves (b alone, or a and b again).
 * The delay-and-loss fault must not bring the link down at all: there the
 * held connections through a must survive and lose nothing either. "Held
 * connections surviving": not reset, and every byte echoed back, after the
 * fault; a row whose held connections have another path to their
 * destination (the transit rows) must show all of them surviving.
 * Needs root, iproute2 and python3 (the impaired cable, test/helpers/impair.py).
 * Bounded: each fault runs for at most ~40 s. CHAOS_ONLY=TEXT runs only the
 * faults whose name contains TEXT (e.g. CHAOS_ONLY=delay).
 */
import { Mesh, Site } from '../test/helpers/site.js'
import { NetnsBed, netnsAvailable, type Impairment } from '../test/helpers/netns.js'
import { dial, namedServer, readLine } from '../test/helpers/tcp.js'
import { waitFor } from '../test/helpers/wait.js'
import type { Socket } from 'node:net'

interface Row { fault: string, detectionMs: string, newFailed: number, newTotal: number, newViaA?: number, heldReset: string, heldSurviving: string, bytesLost: number, convergeMs: string }

interface Held { socket: Socket, via: string, sent: number, received: number, reset: boolean }

async function hold (host: string, port: number): Promise<Held> {
  const socket = await dial(port, host)
  const via = await readLine(socket)
  const h: Held = { socket, via, sent: 0, received: 0, reset: false }
  socket.on('data', (d: Buffer) => { h.received += d.length })
  socket.on('error', () => { h.reset = true })
  socket.on('close', (hadError) => { if (hadError) h.reset = true })
  socket.resume()
  return h
}

interface FaultOptions {
  /** a's cable runs through impair.py (clean until the fault sets a delay and a loss). */
  impairable?: boolean
  /** The link to a must stay up: held connections through a count in bytes lost too. */
  linkStaysUp?: boolean
  /** a is a transit on the way to east (the one target), not a target itself; `expectAfter` names west's next hop to east after the fault. */
  transit?: boolean
}

async function runFault (name: string, fault: (ctx: { bed: NetnsBed, a: Site, west: Site }) => Promise<void>, expectAfter: string[], options: FaultOptions = {}): Promise<Row> {
  const clean: Impairment = { delayMs: 0, lossPercent: 0 }
  const transit = options.transit === true
  const bed = await NetnsBed.create(transit ? ['west', 'a', 'b', 'east'] : ['west', 'a', 'b'], options.impairable === true ? { impaired: { a: clean } } : {})
  const mesh = new Mesh()
  try {
    const gateway = `10.213.${bed.host('west').address.split('.')[2]}.254`
    const quiet = ['--log-level', 'warn']
    let a: Site, west: Site
    let settled: () => Promise<boolean>
    if (transit) {
      const se = await namedServer('east', gateway)
      mesh.onStop(async () => { await se.close() })
      const east = await Site.start(mesh, 'east', { netns: bed.host('east'), connectors: [`svc=${gateway}:${se.port}`], args: quiet })
      a = await Site.start(mesh, 'a', { netns: bed.host('a'), links: [await east.token()], args: quiet })
      const b = await Site.start(mesh, 'b', { netns: bed.host('b'), links: [await east.token()], args: quiet })
      west = await Site.start(mesh, 'west', { netns: bed.host('west'), links: [await a.token(), `${await b.token()},cost=2`], listeners: [`svc=${bed.host('west').address}:15000`], args: quiet })
      await west.waitTargets('svc', ['east'])
      await west.waitStatus('route to east via a', s => s.routers.find(r => r.peerId === east.peerId)?.nextHop === a.peerId)
      await east.waitStatus('route to west via a', s => s.routers.find(r => r.peerId === west.peerId)?.nextHop === a.peerId)
      const hop = { a: a.peerId, b: b.peerId }[expectAfter[0] as 'a' | 'b']
      settled = async () => (await west.status()).routers.find(r => r.peerId === east.peerId)?.nextHop === hop
    } else {
      const sa = await namedServer('a', gateway)
      const sb = await namedServer('b', gateway)
      mesh.onStop(async () => { await sa.close(); await sb.close() })
      a = await Site.start(mesh, 'a', { netns: bed.host('a'), connectors: [`svc=${gateway}:${sa.port}`], args: quiet })
      const b = await Site.start(mesh, 'b', { netns: bed.host('b'), connectors: [`svc=${gateway}:${sb.port}`], args: quiet })
      west = await Site.start(mesh, 'west', { netns: bed.host('west'), links: [await a.token(), `${await b.token()},cost=5`], listeners: [`svc=${bed.host('west').address}:15000`], args: quiet })
      await west.waitTargets('svc', ['a', 'b'])
      const want = [...expectAfter].sort().join(',')
      settled = async () => ((await west.status()).services.find(s => s.routingKey === 'svc')?.targets.map(x => x.site).sort().join(',') ?? '') === want
    }
    const host = bed.host('west').address

    // Held connections: four through a (a is cheaper; open counts spread them once a has 4 more than b).
    const held: Held[] = []
    for (let i = 0; i < 8; i++) held.push(await hold(host, 15000))
    const pump = setInterval(() => {
      for (const h of held) {
        if (h.reset || h.socket.destroyed) continue
        const line = `ping ${h.sent}\n`
        h.sent += line.length
        h.socket.write(line)
      }
    }, 50)

    // Steady new connections, bounded in count.
    let newTotal = 0
    let newFailed = 0
    let newViaA = 0 // answered by a while the fault was on: they crossed the impaired cable
    let faultActive = false
    let running = true
    const load = (async () => {
      while (running && newTotal < 5000) {
        newTotal++
        try {
          const s = await dial(15000, host)
          const who = await readLine(s, 5000)
          if (who === 'a' && faultActive) newViaA++
          s.destroy()
        } catch {
          newFailed++
        }
      }
    })()
    await waitFor('load running', () => newTotal > 20)

    // Watch west's view while the fault happens: the first moment the link to a is seen down.
    const started = Date.now()
    let detectedAt: number | undefined
    let watching = true
    const watcher = (async () => {
      while (watching && detectedAt === undefined) {
        const s = await west.status().catch(() => undefined)
        if (s !== undefined && !s.links.some(l => l.site === 'a' && l.state === 'up')) detectedAt = Date.now()
        await new Promise(resolve => setTimeout(resolve, 10))
      }
    })()
    faultActive = true
    await fault({ bed, a, west })
    faultActive = false
    const faultEnded = Date.now()
    // Convergence: from the end of the fault until west's targets (or, for a transit fault, its next hop to east) are what the fault leaves.
    let convergeMs = 'never'
    try {
      await waitFor('routes settle', async () => await settled() && (expectAfter.includes('a') || detectedAt !== undefined), 30_000, 20)
      convergeMs = String(Date.now() - faultEnded)
    } catch {}
    if (detectedAt === undefined) await new Promise(resolve => setTimeout(resolve, 1500))
    watching = false
    await watcher
    const detectionMs = detectedAt === undefined ? '-' : String(detectedAt - started)
    await new Promise(resolve => setTimeout(resolve, 1500)) // keep the load on a little longer: failures after convergence count too
    running = false
    await load
    clearInterval(pump)
    // Let the echoes of the last pings arrive before counting bytes (a resumed connection may still be catching up).
    await waitFor('echoes in', () => held.every(h => h.reset || h.received === h.sent), 5_000, 20).catch(() => {})
    // Through a: to a as the target, or across a as the transit (every held connection, in that layout).
    const crossing = held.filter(h => transit || h.via === 'a')
    const notCrossing = held.filter(h => !transit && h.via !== 'a')
    const surviving = (list: Held[]): number => list.filter(h => !h.reset && h.received === h.sent).length
    const bytesLost = (options.linkStaysUp === true ? held : notCrossing).reduce((n, h) => n + (h.sent - h.received), 0)
    for (const h of held) h.socket.destroy()
    return { fault: name, detectionMs, newFailed, newTotal, newViaA: options.linkStaysUp === true ? newViaA : undefined, heldReset: `${crossing.filter(h => h.reset).length}/${crossing.length} via a, ${notCrossing.filter(h => h.reset).length}/${notCrossing.length} via b`, heldSurviving: `${surviving(crossing)}/${crossing.length} via a, ${surviving(notCrossing)}/${notCrossing.length} via b`, bytesLost, convergeMs }
  } finally {
    await mesh.stop()
    bed.destroy()
  }
}

async function main (): Promise<void> {
  if (!netnsAvailable) {
    process.stderr.write('npm run chaos needs root and iproute2 (ip netns, veth, bridge)\n')
    process.exit(2)
  }
  const rows: Row[] = []
  const faults: Array<[string, Parameters<typeof runFault>[1], string[], FaultOptions?]> = [
    ['kill -9 of a', async ({ a }) => { await a.kill() }, ['b']],
    ['SIGSTOP of a (frozen)', async ({ a }) => { a.signal('SIGSTOP') }, ['b']],
    ['a\'s cable cut', async ({ bed }) => { bed.cable('a', false) }, ['b']],
    ['a restarted (SIGTERM, same data dir)', async ({ a }) => { await a.restart() }, ['a', 'b']],
    ['a\'s cable flapping 10× in 10 s', async ({ bed }) => {
      for (let i = 0; i < 10; i++) {
        bed.cable('a', false)
        await new Promise(resolve => setTimeout(resolve, 500))
        bed.cable('a', true)
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    }, ['a', 'b']],
    ['a\'s cable: 50 ms delay, 5 % loss each way for 15 s', async ({ bed }) => {
      await bed.impair('a', { delayMs: 50, lossPercent: 5 })
      await new Promise(resolve => setTimeout(resolve, 15_000)) // the fault's duration
      const stats = await bed.impairStats('a')
      process.stderr.write(`  frames dropped: a→bridge ${stats.a_to_b.lost} of ${stats.a_to_b.frames}, bridge→a ${stats.b_to_a.lost} of ${stats.b_to_a.frames}\n`)
      await bed.impair('a', { delayMs: 0, lossPercent: 0 })
    }, ['a', 'b'], { impairable: true, linkStaysUp: true }],
    // a as a transit on the way to east: every held connection has another path (through b).
    ['transit: kill -9 of a', async ({ a }) => { await a.kill() }, ['b'], { transit: true }],
    ['transit: SIGSTOP of a (frozen)', async ({ a }) => { a.signal('SIGSTOP') }, ['b'], { transit: true }],
    ['transit: a\'s cable cut', async ({ bed }) => { bed.cable('a', false) }, ['b'], { transit: true }],
    ['transit: SIGTERM of a (graceful stop)', async ({ a }) => { await a.stop() }, ['b'], { transit: true }],
    ['transit: a restarted (SIGTERM, same data dir)', async ({ a }) => { await a.restart() }, ['a'], { transit: true }]
  ]
  const only = process.env.CHAOS_ONLY
  for (const [name, fault, after, options] of faults) {
    if (only !== undefined && !name.includes(only)) continue
    process.stderr.write(`fault: ${name}\n`)
    rows.push(await runFault(name, fault, after, options))
  }
  const lines = [
    '| fault | link to a seen down after | new connections failed | held connections reset | held connections surviving | bytes lost (not crossing; all when the link stays up) | converged after the fault ended |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(r => `| ${r.fault} | ${r.detectionMs === '-' ? 'never (stayed up)' : `${r.detectionMs} ms`} | ${r.newFailed} of ${r.newTotal}${r.newViaA !== undefined ? ` (${r.newViaA} through a during the fault)` : ''} | ${r.heldReset} | ${r.heldSurviving} | ${r.bytesLost} | ${r.convergeMs === 'never' ? 'never' : `${r.convergeMs} ms`} |`)
  ]
  process.stdout.write('\n' + lines.join('\n') + '\n')
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`chaos failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})
