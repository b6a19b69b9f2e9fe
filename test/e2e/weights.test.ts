import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { countAnswers, dial, namedServer, readLine } from '../helpers/tcp.js'
import { freePort, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

test('connector weights 3 and 1 at equal cost share 200 held connections 75/25; a cost-9999 backup gets none', async (t) => {
  //        +--1-- heavy  (svc, weight=3)
  // west --+--1-- light  (svc, weight=1)
  //        +--1-- backup (svc, cost=9999)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const servers = await Promise.all(['heavy', 'light', 'backup'].map(async n => await namedServer(n)))
  mesh.onStop(async () => { await Promise.all(servers.map(async s => { await s.close() })) })
  const [sh, sl, sb] = servers
  const heavy = await Site.start(mesh, 'heavy', { connectors: [`svc=127.0.0.1:${sh.port},weight=3`] })
  const light = await Site.start(mesh, 'light', { connectors: [`svc=127.0.0.1:${sl.port},weight=1`] })
  const backup = await Site.start(mesh, 'backup', { connectors: [`svc=127.0.0.1:${sb.port},cost=9999`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await heavy.token(), await light.token(), await backup.token()], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['backup', 'heavy', 'light'])
  const weights = (await west.status()).services.find(s => s.routingKey === 'svc')?.targets.map(tg => [tg.site, tg.weight]).sort()
  assert.deepEqual(weights, [['backup', 1], ['heavy', 3], ['light', 1]])

  const held: Socket[] = []
  const got: Record<string, number> = {}
  await Promise.all(Array.from({ length: 200 }, async () => {
    const s = await dial(port)
    held.push(s)
    const name = await readLine(s)
    got[name] = (got[name] ?? 0) + 1
  }))
  t.diagnostic(`split of 200 held connections: ${JSON.stringify(got)}`)
  assert.equal(got.backup, undefined, `backup got ${got.backup}`)
  assert.equal((got.heavy ?? 0) + (got.light ?? 0), 200)
  // 75 % / 25 % within ±10 points.
  assert.ok(got.heavy >= 130 && got.heavy <= 170, `heavy got ${got.heavy}, light got ${got.light}`)
  const open = (await west.status()).services.find(s => s.routingKey === 'svc')?.targets.reduce((n, tg) => n + tg.openConnections, 0)
  assert.equal(open, 200)
  for (const s of held) s.destroy()
})

test('a listener with a fallback key: primary killed, new connections go to the replica\'s key; primary back, to the primary again; open ones stay', async (t) => {
  // west --1-- primary (db-primary)
  // west --1-- replica (db-replica)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const sp = await namedServer('primary')
  const sr = await namedServer('replica')
  mesh.onStop(async () => { await sp.close(); await sr.close() })
  const primary = await Site.start(mesh, 'primary', { connectors: [`db-primary=127.0.0.1:${sp.port}`] })
  const replica = await Site.start(mesh, 'replica', { connectors: [`db-replica=127.0.0.1:${sr.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await primary.token(), await replica.token()], listeners: [`db-primary=127.0.0.1:${port},fallback=db-replica`] })
  await west.waitTargets('db-primary', ['primary'])
  await west.waitTargets('db-replica', ['replica'])
  const activeKey = async (): Promise<string | undefined> => (await west.status()).listeners.find(l => l.routingKey === 'db-primary')?.activeKey
  assert.equal(await activeKey(), 'db-primary')
  assert.deepEqual(await countAnswers(port, 10), { primary: 10 })

  await primary.kill()
  await waitFor('activeKey db-replica', async () => await activeKey() === 'db-replica')
  assert.deepEqual(await countAnswers(port, 10), { replica: 10 })
  // Held through the fallback while the primary comes back: it stays.
  const held = await dial(port)
  assert.equal(await readLine(held), 'replica')

  const logFrom = west.stdout.length
  await primary.restart()
  await waitFor('activeKey db-primary', async () => await activeKey() === 'db-primary')
  // At once, not after a settling time: the restarted primary's first
  // advertisement (which does not list west yet) must not make west drop it
  // again for a moment (link-state.test.ts has the engine-level case).
  assert.deepEqual(await countAnswers(port, 10), { primary: 10 })
  const dropped = west.stdout.slice(logFrom).split('\n').filter(l => l.includes('service has no target now') && l.includes('"db-primary"'))
  assert.deepEqual(dropped, [], 'west never lost the restarted primary once it was back')
  held.write('still here\n')
  assert.equal(await readLine(held), 'still here')
  held.destroy()
})
