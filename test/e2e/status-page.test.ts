import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import type { SitePairTraffic } from '../../src/api/types.js'
import type { FlowRecord } from '../../src/core/flow-ring.js'
import { freePort, Mesh, Site } from '../helpers/site.js'
import { connectionOutcome, dial, namedServer, readLine, whoAnswers } from '../helpers/tcp.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = resolve(fileURLToPath(import.meta.url), '../../../../test-artifacts')
const ANY_SITE_NAME = pathToFileURL(resolve(fileURLToPath(import.meta.url), '../../helpers/any-site-name.js')).href
/** A site name that is markup: a page that put it into HTML unescaped would run its handler. */
const HOSTILE = '<img/src/onerror=window.pwned=1>'

interface PairEdge { from: string, to: string, open: number, bps: number, width: number, drawnWidth: number, label: string }
interface CyLike { nodes: () => Array<{ data: (k: string) => unknown }>, edges: (sel?: string) => Array<{ data: (k: string) => unknown, style: (k: string) => string }> }

async function pairEdges (page: Page): Promise<PairEdge[]> {
  return await page.evaluate(() => {
    const cy = (window as unknown as { cy: CyLike }).cy
    return cy.edges('[kind = "pair"]').map(e => ({ from: e.data('source') as string, to: e.data('target') as string, open: e.data('open') as number, bps: e.data('bps') as number, width: e.data('width') as number, drawnWidth: parseFloat(e.style('width')), label: e.data('label') as string }))
  })
}

/** The drawn width of the pair edge from → to, once it is `pred`. */
async function waitPairWidth (page: Page, from: string, to: string, pred: string, bound: number, timeout = 20_000): Promise<number> {
  const handle = await page.waitForFunction(([from, to, pred, bound]) => {
    const cy = (window as unknown as { cy: CyLike }).cy
    const e = cy.edges('[kind = "pair"]').find(x => x.data('source') === from && x.data('target') === to)
    if (e === undefined) return false
    const w = parseFloat(e.style('width'))
    return (pred === '>' ? w > (bound as number) : w <= (bound as number)) ? w : false
  }, [from, to, pred, bound] as const, { timeout })
  return await handle.jsonValue() as number
}

/** Writes `chunk` into each socket every 100 ms (it echoes back, read and dropped) until stopped. */
function pump (sockets: Socket[], chunk = 64 * 1024): () => void {
  const buf = Buffer.alloc(chunk, 0x61)
  const timer = setInterval(() => { for (const s of sockets) if (s.writableLength < 4 * chunk) s.write(buf) }, 100)
  return () => clearInterval(timer)
}

/** The site pairs in the next tick of a site's /v1/events. */
async function tickPairs (site: Site): Promise<SitePairTraffic[]> {
  const ac = new AbortController()
  const res = await fetch(`${site.apiUrl}/v1/events`, { headers: site.apiHeaders, signal: ac.signal })
  let buf = ''
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += Buffer.from(chunk).toString('utf8')
      const tick = /event: tick\ndata: (.*)\n\n/.exec(buf)
      if (tick !== null) return (JSON.parse(tick[1]) as { pairs: SitePairTraffic[] }).pairs
    }
    throw new Error(`${site.name}: /v1/events ended before a tick`)
  } finally {
    ac.abort()
  }
}

/** One connection through a named echo server: its name, then `n` bytes each way; resolves when the server has closed. */
async function knownTransfer (port: number, n: number): Promise<{ name: string, bytesIn: number, bytesOut: number }> {
  const s = await dial(port)
  const name = await readLine(s)
  let echoed = 0
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => { echoed += d.length })
    s.on('error', reject)
    s.on('close', () => resolve())
  })
  s.resume()
  s.end(Buffer.alloc(n, 0x62))
  await done
  assert.equal(echoed, n)
  return { name, bytesIn: n, bytesOut: name.length + 1 + n }
}

test('the console: pair edges by bytes/s, each target\'s live share, the last connections with filters, hostile names as text', { skip: existsSync(CHROMIUM) ? false : 'chromium is not installed (apt-get install chromium; .ci/run does)' }, async (t) => {
  //                          ┌--1-- east (db weight 3, web)
  //  west --1-- middle ------┤
  //  (listeners db,          └--1-- <img/src/onerror=...> (db weight 1)
  //   web, cache)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const eastDb = await namedServer('east-db')
  const eastWeb = await namedServer('east-web')
  const northDb = await namedServer('north-db')
  mesh.onStop(async () => { await Promise.all([eastDb.close(), eastWeb.close(), northDb.close()]) })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${eastDb.port},weight=3`, `web=127.0.0.1:${eastWeb.port}`] })
  const north = await Site.start(mesh, 'north', { connectors: [`db=127.0.0.1:${northDb.port},weight=1`], args: ['--site', HOSTILE], nodeArgs: ['--import', ANY_SITE_NAME] })
  // Middle is an ingress too (web, served by east), and shares its flow records with west.
  const middleWebPort = await freePort()
  const middle = await Site.start(mesh, 'middle', { links: [await east.token(), await north.token()], listeners: [`web=127.0.0.1:${middleWebPort}`], args: ['--flow-reader', 'west'] })
  const [dbPort, webPort, cachePort] = [await freePort(), await freePort(), await freePort()]
  const west = await Site.start(mesh, 'west', { links: [await middle.token()], listeners: [`db=127.0.0.1:${dbPort}`, `web=127.0.0.1:${webPort}`, `cache=127.0.0.1:${cachePort}`] })
  await west.waitTargets('db', ['east', HOSTILE])
  await west.waitTargets('web', ['east'])

  const profile = mkdtempSync(join(tmpdir(), 'portmesh-chromium-'))
  // Flags as this workplace's closed network needs them (no background fetches).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  const held: Socket[] = []
  const pumps: Array<() => void> = []
  // Chromium first, then its profile (after hooks run in the order they were added); the test's own sockets and timers before the mesh goes.
  t.after(async () => {
    for (const stop of pumps) stop()
    for (const s of held) s.destroy()
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 })
  })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(err.message))
  // Said on failure too: a script error is the likeliest reason for a wait that times out.
  let errorsChecked = false
  t.after(() => { if (!errorsChecked && pageErrors.length > 0) t.diagnostic(`page errors: ${pageErrors.join(' | ')}`) })
  page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') pageErrors.push(`${msg.text()} (${msg.location().url})`) })
  const served = await page.goto(west.apiUrl)
  // Defence in depth: even markup that slipped through could run no script of its own.
  assert.match(served?.headers()['content-security-policy'] ?? '', /script-src 'self';/)
  mkdirSync(ARTIFACTS, { recursive: true })

  // The mesh: four sites and three links.
  await page.waitForFunction(() => {
    const cy = (window as unknown as { cy?: CyLike }).cy
    return cy !== undefined && cy.nodes().length === 4 && cy.edges('[kind = "link"]').length === 3
  }, undefined, { timeout: 15_000 })
  const drawn = await page.evaluate(() => {
    const cy = (window as unknown as { cy: CyLike }).cy
    return { sites: cy.nodes().map(n => n.data('site') as string).sort(), costs: cy.edges('[kind = "link"]').map(e => e.data('label') as string).sort() }
  })
  assert.deepEqual(drawn, { sites: [HOSTILE, 'east', 'middle', 'west'].sort(), costs: ['cost 1', 'cost 1', 'cost 1'] })

  // Each target of db listed from the ticks, the hostile name as text and nothing else.
  await page.waitForFunction(() => document.querySelectorAll('#shares tr[data-key="db"]').length === 2, undefined, { timeout: 10_000 })
  assert.ok((await page.textContent(`#shares tr[data-target="${north.peerId}"]`) ?? '').startsWith(HOSTILE), 'the hostile site name is shown as text')
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0, 'no element made of a site name')
  assert.equal(await page.textContent('[data-open-total]'), '0')

  // Some connections that end: four to db, one to web, one refused (cache has no target).
  const answers: string[] = []
  for (let i = 0; i < 4; i++) answers.push(await whoAnswers(dbPort))
  answers.push(await whoAnswers(webPort))
  assert.equal(await connectionOutcome(cachePort), 'reset')
  await page.waitForFunction(() => document.querySelectorAll('#flow-table tbody tr[data-key]').length === 6, undefined, { timeout: 10_000 })

  // Eight held connections: weights 3 and 1 split them 6 and 2, and the page's shares say so.
  const heldBy: Record<string, Socket[]> = { 'east-db': [], 'north-db': [] }
  for (let i = 0; i < 8; i++) {
    const s = await dial(dbPort)
    held.push(s)
    const name = await readLine(s)
    heldBy[name].push(s)
    s.on('data', () => {})
    s.resume()
  }
  assert.deepEqual([heldBy['east-db'].length, heldBy['north-db'].length], [6, 2])
  await page.waitForFunction(([e, n]) => {
    const cell = (peer: string): string => {
      const td = document.querySelector(`#shares tr[data-key="db"][data-target="${peer}"] td[data-open]`)
      return td === null ? '' : `${td.getAttribute('data-open')}/${td.getAttribute('data-open-share')}`
    }
    return cell(e) === '6/75' && cell(n) === '2/25' && document.querySelector('[data-open-total]')?.textContent === '8'
  }, [east.peerId, north.peerId], { timeout: 10_000 })
  const status = await west.status()
  const openByTarget = Object.fromEntries((status.services.find(s => s.routingKey === 'db')?.targets ?? []).map(x => [x.site, x.openConnections]))
  assert.deepEqual(openByTarget, { east: 6, [HOSTILE]: 2 })
  assert.match(await page.textContent(`#shares tr[data-target="${east.peerId}"]`) ?? '', /^east.*weight 3.*6 · 75%/)

  // One pair edge per site pair that carries connections, west to each target, with its open connections.
  // The pair edges come from their own tick, which may still count fewer connections than the shares above: wait for the counts, not just the edges.
  const expectedPairs = [`${west.peerId}>${east.peerId}:6`, `${west.peerId}>${north.peerId}:2`].sort()
  const pairsNow = async (): Promise<string[]> => (await pairEdges(page)).filter(p => p.open > 0).map(p => `${p.from}>${p.to}:${p.open}`).sort()
  await page.waitForFunction((want) => {
    const got = (window as unknown as { cy: CyLike }).cy.edges('[kind = "pair"]').filter(e => (e.data('open') as number) > 0).map(e => `${e.data('source') as string}>${e.data('target') as string}:${e.data('open') as number}`).sort()
    return JSON.stringify(got) === JSON.stringify(want)
  }, expectedPairs, { timeout: 10_000 }).catch(async (err: Error) => { throw new Error(`pair edges ${JSON.stringify(await pairsNow())}, want ${JSON.stringify(expectedPairs)}: ${err.message}`) })
  // Quiet held connections: thin edges.
  const quietEast = await waitPairWidth(page, west.peerId, east.peerId, '<=', 3)
  const quietNorth = await waitPairWidth(page, west.peerId, north.peerId, '<=', 3)

  // Traffic through east's connections only: west → east widens, west → north does not, and east gets the bytes.
  pumps.push(pump(heldBy['east-db']))
  const busyEast = await waitPairWidth(page, west.peerId, east.peerId, '>', quietEast + 3)
  assert.ok((await pairEdges(page)).find(p => p.to === north.peerId)!.drawnWidth <= quietNorth + 0.5)
  await page.waitForFunction((peer) => Number(document.querySelector(`#shares tr[data-target="${peer}"] td[data-bytes-share]`)?.getAttribute('data-bytes-share')) >= 90, east.peerId, { timeout: 10_000 })
  // Then through north's too: both edges wide, both rates in their labels.
  pumps.push(pump(heldBy['north-db']))
  await waitPairWidth(page, west.peerId, north.peerId, '>', quietNorth + 3)
  await page.waitForFunction(() => (window as unknown as { cy: CyLike }).cy.edges('[kind = "pair"]').filter(e => /[kM]B\/s/.test(e.data('label') as string)).length === 2, undefined, { timeout: 10_000 })
  await page.screenshot({ path: join(ARTIFACTS, 'console-traffic.png') })
  // Quiet again: the edge narrows with the rate.
  for (const stop of pumps.splice(0)) stop()
  const calmEast = await waitPairWidth(page, west.peerId, east.peerId, '<=', quietEast + 0.5)
  assert.ok(calmEast < busyEast)

  // The held connections end (the client closes, the workload follows), then a transfer of known size.
  for (const s of held.splice(0)) {
    const name = heldBy['east-db'].includes(s) ? 'east-db' : 'north-db'
    answers.push(name)
    s.end()
  }
  await page.waitForFunction(() => document.querySelectorAll('#flow-table tbody tr[data-key]').length === 14 && document.querySelector('[data-open-total]')?.textContent === '0', undefined, { timeout: 15_000 })
  // The pair edges' own tick follows (see above).
  await page.waitForFunction(() => (window as unknown as { cy: CyLike }).cy.edges('[kind = "pair"]').map(e => e.data('open') as number).join() === '0,0', undefined, { timeout: 10_000 })
    .catch(async (err: Error) => { throw new Error(`pair edges open ${JSON.stringify((await pairEdges(page)).map(p => p.open))}, want [0,0]: ${err.message}`) })
  const known = await knownTransfer(dbPort, 1_234_567)
  answers.push(known.name)
  const row = await page.waitForFunction(([i, o]) => {
    const tr = document.querySelector(`#flow-table tbody tr[data-in="${i}"][data-out="${o}"]`)
    return tr === null ? false : tr.textContent
  }, [known.bytesIn, known.bytesOut], { timeout: 10_000 })
  const knownSite = known.name === 'east-db' ? 'east' : HOSTILE
  const text = await row.jsonValue() as string
  assert.ok(text.includes(`west → ${knownSite}`), text)
  assert.match(text, /^\d\d:\d\d:\d\ddb127\.0\.0\.1:\d+/)
  assert.ok(text.includes('1.23 MB') && text.includes('closed'), text)
  assert.equal(await page.textContent('#flow-table tbody tr:first-child td:nth-child(5)'), '1.23 MB')

  // Filters narrow the table: by key, by site (either end), both.
  const shown = async (): Promise<string[]> => await page.$$eval('#flow-table tbody tr[data-key]', trs => trs.map(tr => `${tr.getAttribute('data-key')} ${tr.children[3].textContent}`))
  const all = await shown()
  assert.equal(all.length, 15)
  const hostileDb = answers.filter(a => a === 'north-db').length
  await page.fill('#filter-key', 'web')
  await page.waitForFunction(() => document.querySelectorAll('#flow-table tbody tr[data-key]').length === 1, undefined, { timeout: 5000 })
  assert.deepEqual(await shown(), ['web west → east'])
  await page.fill('#filter-key', '')
  await page.fill('#filter-site', '<img')
  await page.waitForFunction((n) => document.querySelectorAll('#flow-table tbody tr[data-key]').length === n, hostileDb, { timeout: 5000 })
  assert.ok((await shown()).every(r => r === `db west → ${HOSTILE}`))
  await page.fill('#filter-site', 'east')
  await page.fill('#filter-key', 'db')
  await page.waitForFunction((n) => document.querySelectorAll('#flow-table tbody tr[data-key]').length === n, answers.filter(a => a === 'east-db').length, { timeout: 5000 })
  assert.ok((await shown()).every(r => r === 'db west → east'))
  assert.match(await page.textContent('#flow-count') ?? '', /^\d+ shown of 15$/)
  await page.fill('#filter-key', 'nosuchkey')
  await page.waitForFunction(() => /no connection matches/.test(document.querySelector('#flow-table tbody')?.textContent ?? ''), undefined, { timeout: 5000 })
  await page.fill('#filter-key', '')
  await page.fill('#filter-site', '')
  await page.waitForFunction(() => document.querySelectorAll('#flow-table tbody tr[data-key]').length === 15, undefined, { timeout: 5000 })
  // A refused connection says so.
  assert.match(await page.textContent('#flow-table tbody tr[data-key="cache"]') ?? '', /west → —.*refused · NO_TARGET/)
  await page.screenshot({ path: join(ARTIFACTS, 'console-flows.png') })

  // The hostile name stayed text everywhere: no element was made of it, no handler ran.
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0)
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined)
  assert.ok((await page.textContent('#flow-table') ?? '').includes(HOSTILE))
  assert.deepEqual(pageErrors, [])
  // Later ones come from the teardown (the routers go before the browser).
  errorsChecked = true

  // Both ends count a pair alike: west as ingress, east as destination (from its workload sockets), both as west's records say.
  const records = (await (await west.api('GET', '/v1/flows?key=db')).json() as { flows: FlowRecord[] }).flows
  for (const [site, peer] of [[east, east.peerId], [north, north.peerId]] as const) {
    const mine = records.filter(r => r.targetPeer === peer)
    const want = { fromPeer: west.peerId, fromSite: 'west', toPeer: peer, toSite: site === east ? 'east' : HOSTILE, key: 'db', bytesIn: mine.reduce((a, r) => a + r.bytesIn, 0), bytesOut: mine.reduce((a, r) => a + r.bytesOut, 0), open: 0 }
    assert.deepEqual((await tickPairs(west)).find(p => p.toPeer === peer && p.key === 'db'), want)
    assert.deepEqual((await tickPairs(site)).filter(p => p.key === 'db'), [want])
  }

  // Traffic between two other sites (middle's client to east's web): west's page draws it from what middle reports.
  const midClient = await dial(middleWebPort)
  assert.equal(await readLine(midClient), 'east-web')
  const stopMid = pump([midClient])
  try {
    await page.waitForFunction(([from, to]) => (window as unknown as { cy: CyLike }).cy.edges('[kind = "pair"]').some(e => e.data('source') === from && e.data('target') === to && /[kM]B\/s/.test(e.data('label') as string)), [middle.peerId, east.peerId], { timeout: 20_000 })
  } finally {
    stopMid()
    midClient.destroy()
  }
  await page.screenshot({ path: join(ARTIFACTS, 'console-mesh-pairs.png') })

  // A fresh page is not empty: it is seeded with the last connections.
  const fresh = await context.newPage()
  await fresh.goto(west.apiUrl)
  await fresh.waitForFunction(() => document.querySelectorAll('#flow-table tbody tr[data-key]').length === 15, undefined, { timeout: 10_000 })
  await fresh.close()
})
