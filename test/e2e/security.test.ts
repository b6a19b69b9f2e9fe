import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, configArgs, freePort, Mesh, Site } from '../helpers/site.js'
import { connectionDone, Rogue, streamDone } from '../helpers/rogue.js'
import { connectionOutcome, dial, echoServer, echoTransfer, namedServer, readLine, whoAnswers } from '../helpers/tcp.js'
import { waitFor } from '../helpers/wait.js'
import { LINK_PROTOCOL, TUNNEL_PROTOCOL } from '../../src/wire/constants.js'
import { encodeAdvertisementBody, encodeControl, encodeSignedAd, encodeTunnelHeader } from '../../src/wire/codec.js'
import { encodeFrame } from '../../src/wire/frames.js'
import { exchangeHello } from '../../src/net/link-session.js'
import { redeemToken } from '../../src/net/join.js'
import { decodeToken, encodeToken } from '../../src/wire/token.js'

test('a rogue node without a grant cannot tunnel, cannot advertise, and is disconnected', async (t) => {
  const mesh = new Mesh()
  const rogue = await Rogue.start()
  t.after(async () => { await rogue.stop(); await mesh.stop() })
  const svc = await namedServer('secret')
  mesh.onStop(async () => { await svc.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`svc=127.0.0.1:${svc.port}`], args: configArgs(mesh, 'east', 'limits: { joinWindowMs: 1000 }\n') })

  // A tunnel to the private service: cut off before anything is read.
  const c1 = await rogue.dial(east.address, east.peerId)
  let got = 0
  try {
    // Lazy negotiation, so the header goes out with the protocol request.
    const tunnel = await c1.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    tunnel.addEventListener('message', (e) => { got += e.data.byteLength })
    tunnel.send(encodeFrame(encodeTunnelHeader({ routingKey: 'svc', destination: east.peerId, hopLimit: 8, connectionId: 1, ingress: rogue.peerId })))
    assert.match(await streamDone(tunnel), /reset|closed|aborted/)
  } catch (err) {
    // Refused while the protocol was still being negotiated: just as good.
    assert.match((err as Error).message, /EOF|reset|closed|abort/i)
  }
  await connectionDone(c1)
  assert.equal(got, 0, 'the rogue received bytes from the private service')
  assert.equal(svc.connections, 0)

  // An advertisement claiming a link to east and a service: cut off, nothing stored.
  const c2 = await rogue.dial(east.address, east.peerId)
  const body = encodeAdvertisementBody({ origin: rogue.peerId, epoch: 1, seq: 1, site: 'rogue', links: [{ peer: east.peerId, cost: 1 }], services: [{ routingKey: 'evil', connectors: 1, cost: 0 }] })
  try {
    const link = await c2.newStream(LINK_PROTOCOL, { negotiateFully: false })
    link.send(encodeFrame(encodeControl({ hello: { version: 1, site: 'rogue', epoch: 1, configuredCost: 1 } })))
    link.send(encodeFrame(encodeControl({ advertisement: encodeSignedAd({ body, signature: await rogue.sign(body) }) })))
    await streamDone(link)
  } catch {
    // east cut the stream off during negotiation or before the second write: that is the point.
  }
  await connectionDone(c2)
  const s = await east.status()
  assert.deepEqual(s.routers, [])
  assert.deepEqual(s.links, [])
  assert.deepEqual(s.services.map(x => x.routingKey), ['svc'])

  // A connection that opens nothing is closed after the join window.
  const c3 = await rogue.dial(east.address, east.peerId)
  const opened = Date.now()
  await connectionDone(c3)
  assert.ok(Date.now() - opened < 5000, `idle rogue connection lived ${Date.now() - opened} ms`)
})

test('a member that forwards forged advertisements (valid format, wrong signature) changes no table', async (t) => {
  //  rogue --(joined with a real token)-- west --1-- east (svc)
  const mesh = new Mesh()
  const rogue = await Rogue.start()
  t.after(async () => { await rogue.stop(); await mesh.stop() })
  const svc = await namedServer('east')
  mesh.onStop(async () => { await svc.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`svc=127.0.0.1:${svc.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['east'])
  const before = await west.status()

  const token = decodeToken(await west.token())
  const conn = await rogue.dial(west.address, west.peerId)
  assert.equal(await redeemToken(conn, token, rogue.peerId, 'rogue'), 'west')
  const link = await conn.newStream(LINK_PROTOCOL)
  await exchangeHello(link, { site: 'rogue', epoch: 1, configuredCost: 1 })
  const sendAd = (ad: Parameters<typeof encodeAdvertisementBody>[0], signature: Uint8Array): void => {
    link.send(encodeFrame(encodeControl({ advertisement: encodeSignedAd({ body: encodeAdvertisementBody(ad), signature }) })))
  }
  // 1. east "withdraws" its service and links, with a made-up signature.
  sendAd({ origin: east.peerId, epoch: Number.MAX_SAFE_INTEGER, seq: 1, site: 'east', links: [], services: [] }, randomBytes(64))
  // 2. east "offers" a service, signed with the rogue's own key.
  const forged = { origin: east.peerId, epoch: Number.MAX_SAFE_INTEGER, seq: 2, site: 'east', links: [{ peer: west.peerId, cost: 1 }], services: [{ routingKey: 'evil', connectors: 1, cost: 0 }] }
  sendAd(forged, await rogue.sign(encodeAdvertisementBody(forged)))
  // 3. A valid advertisement of the rogue's own: once west shows it, 1 and 2 were handled.
  const own = { origin: rogue.peerId, epoch: 1, seq: 1, site: 'rogue', links: [{ peer: west.peerId, cost: 1 }], services: [{ routingKey: 'marker', connectors: 1, cost: 0 }] }
  const ownBody = encodeAdvertisementBody(own)
  link.send(encodeFrame(encodeControl({ advertisement: encodeSignedAd({ body: ownBody, signature: await rogue.sign(ownBody) }) })))
  await west.waitTargets('marker', ['rogue'])

  const after = await west.status()
  assert.deepEqual(after.services.find(s => s.routingKey === 'svc')?.targets.map(x => x.site), ['east'])
  assert.equal(after.services.some(s => s.routingKey === 'evil'), false)
  assert.deepEqual(after.routers.filter(r => r.site === 'east'), before.routers.filter(r => r.site === 'east'))
  const e = await east.status()
  assert.equal(e.services.some(s => s.routingKey === 'evil'), false)
  assert.equal(await whoAnswers(port), 'east')
})

test('slowloris, stream floods and oversized headers from a member do not disturb other tunnels', async (t) => {
  const mesh = new Mesh()
  const rogue = await Rogue.start()
  t.after(async () => { await rogue.stop(); await mesh.stop() })
  const echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${echo.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', {
    links: [await east.token()],
    listeners: [`echo=127.0.0.1:${port}`],
    args: configArgs(mesh, 'west', 'limits: { newTunnelsPerSecondPerPeer: 100 }\n')
  })
  await west.waitTargets('echo', ['east'])
  const conn = await rogue.dial(west.address, west.peerId)
  await redeemToken(conn, decodeToken(await west.token()), rogue.peerId, 'rogue')

  // Slowloris: tunnel streams that never send a header.
  const many = { maxOutboundStreams: 5000 }
  const idle = await Promise.all(Array.from({ length: 40 }, async () => await conn.newStream(TUNNEL_PROTOCOL, many)))
  // Oversized header: a length prefix of 1 MiB.
  const big = await conn.newStream(TUNNEL_PROTOCOL, many)
  big.send(encodeFrame(new Uint8Array(1024 * 1024)).subarray(0, 8))
  // Flood: far more new streams than the per-second limit (burst 200).
  const floodStarted = Date.now()
  let lastOpenedAt = floodStarted
  const flood = await Promise.allSettled(Array.from({ length: 600 }, async () => {
    const s = await conn.newStream(TUNNEL_PROTOCOL, many)
    lastOpenedAt = Math.max(lastOpenedAt, Date.now())
    s.send(encodeFrame(encodeTunnelHeader({ routingKey: 'echo', destination: east.peerId, hopLimit: 8, connectionId: 7, ingress: rogue.peerId })))
    await s.close()
    return await streamDone(s)
  }))

  // Meanwhile a real client moves 16 MiB byte-exact.
  const r = await echoTransfer(port, 16 * 1024 * 1024)
  assert.equal(r.received, r.sent)

  assert.match(await streamDone(big), /reset|closed|finished/)
  // West admits or refuses each stream when it arrives, i.e. while they are being opened.
  const floodSeconds = (lastOpenedAt - floodStarted) / 1000
  const resets = flood.filter(f => f.status === 'rejected' || /reset/.test(f.value)).length
  // The limit admits a burst of 200 plus 100 a second while the streams are
  // opened: anything beyond that must have been refused (how long opening 600
  // streams takes depends on the machine's load, so the bound follows it).
  const admitted = 600 - resets
  assert.ok(admitted <= 200 + Math.ceil(100 * floodSeconds), `${admitted} of 600 flood streams admitted in ${floodSeconds.toFixed(2)} s`)
  assert.ok(resets > 0)
  t.diagnostic(`flood: ${resets} of 600 new streams refused by the per-peer rate limit (opened within ${floodSeconds.toFixed(2)} s)`)
  const started = Date.now()
  const idleResults = await Promise.all(idle.map(streamDone))
  assert.ok(idleResults.every(x => /reset/.test(x)), idleResults.join())
  assert.ok(Date.now() - started < 10_000)
  assert.equal((await echoTransfer(port, 1024 * 1024)).receivedBytes, 1024 * 1024)
})

test('tokens: expired, already used, altered and foreign tokens are refused with a sentence; a good one survives restarts', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const svc = await namedServer('hub')
  mesh.onStop(async () => { await svc.close() })
  const hub = await Site.start(mesh, 'hub', { connectors: [`svc=127.0.0.1:${svc.port}`] })

  // Expired.
  const shortLived = await (await hub.api('POST', '/v1/tokens', { expiresInSeconds: 1 })).json() as { token: string, expiresAt: string }
  await waitFor('token expiry', () => Date.now() > Date.parse(shortLived.expiresAt) + 100, 5000)
  const late = await Site.start(mesh, 'late', { links: [shortLived.token] })
  await waitFor('refusal sentence', () => late.stderr.includes('token expired'))
  assert.equal((await late.status()).links[0].state, 'refused')
  assert.equal(late.running, true)

  // Already used.
  const once = await hub.token(1)
  const first = await Site.start(mesh, 'first', { links: [once] })
  await first.waitStatus('linked', s => s.links.some(l => l.state === 'up'))
  const second = await Site.start(mesh, 'second', { links: [once] })
  await waitFor('refusal sentence', () => second.stderr.includes('token already used'))

  // Altered: one character changed.
  const good = await hub.token(1)
  const i = good.length - 10
  const altered = good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1)
  const run = await promisify(execFile)(process.execPath, [CLI, 'run', '--data-dir', join(mesh.dir, 'altered'), '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--link', altered]).catch((e: { code: number, stderr: string }) => e)
  assert.equal((run as { code: number }).code, 2)
  assert.match((run as { stderr: string }).stderr, /^portmesh: invalid setting --link: the token is damaged/)

  // Issued by another mesh: a grant the hub never issued, presented to the hub.
  const otherMesh = await Site.start(mesh, 'other-mesh')
  const foreign = decodeToken(await otherMesh.token())
  const hubToken = decodeToken(good)
  const misdirected = encodeToken({ ...foreign, issuer: hubToken.issuer, issuerSite: 'hub', addresses: hubToken.addresses })
  const stranger = await Site.start(mesh, 'stranger', { links: [misdirected] })
  await waitFor('refusal sentence', () => stranger.stderr.includes('does not know this token'))

  // The good token, redeemed once; then both sides restart and relink without it being reusable.
  const port = await freePort()
  const member = await Site.start(mesh, 'member', { links: [good], listeners: [`svc=127.0.0.1:${port}`] })
  await member.waitTargets('svc', ['hub'])
  await hub.restart()
  await waitFor('hub answering after its restart', async () => await whoAnswers(port) === 'hub')
  await member.restart()
  await member.waitTargets('svc', ['hub'])
  assert.equal(await whoAnswers(port), 'hub')
  assert.equal(member.stderr.includes('cannot link'), false)
})

test('the admin API off loopback needs a bearer token; without it every request gets 401', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-api-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const apiPort = await freePort()
  const refused = await promisify(execFile)(process.execPath, [CLI, 'run', '--data-dir', join(dir, 'd'), '--listen', '/ip4/127.0.0.1/tcp/0', '--api', `0.0.0.0:${apiPort}`]).catch((e: { code: number, stderr: string }) => e)
  assert.equal((refused as { code: number }).code, 2)
  assert.match((refused as { stderr: string }).stderr, /--api: the admin API on 0\.0\.0\.0, off loopback, needs a bearer token/)

  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const tokenFile = join(dir, 'api-token')
  const secret = randomBytes(24).toString('hex')
  writeFileSync(tokenFile, `${secret}\n`)
  const site = await Site.start(mesh, 'guarded', { args: ['--api', `0.0.0.0:${apiPort}`, '--api-token', tokenFile] })
  const url = `http://127.0.0.1:${apiPort}`
  for (const path of ['/v1/status', '/healthz', '/metrics', '/', '/v1/events', '/v1/tokens']) {
    assert.equal((await fetch(`${url}${path}`, { method: path === '/v1/tokens' ? 'POST' : 'GET' })).status, 401, path)
  }
  assert.equal((await fetch(`${url}/v1/status`, { headers: { authorization: 'Bearer wrong' } })).status, 401)
  // --api-token's file is the credential: the data dir holds none to confuse the CLI.
  assert.equal(existsSync(join(site.dataDir, 'api-token')), false)
  const ok = await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${secret}` } })
  assert.equal(ok.status, 200)
  assert.equal((await ok.json() as { site: string }).site, site.name)
  const cli = await promisify(execFile)(process.execPath, [CLI, 'status', '--api', `127.0.0.1:${apiPort}`]).catch((e: { code: number, stderr: string }) => e)
  assert.match((cli as { stderr: string }).stderr, /needs its API token/)
  const cliOk = await promisify(execFile)(process.execPath, [CLI, 'status', '--json', '--api', `127.0.0.1:${apiPort}`, '--api-token', tokenFile])
  assert.equal(JSON.parse(cliOk.stdout).site, 'guarded')
})

test('limits: a listener at its cap refuses new clients and keeps the open ones; a tunnel past its hop limit is refused', async (t) => {
  //  a --1-- b --1-- c --1-- d (svc)     a: hopLimit 2 (too few for 3 hops), listener max=2
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const svc = await namedServer('d')
  mesh.onStop(async () => { await svc.close() })
  const d = await Site.start(mesh, 'd', { connectors: [`svc=127.0.0.1:${svc.port}`] })
  const c = await Site.start(mesh, 'c', { links: [await d.token()] })
  const b = await Site.start(mesh, 'b', { links: [await c.token()] })
  const capped = await freePort()
  const bPort = await freePort()
  const b2 = await Site.start(mesh, 'b-edge', { links: [await c.token()], listeners: [`svc=127.0.0.1:${bPort},max=2`] })
  await b2.waitTargets('svc', ['d'])
  const held = [await dial(bPort), await dial(bPort)]
  for (const s of held) assert.equal(await readLine(s), 'd')
  const third = await connectionOutcome(bPort)
  assert.equal(third, 'reset')
  for (const s of held) {
    s.write('still here\n')
    assert.equal(await readLine(s), 'still here')
    s.destroy()
  }
  await waitFor('listener below its cap', async () => (await b2.status()).listeners[0].openConnections === 0)
  assert.equal(await whoAnswers(bPort), 'd')

  const a = await Site.start(mesh, 'a', { links: [await b.token()], listeners: [`svc=127.0.0.1:${capped}`], args: configArgs(mesh, 'a', 'hopLimit: 2\n') })
  await a.waitTargets('svc', ['d'])
  const outcome = await connectionOutcome(capped)
  assert.equal(outcome, 'reset')
  assert.equal(svc.connections, 0)
  await waitFor('c logs the hop limit', () => c.stdout.includes('tunnel dropped: hop limit reached'))
})
