import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FlowRecord } from '../../src/core/flow-ring.js'
import { closed, dial, digestServer, echoServer, readLine, type TestServer } from '../helpers/tcp.js'
import { CLI, configArgs, freePort, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

//   west --1-- east        digest and dead (a closed port) connectors at east, listeners at west;
//   north alone, ring of 5, a local echo connector and listener
const run = promisify(execFile)
const mesh = new Mesh()
let west: Site, east: Site, north: Site
let digest: TestServer, echo: TestServer
let digestPort: number, deadPort: number, dead2Port: number, nonePort: number, echoPort: number
let accessLog: string

const UP = 1024 * 1024
const REPLY = 512 * 1024
/** The digest server's line ("<64 hex> 1048576\n") comes before its reply. */
const DOWN = 64 + 1 + String(UP).length + 1 + REPLY

before(async () => {
  digest = await digestServer(REPLY)
  echo = await echoServer()
  mesh.onStop(async () => { await digest.close(); await echo.close() })
  const closedPort = await freePort()
  ;[digestPort, deadPort, dead2Port, nonePort, echoPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()])
  accessLog = join(mesh.dir, 'east-access.log')
  // No probing: the dead connectors are offered until a connect to each fails, so the first connection to each is refused at east (CONNECT_FAILED).
  east = await Site.start(mesh, 'east', {
    connectors: [`digest=127.0.0.1:${digest.port}`, `dead=127.0.0.1:${closedPort}`, `dead2=127.0.0.1:${closedPort}`],
    args: [...configArgs(mesh, 'east', 'timers:\n  connectorProbeIntervalMs: 0\n'), '--access-log', accessLog]
  })
  west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: [`digest=127.0.0.1:${digestPort}`, `dead=127.0.0.1:${deadPort}`, `dead2=127.0.0.1:${dead2Port}`, `none=127.0.0.1:${nonePort}`] })
  north = await Site.start(mesh, 'north', { connectors: [`echo=127.0.0.1:${echo.port}`], listeners: [`echo=127.0.0.1:${echoPort}`], args: configArgs(mesh, 'north', 'flows:\n  ringSize: 5\n') })
  await west.waitTargets('digest', ['east'])
  await west.waitTargets('dead', ['east'])
  await west.waitTargets('dead2', ['east'])
  await north.waitTargets('echo', ['north'])
})

after(async () => { await mesh.stop() })

/** One sample of a site's /metrics; 0 when absent (a counter not bumped yet). */
async function metric (site: Site, series: string): Promise<number> {
  return await site.metric(series) ?? 0
}

async function flows (site: Site, query = ''): Promise<FlowRecord[]> {
  const res = await site.api('GET', `/v1/flows${query}`)
  assert.equal(res.status, 200)
  return (await res.json() as { flows: FlowRecord[] }).flows
}

/** 1 MiB up, the digest line and REPLY bytes down; returns the client's local port. */
async function digestTransfer (): Promise<number> {
  const s = await dial(digestPort)
  const port = s.localPort as number
  s.write(Buffer.alloc(UP, 3))
  s.end()
  let got = 0
  s.on('data', (d: Buffer) => { got += d.length })
  assert.equal(await closed(s), 'ended')
  assert.equal(got, DOWN)
  return port
}

/** A connection the listener accepts and then resets (it may be reset before the connect completes here). */
async function refusedAt (port: number): Promise<void> {
  const s = await dial(port).catch((err: NodeJS.ErrnoException) => { assert.equal(err.code, 'ECONNRESET'); return undefined })
  if (s === undefined) return
  s.write('hello\n')
  assert.equal(await closed(s), 'reset')
}

test('a transfer across two sites is recorded at both ends with the bytes each way', async () => {
  const clientPort = await digestTransfer()
  const atWest = await waitFor('west\'s record', async () => (await flows(west, '?key=digest')).find(r => r.clientPort === clientPort))
  assert.equal(atWest.side, 'ingress')
  assert.equal(atWest.key, 'digest')
  assert.equal(atWest.listener, 'digest')
  assert.equal(atWest.clientAddress, '127.0.0.1')
  assert.equal(atWest.bytesIn, UP)
  assert.equal(atWest.bytesOut, DOWN)
  assert.equal(atWest.result, 'closed')
  assert.deepEqual([atWest.ingressSite, atWest.ingressPeer, atWest.targetSite, atWest.targetPeer], ['west', west.peerId, 'east', east.peerId])
  assert.deepEqual(atWest.reforwarded, [])
  assert.ok(Date.parse(atWest.end) >= Date.parse(atWest.start) && atWest.durationMs >= 0)

  const atEast = await waitFor('east\'s record', async () => (await flows(east, '?key=digest')).find(r => r.connectionId === atWest.connectionId && r.ingressPeer === west.peerId))
  assert.equal(atEast.side, 'destination')
  assert.equal(atEast.bytesIn, UP)
  assert.equal(atEast.bytesOut, DOWN)
  assert.equal(atEast.result, 'closed')
  assert.equal(atEast.connector, `127.0.0.1:${digest.port}`)
  assert.deepEqual([atEast.ingressSite, atEast.targetSite, atEast.targetPeer], ['west', 'east', east.peerId])

  // Filters: by either end's site, and since.
  assert.ok((await flows(east, '?site=west')).some(r => r.connectionId === atWest.connectionId))
  assert.equal((await flows(west, `?key=digest&since=${Date.parse(atWest.end) + 60_000}`)).length, 0)
  assert.equal((await west.api('GET', '/v1/flows?since=soon')).status, 400)

  // Metrics by site pair, at the ingress: one flow opened west → east for digest, and its bytes each way.
  const pair = 'source_site="west",destination_site="east",routing_key="digest"'
  assert.equal(await metric(west, `portmesh_flows_opened_total{${pair}}`), 1)
  assert.equal(await metric(west, `portmesh_flow_bytes_total{${pair},direction="in"}`), UP)
  assert.equal(await metric(west, `portmesh_flow_bytes_total{${pair},direction="out"}`), DOWN)
  assert.equal(await metric(west, 'portmesh_flow_label_sets_over_cap_total'), 0)
})

test('refused connections: a connector port closed (CONNECT_FAILED, from east) and no target at all (NO_TARGET)', async () => {
  await refusedAt(deadPort)
  const dead = await waitFor('west\'s refused record', async () => (await flows(west, '?key=dead')).at(-1))
  assert.equal(dead.result, 'refused')
  assert.equal(dead.status, 'CONNECT_FAILED')
  assert.match(dead.reason ?? '', /\S/)
  assert.equal(dead.targetSite, 'east')
  assert.equal(dead.bytesIn + dead.bytesOut, 0)
  const atEast = await waitFor('east\'s refused record', async () => (await flows(east, '?key=dead')).at(-1))
  assert.deepEqual([atEast.side, atEast.result, atEast.status, atEast.ingressSite], ['destination', 'refused', 'CONNECT_FAILED', 'west'])

  await refusedAt(nonePort)
  const none = await waitFor('west\'s no-target record', async () => (await flows(west, '?key=none')).at(-1))
  assert.deepEqual([none.result, none.status, none.targetSite], ['refused', 'NO_TARGET', undefined])
  assert.equal(await metric(west, 'portmesh_flow_failures_total{source_site="west",destination_site="east",routing_key="dead",reason="connect_failed"}'), 1)
  assert.equal(await metric(west, 'portmesh_flow_failures_total{source_site="west",destination_site="none",routing_key="none",reason="no_target"}'), 1)
})

test('?follow delivers a record for a new connection as Server-Sent Events', async () => {
  const ac = new AbortController()
  const res = await fetch(`${west.apiUrl}/v1/flows?follow&key=digest`, { headers: west.apiHeaders, signal: ac.signal })
  assert.equal(res.headers.get('content-type'), 'text/event-stream')
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const clientPort = await digestTransfer()
  let text = ''
  // A read that never returns must fail the test, not hang it.
  const deadline = setTimeout(() => ac.abort(), 10_000)
  const record = await (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
      if (done === true) throw new Error(`no flow event within 10 s; got ${JSON.stringify(text)}`)
      text += new TextDecoder().decode(value)
      const data = /event: flow\ndata: (.*)\n\n/.exec(text)
      if (data !== null) return JSON.parse(data[1]) as FlowRecord
    }
  })().finally(() => { clearTimeout(deadline); ac.abort() })
  assert.equal(record.clientPort, clientPort)
  assert.equal(record.bytesIn, UP)
  assert.equal(record.bytesOut, DOWN)
})

test('portmesh flows prints a table and --json', async () => {
  await digestTransfer()
  await waitFor('a digest record', async () => (await flows(west, '?key=digest')).length > 0)
  const json = await run(process.execPath, [CLI, 'flows', '--data-dir', west.dataDir, '--key', 'digest', '--json'], { timeout: 20_000 })
  const listed = JSON.parse(json.stdout) as FlowRecord[]
  assert.ok(listed.length > 0 && listed.every(r => r.key === 'digest'))
  assert.equal(listed.at(-1)?.bytesIn, UP)
  const tableOut = await run(process.execPath, [CLI, 'flows', '--data-dir', west.dataDir, '--since', '1h'], { timeout: 20_000 })
  const lines = tableOut.stdout.trimEnd().split('\n')
  assert.deepEqual(lines[0].trim().split(/\s+/), ['START', 'KEY', 'CLIENT', 'FROM', 'TO', 'IN', 'OUT', 'MS', 'RESULT'])
  assert.ok(lines.some(l => /digest\s+127\.0\.0\.1:\d+\s+west\s+east\s+1048576\s+\d+\s+\d+\s+closed/.test(l)), tableOut.stdout)
  assert.ok(lines.some(l => /dead .* refused CONNECT_FAILED/.test(l)), tableOut.stdout)
})

test('portmesh flows --follow --json prints a line per connection as it finishes', async () => {
  const proc = spawn(process.execPath, [CLI, 'flows', '--data-dir', west.dataDir, '--key', 'none', '--follow', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    let out = ''
    proc.stdout.on('data', (d: Buffer) => { out += d.toString() })
    // Connections made before the follower's stream opened are not followed: make refused ones until one shows.
    const line = await waitFor('a followed record', async () => {
      await refusedAt(nonePort)
      return out.split('\n').find(l => l.startsWith('{'))
    }, 10_000)
    const r = JSON.parse(line) as FlowRecord
    assert.deepEqual([r.key, r.result, r.status, r.ingressSite], ['none', 'refused', 'NO_TARGET', 'west'])
  } finally {
    proc.kill()
  }
})

test('the ring stays bounded: ringSize 5, 8 connections, the newest 5 kept', async () => {
  const ports: number[] = []
  for (let i = 0; i < 8; i++) {
    const s = await dial(echoPort)
    ports.push(s.localPort as number)
    s.write(`line ${i}\n`)
    assert.equal(await readLine(s), `line ${i}`)
    s.end()
    await closed(s)
  }
  const kept = await waitFor('the last connection recorded', async () => {
    const all = await flows(north)
    return all.at(-1)?.clientPort === ports[7] ? all : undefined
  })
  assert.deepEqual(kept.map(r => r.clientPort), ports.slice(-5))
  assert.ok(kept.every(r => r.result === 'closed' && r.targetSite === 'north' && r.bytesIn === 7))
})

test('--access-log gets one JSON line per connection at the destination, and one per refusal', async () => {
  const lines = (): Array<FlowRecord & { msg: string }> => existsSync(accessLog) ? readFileSync(accessLog, 'utf8').split('\n').filter(l => l !== '').map(l => JSON.parse(l)) : []
  const before = lines().length
  await digestTransfer()
  await refusedAt(dead2Port)
  const got = await waitFor('two new access lines', () => { const l = lines(); return l.length >= before + 2 ? l.slice(before) : undefined }).catch((err) => { throw new Error(`${(err as Error).message}: ${existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : 'no file'}`) })
  assert.equal(got.length, 2)
  const [delivered, refused] = got
  assert.deepEqual([delivered.msg, delivered.key, delivered.bytesIn, delivered.bytesOut, delivered.result, delivered.ingressSite], ['access', 'digest', UP, DOWN, 'closed', 'west'])
  assert.deepEqual([refused.msg, refused.key, refused.result, refused.status], ['access', 'dead2', 'refused', 'CONNECT_FAILED'])
  // Without the flag nothing extra is logged: west writes no access lines to its log.
  assert.ok(!west.stdout.includes('"msg":"access"'))
})
