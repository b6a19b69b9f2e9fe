import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CLI, freePort, Mesh, Site } from '../helpers/site.js'
import { namedServer, whoAnswers } from '../helpers/tcp.js'
import { waitFor } from '../helpers/wait.js'

async function portmesh (site: Site, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    // As the owner runs it: the site's data dir tells the CLI where the API is and holds its credential.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args, '--data-dir', site.dataDir], { timeout: 20_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

test('links, listeners and connectors made with the CLI apply at once, survive a restart, and can be deleted', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('east-db')
  mesh.onStop(async () => { await db.close() })
  const east = await Site.start(mesh, 'east')
  const west = await Site.start(mesh, 'west')
  const port = await freePort()

  // east offers its database; west links to east with a token and listens for clients.
  assert.equal((await portmesh(east, 'connector', 'create', 'db', String(db.port))).stdout, 'connector db created\n')
  const token = (await portmesh(east, 'token', 'issue')).stdout.trim()
  assert.equal((await portmesh(west, 'link', 'create', token, '--cost', '3')).stdout, 'link east created\n')
  assert.equal((await portmesh(west, 'listener', 'create', 'db', String(port))).stdout, `listener db created on port ${port}\n`)
  await west.waitTargets('db', ['east'])
  assert.equal(await whoAnswers(port), 'east-db')

  const links = JSON.parse((await portmesh(west, 'link', 'status', '--json')).stdout) as Array<{ name: string, site: string, state: string, cost: number }>
  assert.deepEqual(links.map(l => [l.name, l.site, l.state, l.cost]), [['east', 'east', 'up', 3]])
  assert.match((await portmesh(west, 'routes')).stdout, /SITE\s+COST\s+HOPS\s+NEXT HOP\n\s+east\s+3\s+1\s+east/)
  assert.match((await portmesh(west, 'listener', 'status')).stdout, new RegExp(`db\\s+db\\s+127\\.0\\.0\\.1:${port}\\s+0`))
  assert.match((await portmesh(east, 'connector', 'status')).stdout, new RegExp(`db\\s+db\\s+127\\.0\\.0\\.1:${db.port}\\s+0\\s+1\\s+ok\\s+every member\\s+no`))

  // Both restart: everything made through the API is back.
  await east.restart()
  await west.restart()
  await west.waitTargets('db', ['east'])
  assert.equal(await whoAnswers(port), 'east-db')

  // Bad input names the field and exits 2; a missing name is 1; a duplicate 1.
  const bad = await portmesh(west, 'listener', 'create', 'db', 'http')
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /port: must be a whole number/)
  const dup = await portmesh(west, 'listener', 'create', 'db', String(await freePort()))
  assert.equal(dup.code, 1)
  assert.match(dup.stderr, /a listener named db exists already/)
  const missing = await portmesh(west, 'connector', 'delete', 'nope')
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /no connector named nope/)

  // Deleting: the connector is withdrawn from the mesh, the listener stops accepting, the link goes down.
  assert.equal((await portmesh(east, 'connector', 'delete', 'db')).code, 0)
  await west.waitTargets('db', [])
  assert.equal((await portmesh(west, 'listener', 'delete', 'db')).code, 0)
  await assert.rejects(whoAnswers(port), /ECONNREFUSED/)
  assert.equal((await portmesh(west, 'link', 'delete', 'east')).code, 0)
  await west.waitStatus('no links', s => s.links.length === 0 && s.routers.length === 0)
  await east.waitStatus('west gone', s => s.routers.length === 0)

  // ... and stay deleted after a restart.
  await west.restart()
  const after = await west.status()
  assert.deepEqual([after.links, after.listeners], [[], []])
})

test('the admin API answers bad requests with 400 naming the field', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const site = await Site.start(mesh, 'solo')
  const post = async (path: string, body: unknown): Promise<{ status: number, error: string }> => {
    const res = await site.api('POST', path, body)
    return { status: res.status, error: ((await res.json()) as { error: string }).error }
  }
  assert.deepEqual(await post('/v1/listeners', { routingKey: 'db', port: 70000 }), { status: 400, error: 'port: must be between 0 and 65535, got 70000' })
  assert.equal((await post('/v1/connectors', { routingKey: 'bad key', port: 1 })).error.split(':')[0], 'routingKey')
  assert.equal((await post('/v1/links', { target: 'nonsense' })).error.split(':')[0], 'target')
  assert.equal((await post('/v1/links', { cost: 2 })).error.split(':')[0], 'target')
  assert.equal((await post('/v1/listeners', { routingKey: 'db', port: 1, colour: 'red' })).error.split(':')[0], 'colour')
  assert.equal((await post('/v1/listeners', '{not json')).error, 'body: not valid JSON')
  await waitFor('still healthy', async () => (await fetch(`${site.apiUrl}/healthz`)).status === 200)
})
