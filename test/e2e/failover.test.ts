import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { closed, connectionOutcome, countAnswers, dial, namedServer, readLine, whoAnswers } from '../helpers/tcp.js'
import { configArgs, freePort, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

test('two equal-cost targets share 100 concurrent held connections', async (t) => {
  //        +--1-- a  (svc)
  // west --+
  //        +--1-- b  (svc)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const sa = await namedServer('a')
  const sb = await namedServer('b')
  mesh.onStop(async () => { await sa.close(); await sb.close() })
  const a = await Site.start(mesh, 'a', { connectors: [`svc=127.0.0.1:${sa.port}`] })
  const b = await Site.start(mesh, 'b', { connectors: [`svc=127.0.0.1:${sb.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await a.token(), await b.token()], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['a', 'b'])

  const held: Socket[] = []
  const got: Record<string, number> = {}
  await Promise.all(Array.from({ length: 100 }, async () => {
    const s = await dial(port)
    held.push(s)
    const name = await readLine(s)
    got[name] = (got[name] ?? 0) + 1
  }))
  assert.equal((got.a ?? 0) + (got.b ?? 0), 100)
  assert.ok(got.a >= 35 && got.a <= 65, `a got ${got.a}, b got ${got.b}`)
  const status = await west.status()
  const open = status.services.find(s => s.routingKey === 'svc')?.targets.reduce((n, t) => n + t.openConnections, 0)
  assert.equal(open, 100)
  for (const s of held) s.destroy()
})

test('a cost-9999 backup gets nothing while the primary is up, everything after kill -9 of the primary', async (t) => {
  // west --1-- primary (svc)
  // west --9999-- backup (svc)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const sp = await namedServer('primary')
  const sb = await namedServer('backup')
  mesh.onStop(async () => { await sp.close(); await sb.close() })
  const primary = await Site.start(mesh, 'primary', { connectors: [`svc=127.0.0.1:${sp.port}`] })
  const backup = await Site.start(mesh, 'backup', { connectors: [`svc=127.0.0.1:${sb.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await primary.token(), `${await backup.token()},cost=9999`], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['backup', 'primary'])
  assert.deepEqual((await west.status()).links.map(l => [l.site, l.cost]).sort(), [['backup', 9999], ['primary', 1]])

  assert.deepEqual(await countAnswers(port, 40), { primary: 40 })

  // A connection held through the primary when it dies must be closed, not left hanging.
  const heldSocket = await dial(port)
  assert.equal(await readLine(heldSocket), 'primary')
  const heldClosed = closed(heldSocket)

  await primary.kill()
  assert.equal(await heldClosed, 'reset')
  await west.waitTargets('svc', ['backup'])
  assert.deepEqual(await countAnswers(port, 40), { backup: 40 })
})

test('ring of four: killing the middle of the shortest path reroutes over the other side; a restarted site is a target again', async (t) => {
  //  west --1-- north --1-- east (db)
  //  west --2-- south --2-- east
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('east-db')
  mesh.onStop(async () => { await db.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${db.port}`] })
  const north = await Site.start(mesh, 'north', { links: [await east.token()] })
  const south = await Site.start(mesh, 'south', { links: [`${await east.token()},cost=2`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await north.token(), `${await south.token()},cost=2`], listeners: [`db=127.0.0.1:${port}`] })

  const viaNorth = await west.waitStatus('route to east via north', s => s.routers.some(r => r.site === 'east' && r.nextHop === north.peerId && r.cost === 2))
  assert.equal(viaNorth.routers.length, 3)
  assert.deepEqual(await countAnswers(port, 5), { 'east-db': 5 })

  await north.kill()
  await west.waitStatus('route to east via south', s => s.routers.some(r => r.site === 'east' && r.nextHop === south.peerId && r.cost === 4))
  assert.deepEqual(await countAnswers(port, 5), { 'east-db': 5 })

  // east restarts with its data dir: same identity, new epoch, target again at once.
  const eastId = east.peerId
  await east.restart()
  assert.equal(east.peerId, eastId)
  await west.waitTargets('db', ['east'])
  assert.deepEqual(await countAnswers(port, 5), { 'east-db': 5 })
  // Every router agrees on the topology again.
  const [w, s, e] = await Promise.all([west.status(), south.status(), east.status()])
  assert.deepEqual(w.routers.map(r => r.site).sort(), ['east', 'south'])
  assert.deepEqual(s.routers.map(r => r.site).sort(), ['east', 'west'])
  assert.deepEqual(e.routers.map(r => r.site).sort(), ['south', 'west'])
})

test('a frozen target (SIGSTOP) is detected within the liveness timeout and its connections are reset', async (t) => {
  // west --1-- east (svc)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const se = await namedServer('east')
  mesh.onStop(async () => { await se.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`svc=127.0.0.1:${se.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['east'])
  const held = await dial(port)
  assert.equal(await readLine(held), 'east')
  const heldClosed = closed(held)

  const frozenAt = Date.now()
  east.signal('SIGSTOP')
  await west.waitStatus('link to east down', s => !s.links.some(l => l.site === 'east' && l.state === 'up'), 10_000)
  const detectedMs = Date.now() - frozenAt
  assert.equal(await heldClosed, 'reset')
  const resetMs = Date.now() - frozenAt
  await west.waitTargets('svc', [])
  // Default liveness timeout is 1 s; allow for a loaded test machine and 25 ms status polling.
  assert.ok(detectedMs < 2500, `detected after ${detectedMs} ms`)
  assert.ok(resetMs < detectedMs + 1000, `held connection reset after ${resetMs} ms`)
  t.diagnostic(`SIGSTOP detected after ${detectedMs} ms, held connection reset after ${resetMs} ms`)

  // Thawed, it relinks and serves again (after a brief reconvergence: its own
  // stale view of the old link is replaced by the new one).
  east.signal('SIGCONT')
  await waitFor('east answering again', async () => await whoAnswers(port) === 'east')
})

test('SIGTERM: a site exits 0 within seconds and its neighbours drop it at once', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const se = await namedServer('east')
  mesh.onStop(async () => { await se.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`svc=127.0.0.1:${se.port}`] })
  // A long liveness timeout shows that the drop comes from the goodbye, not from silence.
  const west = await Site.start(mesh, 'west', { links: [await east.token()], args: ['--liveness-timeout', '30000'] })
  await west.waitTargets('svc', ['east'])
  const started = Date.now()
  const code = await east.stop()
  assert.equal(code, 0)
  assert.ok(Date.now() - started < 5000)
  await west.waitTargets('svc', [], 3000)
  await waitFor('link down', async () => !(await west.status()).links.some(l => l.state === 'up'), 3000)
})

test('no target: the client connection is closed at once; a refusing connector likewise', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const deadPort = await freePort() // nothing listens here
  // Probing off, so that the refusal happens on a real connection.
  const east = await Site.start(mesh, 'east', { connectors: [`dead=127.0.0.1:${deadPort}`], args: configArgs(mesh, 'east', 'timers: { connectorProbeIntervalMs: 0 }\n') })
  const noneP = await freePort()
  const deadP = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: [`nothing=127.0.0.1:${noneP}`, `dead=127.0.0.1:${deadP}`] })
  await west.waitTargets('dead', ['east'])
  for (const port of [noneP, deadP]) {
    const startedAt = Date.now()
    // The router accepts and resets at once; the reset may even beat the client's connect callback.
    const outcome = await connectionOutcome(port)
    assert.equal(outcome, 'reset')
    assert.ok(Date.now() - startedAt < 3000)
  }
})
