import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, freePort, Mesh, Site } from '../helpers/site.js'
import { namedServer } from '../helpers/tcp.js'

const run = promisify(execFile)

async function portmesh (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 20_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

async function portIsFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

test('a malformed config names the field, exits 2 and binds nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const apiPort = await freePort()
  const listenPort = await freePort()
  const file = join(dir, 'site.yaml')
  writeFileSync(file, `site: west\napi: 127.0.0.1:${apiPort}\nlisten: [/ip4/127.0.0.1/tcp/${listenPort}]\nlinks:\n  - address: /ip4/127.0.0.1/tcp/7070\n    cost: zero\n`)
  const r = await portmesh('run', '--config', file, '--data-dir', join(dir, 'data'))
  assert.equal(r.code, 2)
  assert.equal(r.stderr.trim(), 'portmesh: invalid setting links[0].cost: must be a whole number, got "zero"')
  assert.equal(await portIsFree(apiPort), true)
  assert.equal(await portIsFree(listenPort), true)

  const flag = await portmesh('run', '--connector', 'db=localhost', '--data-dir', join(dir, 'data'))
  assert.equal(flag.code, 2)
  assert.match(flag.stderr, /^portmesh: invalid setting --connector: expected HOST:PORT/)

  const usage = await portmesh('run', '--no-such-flag')
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /unknown option '--no-such-flag'/)
})

test('status without a running router says so in one sentence', async () => {
  const port = await freePort()
  const r = await portmesh('status', '--api', `127.0.0.1:${port}`)
  assert.equal(r.code, 1)
  assert.equal(r.stderr.trim().split('\n').length, 1)
  assert.match(r.stderr, /no router is answering at http:\/\/127\.0\.0\.1:\d+/)
})

test('the identity is created once and reused; status prints tables and JSON', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const svc = await namedServer('east')
  mesh.onStop(async () => { await svc.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${svc.port}`] })
  const west = await Site.start(mesh, 'west', { links: [await east.token()], listeners: ['db=127.0.0.1:0'] })
  await west.waitTargets('db', ['east'])
  const key = readFileSync(join(east.dataDir, 'identity.key'))
  const first = east.peerId
  await east.restart()
  assert.equal(east.peerId, first)
  assert.deepEqual(readFileSync(join(east.dataDir, 'identity.key')), key)
  await west.waitTargets('db', ['east'])

  const api = west.apiUrl.replace('http://', '')
  const json = await portmesh('status', '--api', api, '--json')
  assert.equal(json.code, 0)
  const s = JSON.parse(json.stdout)
  for (const field of ['site', 'peerId', 'addresses', 'links', 'routers', 'services', 'listeners', 'connectors']) assert.ok(field in s, field)
  assert.ok(s.addresses.every((a: string) => a.includes(`/p2p/${west.peerId}`)))
  assert.deepEqual(s.links.map((l: { site: string, state: string }) => [l.site, l.state]), [['east', 'up']])
  assert.deepEqual(s.services[0].targets.map((t: { site: string, cost: number }) => [t.site, t.cost]), [['east', 1]])

  const text = await portmesh('status', '--api', api)
  assert.equal(text.code, 0)
  assert.match(text.stdout, /^Site west/)
  assert.match(text.stdout, /Links\n\s+NAME\s+SITE\s+STATE\s+COST.*\n\s+east\s+east\s+up\s+1/)
  assert.match(text.stdout, /Services\n\s+ROUTING KEY\s+TARGET\s+COST\s+WEIGHT\s+OPEN\s+NOTE\n\s+db\s+east\s+1\s+1\s+0\s+-/)
  assert.match(text.stdout, /Listeners\n\s+NAME\s+ROUTING KEY\s+ADDRESS\s+OPEN\s+SERVED BY\s+UNTRUSTED\s+ACTIVE KEY\n\s+db\s+db\s+\S+\s+0\s+every member\s+-\s+db/)
})

test('a link to the wrong /p2p/ peer id is refused', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const east = await Site.start(mesh, 'east')
  const other = await Site.start(mesh, 'other')
  const west = await Site.start(mesh, 'west', { links: [`${east.address}/p2p/${other.peerId}`] })
  const s = await west.waitStatus('link retrying', st => st.links.length === 1 && st.links[0].state === 'retrying')
  assert.equal(s.routers.length, 0)
})
