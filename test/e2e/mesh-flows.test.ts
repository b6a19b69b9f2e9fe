import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { FlowRecord, MeshFlows } from '../../src/core/flow-ring.js'
import { echoServer, echoTransfer, type TestServer } from '../helpers/tcp.js'
import { CLI, freePort, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

//   west --1-- middle --1-- east (echo)
// east shares its flow records with west only; middle shares with nobody (the default).
const run = promisify(execFile)
const mesh = new Mesh()
let west: Site, middle: Site, east: Site
let echo: TestServer
let port: number
/** At east, for `back`, which west serves: east is an ingress too. */
let backPort: number

before(async () => {
  echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  port = await freePort()
  backPort = await freePort()
  east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${echo.port}`], listeners: [`back=127.0.0.1:${backPort}`], args: ['--flow-reader', 'west'] })
  middle = await Site.start(mesh, 'middle', { links: [await east.token()] })
  west = await Site.start(mesh, 'west', { links: [await middle.token()], listeners: [`echo=127.0.0.1:${port}`], connectors: [`back=127.0.0.1:${echo.port}`] })
  await west.waitTargets('echo', ['east'])
  await east.waitTargets('back', ['west'])
  // Every site reaches every other (east's route to west is what its answer takes).
  await waitFor('east routes to west', async () => {
    const res = await east.api('GET', '/v1/routes')
    const { routes } = await res.json() as { routes: Array<{ peerId: string }> }
    return routes.some(r => r.peerId === west.peerId)
  })
})

after(async () => { await mesh.stop() })

async function meshFlows (site: Site, query = ''): Promise<MeshFlows> {
  const res = await site.api('GET', `/v1/flows?mesh${query}`)
  assert.equal(res.status, 200)
  return await res.json() as MeshFlows
}

test('flows --mesh at west: its own record, east\'s record of the same connection, and middle\'s refusal', async () => {
  const bytes = 300_000
  const transfer = await echoTransfer(port, bytes)
  assert.equal(transfer.received, transfer.sent)
  // East's record is written when its end of the tunnel closes, just after the client's.
  const answer = await waitFor('both ends recorded', async () => {
    const m = await meshFlows(west, '&key=echo')
    return m.flows.some(f => f.reportedBy === 'east') && m.flows.some(f => f.reportedBy === 'west') ? m : undefined
  })
  const bySite = Object.fromEntries(answer.sites.map(s => [s.site, s]))
  assert.equal(bySite.west?.state, 'answered')
  assert.equal(bySite.east?.state, 'answered')
  assert.equal(bySite.middle?.state, 'refused')
  assert.match(bySite.middle?.message ?? '', /middle does not share its flow records.*flows\.readers/)

  const ingress = answer.flows.find(f => f.reportedBy === 'west') as FlowRecord
  const destination = answer.flows.find(f => f.reportedBy === 'east') as FlowRecord
  assert.equal(ingress.side, 'ingress')
  assert.equal(destination.side, 'destination')
  assert.equal(destination.connectionId, ingress.connectionId)
  assert.equal(destination.ingressPeer, west.peerId)
  assert.equal(destination.connector, `127.0.0.1:${echo.port}`)
  for (const r of [ingress, destination]) {
    assert.equal(r.bytesIn, bytes)
    assert.equal(r.bytesOut, bytes)
    assert.equal(r.result, 'closed')
    assert.equal(r.targetSite, 'east')
  }

  // East's answer carries no pair of its own (it is no ingress); west's own pair says what west carried to east.
  const pair = answer.pairs.find(p => p.fromSite === 'west' && p.toSite === 'east' && p.key === 'echo')
  assert.deepEqual(pair && { bytesIn: pair.bytesIn, bytesOut: pair.bytesOut, open: pair.open, toPeer: pair.toPeer }, { bytesIn: bytes, bytesOut: bytes, open: 0, toPeer: east.peerId })
  assert.equal(answer.pairs.filter(p => p.fromSite === 'east').length, 0)

  // The CLI prints one row for the connection: west's client and east's connector.
  const { stdout } = await run(process.execPath, [CLI, 'flows', '--mesh', '--key', 'echo', '--data-dir', west.dataDir], { timeout: 20_000 })
  const rows = stdout.split('\n').filter(l => l.includes(`127.0.0.1:${echo.port}`))
  assert.equal(rows.length, 1, stdout)
  assert.match(rows[0], new RegExp(`echo\\s+127\\.0\\.0\\.1:${ingress.clientPort}\\s+west\\s+east\\s+127\\.0\\.0\\.1:${echo.port}\\s+${bytes}\\s+${bytes}`))
  assert.match(stdout, /middle: refused: middle does not share/)
  assert.match(stdout, /east: 1 record\n/)
})

test('flows --mesh carries each member\'s own traffic by site pair: east as the ingress of a key west serves', async () => {
  const bytes = 123_456
  const transfer = await echoTransfer(backPort, bytes)
  assert.equal(transfer.received, transfer.sent)
  const pair = await waitFor('east reports east -> west', async () => {
    const m = await meshFlows(west, '&key=back')
    return m.pairs.find(p => p.fromSite === 'east' && p.toSite === 'west' && p.key === 'back' && p.bytesIn === bytes)
  })
  assert.deepEqual([pair.fromPeer, pair.toPeer, pair.bytesOut, pair.open], [east.peerId, west.peerId, bytes, 0])
})

test('the asker\'s filter travels with the query, and a member that is not a reader is refused', async () => {
  const none = await meshFlows(west, '&key=nothing-here')
  assert.equal(none.flows.length, 0)
  assert.equal(none.sites.find(s => s.site === 'east')?.state, 'answered')

  const fromMiddle = await meshFlows(middle)
  const east_ = fromMiddle.sites.find(s => s.site === 'east')
  assert.equal(east_?.state, 'refused')
  assert.match(east_?.message ?? '', /east does not share its flow records/)
  assert.equal(fromMiddle.flows.filter(f => f.reportedBy === 'east').length, 0)
  assert.equal(fromMiddle.sites.find(s => s.site === 'west')?.state, 'refused')
})
