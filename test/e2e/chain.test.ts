import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { closed, dial, digestServer, echoServer, echoTransfer, readLine, type TestServer } from '../helpers/tcp.js'
import { freePort, Mesh, Site } from '../helpers/site.js'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

//   west --1-- middle --1-- east        db connector at east, listener at west
const mesh = new Mesh()
let west: Site, middle: Site, east: Site
let db: TestServer, digest: TestServer
let dbPort: number, digestPort: number

before(async () => {
  db = await echoServer()
  digest = await digestServer(1024 * 1024)
  mesh.onStop(async () => { await db.close(); await digest.close() })
  dbPort = await freePort()
  digestPort = await freePort()
  east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${db.port}`, `digest=127.0.0.1:${digest.port}`] })
  middle = await Site.start(mesh, 'middle', { links: [await east.token()] })
  // west's link is a file holding the token, as in docker/compose.yml.
  const tokenFile = join(mesh.dir, 'middle.token')
  writeFileSync(tokenFile, `${await middle.token()}\n`)
  west = await Site.start(mesh, 'west', { links: [tokenFile], listeners: [`db=127.0.0.1:${dbPort}`, `digest=127.0.0.1:${digestPort}`] })
  await west.waitTargets('db', ['east'])
})

after(async () => { await mesh.stop() })

test('every router computes the same costs for the chain, through middle', async () => {
  const w = await west.status()
  const byName = Object.fromEntries(w.routers.map(r => [r.site, r]))
  assert.equal(byName.middle.cost, 1)
  assert.equal(byName.east.cost, 2)
  assert.equal(byName.east.nextHop, middle.peerId)
  assert.deepEqual(w.services.find(s => s.routingKey === 'db')?.targets.map(t => [t.site, t.cost]), [['east', 2]])
  const e = await east.status()
  const fromEast = Object.fromEntries(e.routers.map(r => [r.site, r.cost]))
  assert.deepEqual(fromEast, { middle: 1, west: 2 })
  assert.deepEqual(w.links.map(l => [l.site, l.state, l.cost]), [['middle', 'up', 1]])
})

test('64 MiB each way through two hops arrive byte-exact (SHA-256)', async () => {
  const r = await echoTransfer(dbPort, 64 * 1024 * 1024)
  assert.equal(r.receivedBytes, 64 * 1024 * 1024)
  assert.equal(r.received, r.sent)
})

test('a client that half-closes still receives the full reply', async () => {
  const s = await dial(digestPort)
  const payload = Buffer.alloc(3 * 1024 * 1024, 1)
  s.write(payload)
  s.end()
  const line = await readLine(s)
  assert.equal(line, `${createHash('sha256').update(payload).digest('hex')} ${payload.length}`)
  let tail = 0
  s.on('data', (d: Buffer) => { tail += d.length })
  assert.equal(await closed(s), 'ended')
  // readLine may have consumed part of the 1 MiB tail with the line
  assert.ok(tail <= 1024 * 1024 && tail > 1024 * 1024 - 65536 * 2, `tail ${tail}`)
})

test('200 concurrent connections all carry their own bytes', async () => {
  const results = await Promise.all(Array.from({ length: 200 }, async () => await echoTransfer(dbPort, 64 * 1024, 16 * 1024)))
  for (const r of results) {
    assert.equal(r.receivedBytes, 64 * 1024)
    assert.equal(r.received, r.sent)
  }
  const w = await west.waitStatus('open connections back to 0', s => s.services.every(svc => svc.targets.every(t => t.openConnections === 0)))
  assert.equal(w.listeners.every(l => l.openConnections === 0), true)
})

test('a slow reader holds the writer back: router memory stays bounded', async () => {
  // The client writes 128 MiB without reading any echo: once every buffer on the
  // path is full, its writes must stall instead of piling up in a router.
  const s = await dial(dbPort)
  const chunk = Buffer.alloc(1024 * 1024, 3)
  let written = 0
  let stalled = false
  while (written < 128 * 1024 * 1024) {
    written += chunk.length
    if (!s.write(chunk)) {
      const drained = await Promise.race([new Promise(resolve => s.once('drain', () => resolve(true))), new Promise(resolve => setTimeout(() => resolve(false), 2000))])
      if (drained === false) { stalled = true; break }
    }
  }
  assert.equal(stalled, true, `wrote ${written} bytes without ever being held back`)
  assert.ok(written < 100 * 1024 * 1024, `${written} bytes accepted before backpressure`)
  s.destroy()
})

test('metrics and readiness: /metrics shows links, routers, connections and bytes in Prometheus format', async () => {
  assert.equal((await fetch(`${west.apiUrl}/readyz`)).status, 200)
  const res = await fetch(`${west.apiUrl}/metrics`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/)
  const text = await res.text()
  const value = (pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? NaN)
  assert.equal(value(new RegExp(`^portmesh_link_up\\{peer="${middle.peerId}",site="middle"\\} (\\d+)$`, 'm')), 1)
  // The configured 1 s, raised (up to 5×) only if probes arrived late, e.g. behind the 64 MiB transfers on a busy machine.
  const liveness = value(new RegExp(`^portmesh_link_liveness_timeout_seconds\\{peer="${middle.peerId}",site="middle"\\} ([\\d.]+)$`, 'm'))
  assert.ok(liveness >= 1 && liveness <= 5, `liveness timeout ${liveness} s`)
  assert.equal(value(/^portmesh_routers_known (\d+)$/m), 2)
  assert.ok(value(/^portmesh_connections_total\{routing_key="db"\} (\d+)$/m) >= 201)
  assert.ok(value(/^portmesh_connection_bytes_total\{routing_key="db",direction="in"\} (\d+)$/m) >= 64 * 1024 * 1024)
  assert.equal(value(/^portmesh_service_targets\{routing_key="db"\} (\d+)$/m), 1)
  assert.ok(value(/^portmesh_advertisements_sent_total (\d+)$/m) > 0)
  assert.match(text, /^portmesh_route_computation_seconds_count \d+$/m)
  assert.match(text, /^process_resident_memory_bytes \d+/m)
})
