import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createHash, randomBytes } from 'node:crypto'
import { dial, digestServer, echoServer, echoTransfer, namedServer, readLine, whoAnswers } from '../helpers/tcp.js'
import { configArgs, freePort, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

test('re-forwarding: a target whose workload refuses is skipped before the client notices', async (t) => {
  //  west --1-- a (svc → nothing listening)
  //  west --2-- b (svc → works)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const sb = await namedServer('b')
  mesh.onStop(async () => { await sb.close() })
  const a = await Site.start(mesh, 'a', { connectors: [`svc=127.0.0.1:${await freePort()}`], args: configArgs(mesh, 'a', 'timers: { connectorProbeIntervalMs: 0 }\n') })
  const b = await Site.start(mesh, 'b', { connectors: [`svc=127.0.0.1:${sb.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await a.token(), `${await b.token()},cost=2`], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['a', 'b'])
  // a is the cheaper target, so the first connection goes there, fails at its workload, and is re-forwarded.
  const answers = []
  for (let i = 0; i < 20; i++) answers.push(await whoAnswers(port))
  assert.deepEqual(answers, Array(20).fill('b'))
  // a's log line reaches us through a pipe, which may be read after the client's answer arrived.
  await waitFor('a to log that it refused the tunnel', () => a.stdout.includes('tunnel refused at destination'), 5_000)
  // The failed connect also withdrew a's connector from the mesh.
  await west.waitTargets('svc', ['b'])
})

test('re-forwarding replays the bytes a client sent before any target accepted: 200 KiB and a half-close reach the second target intact', async (t) => {
  //  west --1-- a (dig → nothing listening)
  //  west --2-- b (dig → SHA-256 of what it received)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const digest = await digestServer()
  mesh.onStop(async () => { await digest.close() })
  const a = await Site.start(mesh, 'a', { connectors: [`dig=127.0.0.1:${await freePort()}`], args: configArgs(mesh, 'a', 'timers: { connectorProbeIntervalMs: 0 }\n') })
  const b = await Site.start(mesh, 'b', { connectors: [`dig=127.0.0.1:${digest.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await a.token(), `${await b.token()},cost=2`], listeners: [`dig=127.0.0.1:${port}`] })
  await west.waitTargets('dig', ['a', 'b'])
  // More than the 64 KiB read ahead: part goes to a behind the header, the rest
  // waits in the client's socket; all of it must reach b, once, in order.
  const payload = randomBytes(200 * 1024)
  const s = await dial(port)
  s.end(payload)
  const line = await readLine(s)
  s.destroy()
  assert.equal(line, `${createHash('sha256').update(payload).digest('hex')} ${payload.length}`)
  // a's log line reaches us through a pipe, which may be read after the client's answer arrived.
  await waitFor('a to log that it refused the tunnel', () => a.stdout.includes('tunnel refused at destination'), 5_000)
})

test('tunnel streams are opened on demand and gone when their connections close: no leak, no warning at either end', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${echo.port}`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: [`echo=127.0.0.1:${port}`] })
  await west.waitTargets('echo', ['east'])
  const idle = { west: (await west.status()).openStreams, east: (await east.status()).openStreams }
  // Sequential and concurrent connections, each with bytes sent at connect (they travel with the stream's opening).
  for (let i = 0; i < 20; i++) {
    const r = await echoTransfer(port, 1000 + i)
    assert.equal(r.received, r.sent)
  }
  const parallel = await Promise.all(Array.from({ length: 20 }, async (_, i) => await echoTransfer(port, 50_000 + i)))
  for (const r of parallel) assert.equal(r.received, r.sent)
  await waitFor('streams back to the idle count at both ends', async () => (await west.status()).openStreams === idle.west && (await east.status()).openStreams === idle.east, 10_000)
  for (const site of [west, east]) assert.ok(!/"level":(40|50)/.test(site.stdout), `${site.name} logged a warning or error:\n${site.stdout}`)
})

test('connector health: a workload that stops answering is withdrawn, and offered again when it is back', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const workloadPort = await freePort()
  const start = async (): Promise<ReturnType<typeof createServer>> => await new Promise((resolve) => {
    const srv = createServer((s) => { s.on('error', () => {}); s.end('a\n') })
    srv.listen(workloadPort, '127.0.0.1', () => resolve(srv))
  })
  let workload = await start()
  mesh.onStop(() => { workload.close() })
  const a = await Site.start(mesh, 'a', { connectors: [`svc=127.0.0.1:${workloadPort}`], args: configArgs(mesh, 'a', 'timers: { connectorProbeIntervalMs: 200 }\n') })
  const west = await Site.start(mesh, 'west', { links: [await a.token()] })
  await west.waitTargets('svc', ['a'])

  await new Promise<void>((resolve) => workload.close(() => resolve()))
  await west.waitTargets('svc', [], 5000)
  assert.equal((await a.status()).connectors[0].healthy, false)

  workload = await start()
  await west.waitTargets('svc', ['a'], 5000)
  assert.equal((await a.status()).connectors[0].healthy, true)
})

test('graceful restart: a target drains its connections, and a rolling restart under load fails no connection', async (t) => {
  //  west --1-- a (svc),  west --1-- b (svc)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const sa = await namedServer('a')
  const sb = await namedServer('b')
  mesh.onStop(async () => { await sa.close(); await sb.close() })
  const drain = configArgs(mesh, 'drain', 'timers: { drainMs: 8000 }\n')
  const a = await Site.start(mesh, 'a', { connectors: [`svc=127.0.0.1:${sa.port}`], args: drain })
  const b = await Site.start(mesh, 'b', { connectors: [`svc=127.0.0.1:${sb.port}`], args: drain })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await a.token(), await b.token()], listeners: [`svc=127.0.0.1:${port}`] })
  await west.waitTargets('svc', ['a', 'b'])

  // A connection held through a keeps working while a drains, and a exits once it closes.
  let held = await dial(port)
  const first = await readLine(held)
  if (first !== 'a') { // land one on a: the next one goes there (open connections tip the balance)
    const other = await dial(port)
    assert.equal(await readLine(other), 'a')
    held.destroy()
    held = other
  }
  const stopping = a.stop()
  await west.waitTargets('svc', ['b'], 3000)
  held.write('during drain\n')
  assert.equal(await readLine(held), 'during drain')
  held.destroy()
  assert.equal(await stopping, 0)

  // Rolling restart under steady new-connection load (bounded: at most 3000 connections, 60 s).
  await a.launch()
  await west.waitTargets('svc', ['a', 'b'])
  let running = true
  const failures: string[] = []
  let done = 0
  const deadline = Date.now() + 60_000
  const load = (async () => {
    while (running && done < 3000 && Date.now() < deadline) {
      try {
        const who = await whoAnswers(port)
        if (who !== 'a' && who !== 'b') failures.push(`answered ${JSON.stringify(who)}`)
      } catch (err) {
        failures.push((err as Error).message)
      }
      done++
    }
  })()
  for (const site of [a, b]) {
    await waitFor('some load first', () => done > 50)
    const before = done
    await site.restart()
    await west.waitTargets('svc', ['a', 'b'])
    await waitFor('load after the restart', () => done > before + 50)
  }
  running = false
  await load
  assert.deepEqual(failures, [])
  t.diagnostic(`${done} connections during the rolling restart, ${failures.length} failed`)
})
