import { after, before, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { echoServer, echoTransfer, type TestServer } from '../helpers/tcp.js'
import { HeldEcho } from '../helpers/held-echo.js'
import { freePort, Mesh, Site } from '../helpers/site.js'
import type { RouterStatus } from '../../src/api/types.js'

//   west (3) --1-- a (3) --1-- east (3, echo)
//   west     --2-- b (2) --1-- east
// (n): the site's processes. West's second worker reaches a's second and east's
// second; over b (one worker) it reaches east's first, which hands the resume
// to the second, holding the connection (a relay inside east).
const mesh = new Mesh()
let west: Site, a: Site, b: Site, east: Site, lone: Site
let echo: TestServer
let port: number
let lonePort: number
const HELD = 12

before(async () => {
  echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  port = await freePort()
  lonePort = await freePort()
  east = await Site.start(mesh, 'east', { workers: 3, connectors: [`echo=127.0.0.1:${echo.port}`] })
  a = await Site.start(mesh, 'a', { workers: 3, links: [`${await east.token()},cost=1`] })
  b = await Site.start(mesh, 'b', { workers: 2, links: [`${await east.token()},cost=1`] })
  // A site without workers beside them: clients at it and tunnels to it go over links only.
  lone = await Site.start(mesh, 'lone', { links: [await east.token()], listeners: [`echo=127.0.0.1:${lonePort}`] })
  west = await Site.start(mesh, 'west', { workers: 3, links: [`${await a.token()},cost=1`, `${await b.token()},cost=2`], listeners: [`echo=127.0.0.1:${port}`] })
  await west.waitTargets('echo', ['east'])
  await viaA()
  await west.waitStatus('every router advertises its workers', s => ['a', 'b', 'east'].every(site => (s.routers.find(r => r.site === site)?.workers ?? 0) > 0))
})

after(async () => { await mesh.stop() })

async function viaA (): Promise<void> {
  await west.waitStatus('route to east via a', s => s.routers.find(r => r.peerId === east.peerId)?.nextHop === a.peerId, 20_000)
  await east.waitStatus('route to west via a', s => s.routers.find(r => r.peerId === west.peerId)?.nextHop === a.peerId, 20_000)
}

const ownPipes = (s: RouterStatus): number => s.openPipes - s.workers.reduce((n, w) => n + w.openPipes, 0)

async function hold (n: number, at = port): Promise<HeldEcho[]> {
  const held = await Promise.all(Array.from({ length: n }, async () => await HeldEcho.open(at)))
  await Promise.all(held.map(async h => await h.echoesMore(2048)))
  for (const h of held) h.markFault()
  return held
}

async function allIntact (t: TestContext, held: HeldEcho[], what: string): Promise<void> {
  await Promise.all(held.map(async h => await h.echoesMore(4096, 20_000)))
  const pauses = held.map(h => h.longestPauseMs)
  const results = await Promise.all(held.map(async h => await h.finish()))
  assert.deepEqual(results.filter(r => !r.intact), [], `${what}: connections not intact`)
  t.diagnostic(`${what}: ${results.length} intact; longest pause ${Math.round(Math.max(...pauses))} ms`)
}

test('workers: kill -9 of the transit: the connections west\'s router and workers carry all resume over b, every byte echoed', async (t) => {
  const held = await hold(HELD)
  const w = await west.waitStatus('all held', s => s.openPipes === HELD)
  assert.ok(w.workers.filter(x => x.openPipes > 0).length === 2 && ownPipes(w) > 0, `carried by ${ownPipes(w)} / ${w.workers.map(x => x.openPipes).join(' / ')}`)
  await a.kill()
  await allIntact(t, held, 'kill -9 of a')
  // East's second worker held some of them; over b they arrived at its first, which handed them on.
  assert.match(east.stdout, /"msg":"resume handed to the worker holding the connection"/)
  await a.launch()
  await viaA()
})

test('workers: SIGTERM of the transit moves the connections its workers carry too, before it exits', async (t) => {
  const held = await hold(HELD)
  await a.waitStatus('a\'s workers carry transits', s => s.workers.some(x => x.openPipes > 0) && ownPipes(s) > 0)
  await a.stop()
  await allIntact(t, held, 'SIGTERM of a')
  await a.launch()
  await viaA()
})

test('workers: a worker killed with -9 takes only its own connections; it is started again and carries new ones', async () => {
  const held = await hold(HELD)
  const w = await west.waitStatus('all held', s => s.openPipes === HELD)
  const victim = w.workers[0]
  const onVictim = victim.openPipes
  assert.ok(onVictim > 0 && onVictim < HELD)
  process.kill(victim.pid as number, 'SIGKILL')
  const back = await west.waitStatus('the worker back with a new process', s => s.workers[0].up && s.workers[0].pid !== victim.pid && s.workers[0].pid !== undefined, 20_000)
  assert.ok(back.workers[0].pid !== victim.pid)
  const results = await Promise.all(held.map(async h => await h.finish()))
  assert.equal(results.filter(r => r.reset).length, onVictim, 'exactly the dead worker\'s connections were reset')
  assert.equal(results.filter(r => r.intact).length, HELD - onVictim)
  const after = await west.waitStatus('counts back to 0', s => s.openPipes === 0 && s.listeners[0].openConnections === 0)
  assert.ok(after.services[0].targets.every(x => x.openConnections === 0), 'balancing forgot the dead worker\'s connections')
  // New clients reach the restarted worker too.
  const many = await Promise.all(Array.from({ length: 9 }, async () => await HeldEcho.open(port)))
  await Promise.all(many.map(async h => await h.echoesMore(1024, 20_000)))
  const now = await west.waitStatus('all 9 held', s => s.openPipes === 9)
  assert.ok(now.workers[0].openPipes > 0, 'the restarted worker carries clients')
  for (const h of many) assert.equal((await h.finish()).intact, true)
})

test('workers: a site without workers, linked to one with them: its clients reach the workers\' site over the link', async () => {
  const r = await echoTransfer(lonePort, 4 * 1024 * 1024)
  assert.deepEqual([r.receivedBytes, r.received], [4 * 1024 * 1024, r.sent])
  const l = await lone.status()
  assert.deepEqual(l.workers, [])
  assert.equal(l.routers.find(x => x.site === 'east')?.workers, 2)
})
