import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { closed, dial, namedServer, readLine, type TestServer } from '../helpers/tcp.js'
import { freePort, Mesh, Site } from '../helpers/site.js'
import { previousReleaseCli } from '../helpers/previous-release.js'

//            +--1-- t-old --1--+
//   new ----+                  +---- old        (t-old: a transit of the previous release)
//            +--5-- t-new --5--+                (t-new: one of this release)
// new and old each serve a key and consume the other's. The tests first go
// through t-old (cheaper), then, with t-old stopped, through t-new. new and
// t-new run workers: the previous release floods their advertisements (with
// the workers' addresses it does not know) unchanged, and tunnels to and
// through it go over the routers' links.
const mesh = new Mesh()
let newSite: Site, oldSite: Site, tOld: Site, tNew: Site
let atNew: TestServer, atOld: TestServer, atOld2: TestServer
/** At `old`, for the key old2 serves (old2 is linked to t-new only). */
let oldToOld2: number
/** Listener ports: at `new` for the key `old` serves, and the reverse. */
let newToOld: number, oldToNew: number

before(async () => {
  const previous = previousReleaseCli()
  atNew = await namedServer('served-by-new')
  atOld = await namedServer('served-by-old')
  atOld2 = await namedServer('served-by-old2')
  mesh.onStop(async () => { await atNew.close(); await atOld.close(); await atOld2.close() })
  ;[newToOld, oldToNew, oldToOld2] = [await freePort(), await freePort(), await freePort()]
  oldSite = await Site.start(mesh, 'old', { cli: previous, connectors: [`svc-old=127.0.0.1:${atOld.port}`], listeners: [`svc-new=127.0.0.1:${oldToNew}`, `svc-old2=127.0.0.1:${oldToOld2}`] })
  tOld = await Site.start(mesh, 't-old', { cli: previous, links: [`${await oldSite.token()},cost=1`] })
  tNew = await Site.start(mesh, 't-new', { workers: 2, links: [`${await oldSite.token()},cost=5`] })
  await Site.start(mesh, 'old2', { cli: previous, links: [`${await tNew.token()},cost=1`], connectors: [`svc-old2=127.0.0.1:${atOld2.port}`] })
  newSite = await Site.start(mesh, 'new', { workers: 2, links: [`${await tOld.token()},cost=1`, `${await tNew.token()},cost=5`], connectors: [`svc-new=127.0.0.1:${atNew.port}`], listeners: [`svc-old=127.0.0.1:${newToOld}`] })
  await newSite.waitTargets('svc-old', ['old'])
  await oldSite.waitTargets('svc-new', ['new'])
  await oldSite.waitTargets('svc-old2', ['old2'])
  // Both cheaper paths known (links come up in any order): new and old reach each other through t-old.
  await newSite.waitStatus('route to old via t-old', s => s.routers.find(r => r.peerId === oldSite.peerId)?.nextHop === tOld.peerId)
  await oldSite.waitStatus('route to new via t-old', s => s.routers.find(r => r.peerId === newSite.peerId)?.nextHop === tOld.peerId)
  // New knows t-new's worker; the previous release takes t-new's advertisement too (the field is new to it), or old could not route through t-new below.
  await newSite.waitStatus('t-new\'s worker known', s => s.routers.find(r => r.peerId === tNew.peerId)?.workers === 1)
})

after(async () => { await mesh.stop() })

/** The greeting, then `bytes` of varied content echoed back: byte-exact, or what differed. */
async function greetedEcho (port: number, greeting: string, bytes: number): Promise<string> {
  const s = await dial(port)
  const expected = createHash('sha256').update(`${greeting}\n`)
  const got = createHash('sha256')
  let n = 0
  s.on('data', (d: Buffer) => { got.update(d); n += d.length })
  const ended = closed(s)
  for (let sent = 0; sent < bytes; sent += 64 * 1024) {
    const piece = randomBytes(64 * 1024)
    expected.update(piece)
    if (!s.write(piece)) await new Promise(resolve => s.once('drain', resolve))
  }
  s.end()
  const how = await ended
  const want = greeting.length + 1 + bytes
  return how === 'ended' && n === want && got.digest('hex') === expected.digest('hex') ? 'byte-exact' : `${how} after ${n} of ${want} bytes`
}

/** What a user's client does through each direction: a greeting, a 1 MiB echo, and a request sent and closed at once. */
async function exercise (port: number, server: string): Promise<void> {
  const s = await dial(port)
  assert.equal(await readLine(s), server)
  s.destroy()
  assert.equal(await greetedEcho(port, server, 1024 * 1024), 'byte-exact')
  // Connect, send and close at once (small and large requests): the whole reply, then a clean end.
  const outcomes: string[] = []
  for (let i = 0; i < 20; i++) {
    const request = 'x'.repeat(i % 2 === 0 ? 100_000 : 5) + '\n'
    const quick = await dial(port)
    let got = ''
    quick.on('data', (d: Buffer) => { got += d.toString() })
    quick.end(request)
    const how = await closed(quick)
    outcomes.push(how === 'ended' && got === `${server}\n${request}` ? 'ok' : `${how} after ${got.length} bytes`)
  }
  assert.deepEqual(outcomes.filter(o => o !== 'ok'), [])
}

test('this release to the previous one and back, through a transit of the previous release', async () => {
  await exercise(newToOld, 'served-by-old')
  await exercise(oldToNew, 'served-by-new')
})

test('the previous release to the previous release through a transit of this release', async () => {
  await exercise(oldToOld2, 'served-by-old2')
})

test('this release to the previous one and back, through a transit of this release', async () => {
  await tOld.stop()
  await newSite.waitStatus('route to old via t-new', s => s.routers.find(r => r.peerId === oldSite.peerId)?.nextHop === tNew.peerId)
  await oldSite.waitStatus('route to new via t-new', s => s.routers.find(r => r.peerId === newSite.peerId)?.nextHop === tNew.peerId)
  await exercise(newToOld, 'served-by-old')
  await exercise(oldToNew, 'served-by-new')
})
