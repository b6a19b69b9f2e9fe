import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { connectionOutcome, echoServer, echoTransfer, type TestServer } from '../helpers/tcp.js'
import { HeldEcho } from '../helpers/held-echo.js'
import { CLI, freePort, freePortRange, Mesh, Site } from '../helpers/site.js'
import { createServer } from 'node:net'
import { waitFor } from '../helpers/wait.js'
import type { RouterStatus } from '../../src/api/types.js'
import type { FlowRecord } from '../../src/core/flow-ring.js'
import { connectionDone, Rogue, streamDone } from '../helpers/rogue.js'
import { encodeTunnelHeader } from '../../src/wire/codec.js'
import { TUNNEL_PROTOCOL } from '../../src/wire/constants.js'
import { encodeFrame } from '../../src/wire/frames.js'

//   west (workers: 2) --1-- east (workers: 2, echo)
// Clients at west's listener are shared between west's router and its
// worker; the worker's tunnels go to east's worker, the router's over the link.
const mesh = new Mesh()
let west: Site, east: Site, north: Site
let echo: TestServer
let port: number
let secretPort: number
let northSecretPort: number

before(async () => {
  echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  port = await freePort()
  secretPort = await freePort()
  northSecretPort = await freePort()
  // secret: only west may use it, end-to-end encrypted.
  east = await Site.start(mesh, 'east', { workers: 2, connectors: [`echo=127.0.0.1:${echo.port}`, `secret=127.0.0.1:${echo.port},allow=west,e2e=true`] })
  west = await Site.start(mesh, 'west', { workers: 2, links: [await east.token()], listeners: [`echo=127.0.0.1:${port}`, `secret=127.0.0.1:${secretPort}`] })
  north = await Site.start(mesh, 'north', { workers: 2, links: [await east.token()], listeners: [`secret=127.0.0.1:${northSecretPort}`] })
  await west.waitTargets('echo', ['east'])
  await north.waitTargets('secret', ['east'])
  // West routes clients to its worker once it knows east runs workers too.
  await west.waitStatus('east advertises its worker', s => s.routers.find(r => r.site === 'east')?.workers === 1)
})

after(async () => { await mesh.stop() })

async function flows (site: Site): Promise<FlowRecord[]> {
  return (await (await site.api('GET', '/v1/flows')).json() as { flows: FlowRecord[] }).flows
}

/** How a connection ends, or 'still open' after 5 s (a client let through to the echo service stays open). */
async function outcomeWithin (at: number): Promise<string> {
  return await Promise.race([connectionOutcome(at), new Promise<string>(resolve => setTimeout(() => resolve('still open'), 5_000).unref())])
}

/** Pipes the router itself runs: the total less its workers'. */
const ownPipes = (s: RouterStatus): number => s.openPipes - s.workers.reduce((n, w) => n + w.openPipes, 0)

test('workers: 2 at both ends: held connections are shared between router and worker, and the status shows them as one site', async () => {
  const HELD = 12
  const held = await Promise.all(Array.from({ length: HELD }, async () => await HeldEcho.open(port)))
  try {
    await Promise.all(held.map(async h => await h.echoesMore(2048)))
    const w = await west.waitStatus('every held connection counted', s => s.openPipes === HELD)
    assert.equal(w.workers.length, 1)
    assert.equal(w.workers[0].up, true)
    assert.ok(w.workers[0].openPipes > 0 && ownPipes(w) > 0, `router ${ownPipes(w)}, worker ${w.workers[0].openPipes}: both carry clients`)
    assert.equal(w.listeners[0].openConnections, HELD, 'the listener counts the clients its worker carries')
    assert.equal(w.services[0].targets[0].openConnections, HELD, 'balancing counts them too')
    assert.deepEqual(w.workers[0].connections.map(c => c.site), ['east'], 'west\'s worker connects to east (its worker)')
    // At east the worker's tunnels arrive at east's worker, the router's at east's router.
    const e = await east.waitStatus('east carries them all', s => s.openPipes === HELD)
    assert.equal(e.workers[0].openPipes, w.workers[0].openPipes)
    // Metrics and `portmesh status` show the worker beside the router.
    assert.equal(await west.metric('portmesh_worker_up{worker="1"}'), 1)
    assert.ok((await west.metric('portmesh_worker_cpu_seconds_total{worker="1"}') ?? 0) > 0)
    assert.equal(await west.metric('portmesh_open_connections{routing_key="echo"}'), HELD)
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'status', '--api', west.apiUrl.replace('http://', '')], { timeout: 20_000 })
    assert.match(stdout, new RegExp(`Workers\\n\\s+WORKER\\s+STATE\\s+PID\\s+PIPES\\s+CPU\\s+CONNECTED TO\\s+ADDRESS\\n\\s+1\\s+up\\s+${w.workers[0].pid as number}\\s+${w.workers[0].openPipes}\\s+[\\d.]+ s\\s+east\\s+/ip4/127\\.0\\.0\\.1/tcp/${west.port + 1}`))
    for (const h of held) assert.equal((await h.finish()).intact, true)
  } finally {
    for (const h of held) await h.finish(100)
  }
  const after = await west.waitStatus('all closed', s => s.openPipes === 0 && s.listeners[0].openConnections === 0)
  assert.equal(after.services[0].targets[0].openConnections, 0)
})

test('workers: 32 concurrent transfers of 2 MiB each way arrive byte-exact, and every one is counted and recorded once', async () => {
  const before = await west.metric('portmesh_connections_total{routing_key="echo"}') ?? 0
  const flowsBefore = (await flows(west)).length
  const results = await Promise.all(Array.from({ length: 32 }, async () => await echoTransfer(port, 2 * 1024 * 1024, 64 * 1024)))
  for (const r of results) {
    assert.equal(r.receivedBytes, 2 * 1024 * 1024)
    assert.equal(r.received, r.sent)
  }
  await west.waitStatus('all closed', s => s.openPipes === 0)
  assert.equal(await west.metric('portmesh_connections_total{routing_key="echo"}'), before + 32)
  const recorded = await waitFor('32 flow records', async () => {
    const all = await flows(west)
    return all.length - flowsBefore >= 32 ? all.slice(flowsBefore) : undefined
  })
  assert.equal(recorded.length, 32)
  for (const f of recorded) assert.deepEqual([f.side, f.result, f.bytesIn, f.bytesOut], ['ingress', 'closed', 2 * 1024 * 1024, 2 * 1024 * 1024])
  // The worker's share shows in the site's byte counters.
  const bytesIn = await west.metric('portmesh_connection_bytes_total{routing_key="echo",direction="in"}') ?? 0
  assert.ok(bytesIn >= 32 * 2 * 1024 * 1024, `connection bytes in: ${bytesIn}`)
})

test('workers: a client that half-closes still gets the whole reply when a worker carries it', async () => {
  // Every other client goes to the worker: 8 in a row cover both.
  for (let i = 0; i < 8; i++) {
    const r = await echoTransfer(port, 300_000, 300_000)
    assert.deepEqual([r.receivedBytes, r.received], [300_000, r.sent], `client ${i}`)
  }
})

test('workers: a stranger that connects to a worker\'s port is cut off and reaches no service', async () => {
  acceptedMark = echo.accepted
  const rogue = await Rogue.start()
  try {
    const w = await west.status()
    const workerAddress = w.workers[0].addresses[0]
    const conn = await rogue.dial(workerAddress, west.peerId)
    let got = 0
    try {
      const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
      stream.addEventListener('message', (evt) => { got += evt.data.byteLength })
      stream.send(encodeFrame(encodeTunnelHeader({ routingKey: 'echo', destination: east.peerId, hopLimit: 8, connectionId: 1, ingress: rogue.peerId })))
      stream.send(Buffer.from('hello'))
      await streamDone(stream)
    } catch {
      // Refused before a stream could open: as good.
    }
    await Promise.race([connectionDone(conn), new Promise(resolve => setTimeout(resolve, 5_000))])
    assert.notEqual(conn.status, 'open', 'the worker kept a stranger\'s connection open')
    assert.equal(got, 0, 'the stranger received bytes')
    assert.equal(echo.accepted, echoAcceptedBefore(), 'the stranger reached the echo service')
  } finally {
    await rogue.stop()
  }
})

let acceptedMark = 0
function echoAcceptedBefore (): number { return acceptedMark }

test('workers: a connector with allow and e2e, reached through workers: the allowed site gets through, another is denied at either of east\'s processes, and east counts every denial', async () => {
  for (let i = 0; i < 6; i++) {
    const r = await echoTransfer(secretPort, 200_000, 50_000)
    assert.deepEqual([r.receivedBytes, r.received], [200_000, r.sent], `allowed client ${i}`)
  }
  const before = await east.metric('portmesh_tunnels_denied_total{routing_key="secret",reason="not-allowed"}') ?? 0
  await north.waitStatus('north ranks east\'s worker', s => s.routers.find(r => r.site === 'east')?.workers === 1)
  // Two at once: ranked before either is denied, one goes to north's router, one to its worker (and on to east's).
  assert.deepEqual(await Promise.all([outcomeWithin(northSecretPort), outcomeWithin(northSecretPort)]), ['reset', 'reset'])
  // A denied target is then left out for a while: later clients are refused at north.
  for (let i = 0; i < 4; i++) assert.equal(await outcomeWithin(northSecretPort), 'reset', `north's client ${i}`)
  const denied = await waitFor('east counts the denials', async () => {
    const n = (await east.metric('portmesh_tunnels_denied_total{routing_key="secret",reason="not-allowed"}') ?? 0) - before
    return n >= 2 ? n : undefined
  })
  assert.ok(denied >= 2, `east denied ${denied}`)
  assert.match(east.stdout, /"worker":1,[^\n]*"msg":"tunnel denied"/, 'east\'s worker denied and logged it')
})

test('workers: revoking the far site resets the connections the worker carries to it at once', async () => {
  const held = await Promise.all(Array.from({ length: 6 }, async () => await HeldEcho.open(port)))
  await Promise.all(held.map(async h => await h.echoesMore(1024)))
  const w = await west.waitStatus('both carry some', s => s.openPipes === 6 && s.workers[0].openPipes > 0 && ownPipes(s) > 0)
  assert.ok(w.workers[0].openPipes > 0)
  const res = await west.api('POST', '/v1/revocations', { peer: 'east' })
  assert.equal(res.status, 201)
  await Promise.all(held.map(async h => await h.whenReset(3_000)))
  const after = await west.waitStatus('nothing open', s => s.openPipes === 0 && s.listeners[0].openConnections === 0)
  assert.equal(after.workers[0].connections.length, 0, 'the worker keeps no connection to a revoked site')
  for (const h of held) await h.finish(100)
})

test('workers: a worker port in use stops the start with one sentence naming it', async () => {
  const first = await freePortRange(2)
  const squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(first + 1, '127.0.0.1', resolve))
  const other = new Mesh()
  try {
    await assert.rejects(Site.start(other, 'squatted', { workers: 2, args: ['--listen', `/ip4/127.0.0.1/tcp/${first}`] }),
      // Its worker listens on each listen port + 1: the site's own (free) and first + 1 (taken).
      new RegExp(`portmesh: cannot start: worker 1: cannot listen on [^:]*/ip4/127\\.0\\.0\\.1/tcp/${first + 1}: address already in use \\(a site's workers listen on its listen ports \\+ 1, \\+ 2, \\.\\.\\.\\)`))
  } finally {
    squatter.close()
    await other.stop()
  }
})
