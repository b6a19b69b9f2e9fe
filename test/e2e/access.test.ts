import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { configArgs, freePort, Mesh, Site } from '../helpers/site.js'
import { closed, dial, echoServer, echoTransfer, namedServer, readLine } from '../helpers/tcp.js'
import { waitFor } from '../helpers/wait.js'

/**
 * Who may use and who may serve a service, decided on proven identities, with
 * every site a real `portmesh run` process.
 */

/** What a client at `port` (that first sends `send`, if given) gets: the workload's first line, or how the connection ended. */
async function outcome (port: number, send?: string): Promise<string> {
  // A refusal can reset the connection before the connect completes.
  const s = await dial(port).catch(() => undefined)
  if (s === undefined) return 'closed'
  if (send !== undefined) s.write(send)
  const first = await Promise.race([readLine(s, 5000).catch(() => undefined), closed(s)])
  s.destroy()
  return first ?? 'closed'
}

/** The JSON log lines of a site that match `msg`. */
function logLines (site: Site, msg: string): Array<Record<string, unknown>> {
  return site.stdout.split('\n').filter(l => l.includes(msg)).map(l => JSON.parse(l) as Record<string, unknown>)
}

test('allow: the allowed site reaches the connector; another member and an impostor using the allowed name are denied at once', async (t) => {
  //   west ---- east (db, allow=west) ---- north
  //               |
  //            impostor (calls itself "west", a new identity)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('db at east')
  mesh.onStop(async () => { await db.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${db.port},allow=west`] })
  const [westPort, northPort, impostorPort] = [await freePort(), await freePort(), await freePort()]
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: [`db=127.0.0.1:${westPort}`] })
  const north = await Site.start(mesh, 'north', { links: [await east.token()], listeners: [`db=127.0.0.1:${northPort}`] })
  await west.waitTargets('db', ['east'])
  await north.waitTargets('db', ['east'])

  // The rule names west, and east has bound that name to west's identity.
  const status = await east.waitStatus('allow resolved to west', s => s.connectors[0]?.allow !== 'every member' && s.connectors[0]?.allow[0]?.peerId === west.peerId)
  assert.deepEqual(status.connectors[0].allow, [{ entry: 'west', peerId: west.peerId }])

  assert.equal(await outcome(westPort), 'db at east')
  const delivered = (): number => logLines(east, 'tunnel delivered to connector').length
  // The router logs the delivery just after it answers: wait for the line.
  await waitFor('east logs the delivery to west', () => delivered() === 1)
  const before = delivered()
  assert.equal(await outcome(northPort), 'closed')
  await waitFor('east logs the denial with the caller', () => logLines(east, 'tunnel denied').find(l => l.callerPeer === north.peerId))
  const line = logLines(east, 'tunnel denied').find(l => l.callerPeer === north.peerId)
  assert.equal(line?.callerSite, 'north')
  // A denied connection never reached the workload, and is not sent elsewhere.
  assert.equal(delivered(), before)

  // A newcomer that calls itself "west": a member, but not the identity the name is bound to.
  const impostor = await Site.start(mesh, 'impostor', { links: [await east.token()], listeners: [`db=127.0.0.1:${impostorPort}`], args: ['--site', 'west'] })
  assert.equal((await impostor.status()).site, 'west')
  await impostor.waitTargets('db', ['east'])
  assert.equal(await outcome(impostorPort), 'closed')
  await waitFor('east logs the impostor denied', () => logLines(east, 'tunnel denied').find(l => l.callerPeer === impostor.peerId))
  const conflicts = (await east.waitStatus('name conflict shown', s => s.nameConflicts.length > 0)).nameConflicts
  assert.deepEqual(conflicts, [{ site: 'west', pinned: west.peerId, claimant: impostor.peerId }])
  // The real west is unaffected, and a denial is logged once per caller, not per connection.
  assert.equal(await outcome(westPort), 'db at east')
  for (let i = 0; i < 5; i++) assert.equal(await outcome(northPort), 'closed')
  assert.equal(logLines(east, 'tunnel denied').filter(l => l.callerPeer === north.peerId).length, 1)
  // After a restart of east the name is still bound to west (pins live in the data dir).
  await east.restart()
  await west.waitTargets('db', ['east'])
  await impostor.waitTargets('db', ['east'])
  assert.equal(await outcome(westPort), 'db at east')
  await waitFor('the impostor is still denied after a restart', async () => await outcome(impostorPort) === 'closed' && logLines(east, 'tunnel denied').some(l => l.callerPeer === impostor.peerId))
})

test('trust: a listener never reaches an untrusted provider of its key (200 connections, none to the rogue), and status names it', async (t) => {
  //   west (listener db, trust=east) --1-- rogue (db, cost 0)
  //      \--5-- east (db)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const good = await namedServer('east')
  const bad = await namedServer('rogue')
  mesh.onStop(async () => { await good.close(); await bad.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${good.port}`] })
  const rogue = await Site.start(mesh, 'rogue', { connectors: [`db=127.0.0.1:${bad.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [`${await east.token()},cost=5`, await rogue.token()], listeners: [`db=127.0.0.1:${port},trust=east`] })
  const status = await west.waitTargets('db', ['east', 'rogue'])
  // The rogue is the cheaper target: only the rule keeps it out.
  const targets = status.services.find(s => s.routingKey === 'db')?.targets ?? []
  assert.equal(targets[0].site, 'rogue')
  assert.deepEqual(status.listeners[0].untrusted, [{ site: 'rogue', peerId: rogue.peerId }])
  assert.deepEqual(status.listeners[0].trust, [{ entry: 'east', peerId: east.peerId }])
  const held = []
  for (let i = 0; i < 200; i++) {
    const s = await dial(port)
    assert.equal(await readLine(s), 'east')
    held.push(s)
  }
  // Every client heard east; the rogue's router handed no tunnel to its workload (its own probes aside).
  await waitFor('east logs 200 deliveries', () => logLines(east, 'tunnel delivered to connector').length === 200)
  assert.equal(logLines(rogue, 'tunnel delivered to connector').length, 0)
  for (const s of held) s.destroy()
})

const ROGUE_TRANSIT = pathToFileURL(resolve(fileURLToPath(import.meta.url), '../../helpers/rogue-transit.js')).href

test('a transit site that rewrites tunnel requests cannot make the destination accept a forbidden origin', async (t) => {
  //   west --- transit (hostile) --- east (db, allow=west)
  //   north ---/
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('db at east')
  mesh.onStop(async () => { await db.close() })
  const modeFile = join(mesh.dir, 'rogue-mode')
  const mode = (m: string): void => writeFileSync(modeFile, m)
  mode('record')
  // One key per attack: north leaves a target that denied it out of its choices for that key for a while.
  const keys = ['db', 'db-b', 'db-c']
  const east = await Site.start(mesh, 'east', { connectors: keys.map(k => `${k}=127.0.0.1:${db.port},allow=west`) })
  const transit = await Site.start(mesh, 'transit', { links: [await east.token()], nodeArgs: ['--import', ROGUE_TRANSIT], env: { ROGUE_MODE_FILE: modeFile } })
  const westPort = await freePort()
  const northPorts = [await freePort(), await freePort(), await freePort()]
  const west = await Site.start(mesh, 'west', { links: [await transit.token()], listeners: [`db=127.0.0.1:${westPort}`] })
  const north = await Site.start(mesh, 'north', { links: [await transit.token()], listeners: keys.map((k, i) => `${k}=127.0.0.1:${northPorts[i]}`) })
  await west.waitTargets('db', ['east'])
  await north.waitTargets('db', ['east'])
  await east.waitStatus('west pinned', s => s.connectors[0]?.allow !== 'every member' && s.connectors[0]?.allow[0]?.peerId === west.peerId)

  // Through the transit as it records: west is let in, and the transit keeps west's header.
  assert.equal(await outcome(westPort), 'db at east')
  // Counted per reason in east's metrics (the log says it once per caller per interval).
  const denials = async (key: string, reason: string): Promise<number> => await east.metric(`portmesh_tunnels_denied_total{routing_key="${key}",reason="${reason}"}`) ?? 0

  // north's request, relabelled as west's (north's proof kept): the signature no longer matches.
  mode(`claim ${west.peerId}`)
  assert.equal(await outcome(northPorts[0]), 'closed')
  await waitFor('east refuses the relabelled request', async () => await denials('db', 'bad-signature') === 1)

  // Relabelled with the proof stripped: west's advertisement says it signs, so an unsigned "west" is refused.
  mode(`strip-claim ${west.peerId}`)
  assert.equal(await outcome(northPorts[1]), 'closed')
  await waitFor('east refuses the unsigned request', async () => await denials('db-b', 'unsigned') === 1)

  // west's recorded header, replayed for north's connection: refused as a replay.
  mode('replay')
  assert.equal(await outcome(northPorts[2]), 'closed')
  await waitFor('east refuses the replay', async () => await denials('db', 'replay') === 1)

  // Not one of these reached the workload; west still gets through an honest transit.
  assert.equal(logLines(east, 'tunnel delivered to connector').length, 1)
  mode('honest')
  assert.equal(await outcome(westPort), 'db at east')
})

test('a transit site that answers in the destination\'s place reaches no client of a listener with trust, and none of its bytes', async (t) => {
  //   west (db trust=east; open without trust) --- transit (hostile) --- east (db, open)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('db at east')
  mesh.onStop(async () => { await db.close() })
  const modeFile = join(mesh.dir, 'rogue-mode')
  const tapFile = join(mesh.dir, 'tap')
  writeFileSync(modeFile, 'honest')
  writeFileSync(tapFile, '')
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${db.port}`, `open=127.0.0.1:${db.port}`] })
  const transit = await Site.start(mesh, 'transit', { links: [await east.token()], nodeArgs: ['--import', ROGUE_TRANSIT], env: { ROGUE_MODE_FILE: modeFile, ROGUE_TAP_FILE: tapFile } })
  const [trusting, open] = [await freePort(), await freePort()]
  // Tunnels not resumable, so the rogue's plain answer is one that a listener without trust takes.
  const west = await Site.start(mesh, 'west', { links: [await transit.token()], listeners: [`db=127.0.0.1:${trusting},trust=east`, `open=127.0.0.1:${open}`], args: configArgs(mesh, 'west', 'timers:\n  resumeTimeoutMs: 0\n') })
  await west.waitTargets('db', ['east'])
  await west.waitTargets('open', ['east'])
  assert.equal(await outcome(trusting), 'db at east', 'through an honest transit')

  writeFileSync(modeFile, 'impersonate')
  writeFileSync(tapFile, '')
  const secret = 'secret from the client\n'
  // The listener that trusts only east takes no unsigned answer, and sent nothing before it.
  assert.equal(await outcome(trusting, secret), 'closed')
  assert.equal(readFileSync(tapFile, 'utf8'), '', 'no client byte reached the impersonator')
  // Without trust the mesh's members are trusted as transits (DESIGN.md): the attack is real there.
  assert.equal(await outcome(open, secret), 'rogue here')
  assert.match(readFileSync(tapFile, 'utf8'), /secret from the client/)
})

test('revoking a site that reaches us through a third one resets its held tunnels within 1 s and denies its new ones', async (t) => {
  //   west --- transit --- east (db)        east revokes west, which it never linked with
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('db at east')
  mesh.onStop(async () => { await db.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${db.port}`] })
  const transit = await Site.start(mesh, 'transit', { links: [await east.token()] })
  const westPort = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await transit.token()], listeners: [`db=127.0.0.1:${westPort}`] })
  await west.waitTargets('db', ['east'])
  const held = await dial(westPort)
  assert.equal(await readLine(held), 'db at east')
  const heldEnd = closed(held)

  const started = performance.now()
  const res = await fetch(`${east.apiUrl}/v1/revocations`, { method: 'POST', headers: { 'content-type': 'application/json', ...east.apiHeaders }, body: JSON.stringify({ peer: 'west' }) })
  assert.equal(res.status, 201)
  assert.equal(await Promise.race([heldEnd, new Promise(resolve => setTimeout(() => resolve('still open after 5 s'), 5000))]), 'reset')
  const cutMs = performance.now() - started
  process.stderr.write(`held tunnel through a third site cut ${cutMs.toFixed(0)} ms after the revoke call\n`)
  assert.ok(cutMs < 1000, `cut after ${cutMs} ms`)
  // West still routes to east through the transit, but east answers DENIED: the client is closed, nothing reaches db.
  const deliveredBefore = logLines(east, 'tunnel delivered to connector').length
  assert.equal(await outcome(westPort), 'closed')
  assert.equal(logLines(east, 'tunnel delivered to connector').length, deliveredBefore)
  await waitFor('east logs the revoked caller denied', () => logLines(east, 'tunnel denied').some(l => l.callerPeer === west.peerId && l.reason === 'revoked'))
})

test('e2e=true: what the transit site splices holds no plaintext; the payload arrives byte-exact, half-close included', async (t) => {
  //   west --- transit (taps what it splices) --- east (plain, and secret with e2e=true)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  const modeFile = join(mesh.dir, 'rogue-mode')
  const tapFile = join(mesh.dir, 'tap')
  writeFileSync(modeFile, 'honest')
  writeFileSync(tapFile, '')
  const east = await Site.start(mesh, 'east', { connectors: [`plain=127.0.0.1:${echo.port}`, `secret=127.0.0.1:${echo.port},e2e=true`] })
  const transit = await Site.start(mesh, 'transit', { links: [await east.token()], nodeArgs: ['--import', ROGUE_TRANSIT], env: { ROGUE_MODE_FILE: modeFile, ROGUE_TAP_FILE: tapFile } })
  const [plainPort, secretPort] = [await freePort(), await freePort()]
  const west = await Site.start(mesh, 'west', { links: [await transit.token()], listeners: [`plain=127.0.0.1:${plainPort}`, `secret=127.0.0.1:${secretPort}`] })
  await west.waitTargets('plain', ['east'])
  const status = await west.waitTargets('secret', ['east'])
  assert.equal(status.services.find(s => s.routingKey === 'secret')?.targets[0].e2e, true)

  const say = async (port: number, text: string): Promise<string> => {
    const s = await dial(port)
    s.write(text + '\n')
    const line = await readLine(s)
    s.destroy()
    return line
  }
  // The tap works: a marker sent without e2e is in what the transit carried.
  assert.equal(await say(plainPort, 'PLAINTEXT-MARKER-0f3a'), 'PLAINTEXT-MARKER-0f3a')
  await waitFor('the marker shows in the tap', () => readFileSync(tapFile).includes('PLAINTEXT-MARKER-0f3a'))
  // With e2e the same kind of marker crosses the transit as ciphertext only.
  assert.equal(await say(secretPort, 'SECRET-MARKER-7c91'), 'SECRET-MARKER-7c91')
  const big = await echoTransfer(secretPort, 8 * 1024 * 1024)
  assert.equal(big.received, big.sent)
  assert.equal(big.receivedBytes, 8 * 1024 * 1024)
  const tapped = readFileSync(tapFile)
  assert.ok(tapped.length > 8 * 1024 * 1024, `the transit carried the encrypted transfer (${tapped.length} bytes tapped)`)
  assert.equal(tapped.includes('SECRET-MARKER-7c91'), false)
})
