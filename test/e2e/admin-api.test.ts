import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'
import { CLI, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

const CHROMIUM = '/usr/bin/chromium'

/** What a site would lose to an attacker: its connectors, and the grants behind the tokens it issued. */
async function assets (site: Site): Promise<{ connectors: unknown, grants: string }> {
  const connectors = (await (await site.api('GET', '/v1/connectors')).json() as { connectors: unknown }).connectors
  return { connectors, grants: readFileSync(join(site.dataDir, 'grants.json'), 'utf8') }
}

/**
 * The attacker as its own process: raw HTTP requests with whatever headers a
 * browser or a rebound name would send (node's http lets Host be set).
 */
const ATTACKER = `
const http = require('node:http')
const [port, requests] = [Number(process.env.PORT), JSON.parse(process.env.REQUESTS)]
;(async () => {
  const answers = []
  for (const r of requests) {
    answers.push(await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers }, (res) => {
        let body = ''
        res.on('data', (d) => { body += d })
        res.on('end', () => resolve({ status: res.statusCode, body }))
      })
      req.on('error', reject)
      req.end(r.body)
    }))
  }
  process.stdout.write(JSON.stringify(answers))
})()
`

interface Attempt { method: string, path: string, headers: Record<string, string>, body?: string }

async function attack (port: number, requests: Attempt[]): Promise<Array<{ status: number, body: string }>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', ATTACKER], { env: { ...process.env, PORT: String(port), REQUESTS: JSON.stringify(requests) }, timeout: 20_000 })
  return JSON.parse(stdout)
}

test('browser-style requests from another process get 4xx and change nothing; the owner\'s own still work', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const site = await Site.start(mesh, 'owner')
  assert.equal((await site.api('POST', '/v1/connectors', { routingKey: 'db', port: 5432 })).status, 201)
  await site.token()
  const before = await assets(site)
  const port = Number(new URL(site.apiUrl).port)
  const own = `127.0.0.1:${port}`
  const bearer = { authorization: `Bearer ${site.apiCredential}` }
  const evil = { 'content-type': 'text/plain', origin: 'http://evil.example' }
  const newConnector = JSON.stringify({ routingKey: 'evil', port: 1, name: 'evil' })

  const answers = await attack(port, [
    { method: 'POST', path: '/v1/connectors', headers: { host: own, ...evil }, body: newConnector },
    { method: 'POST', path: '/v1/connectors', headers: { host: own, ...evil, ...bearer }, body: newConnector },
    { method: 'POST', path: '/v1/connectors', headers: { host: own, 'content-type': 'application/x-www-form-urlencoded', origin: 'null', ...bearer }, body: newConnector },
    { method: 'DELETE', path: '/v1/connectors/db', headers: { host: own, origin: 'http://evil.example', ...bearer } },
    { method: 'POST', path: '/v1/tokens', headers: { host: own, 'sec-fetch-site': 'cross-site', ...bearer }, body: '{"uses":1000}' },
    { method: 'POST', path: '/v1/tokens', headers: { host: own }, body: '{"uses":1000}' },
    { method: 'DELETE', path: '/v1/connectors/db', headers: { host: own } },
    { method: 'GET', path: '/v1/status', headers: { host: 'evil.example' } },
    { method: 'GET', path: '/v1/status', headers: { host: `evil.example:${port}` } },
    { method: 'POST', path: '/v1/tokens', headers: { host: `evil.example:${port}`, ...bearer }, body: '{"uses":1000}' },
    // Controls: reads on loopback stay open, under every loopback name.
    { method: 'GET', path: '/v1/status', headers: { host: own } },
    { method: 'GET', path: '/v1/connectors', headers: { host: `localhost:${port}`, origin: 'http://evil.example' } }
  ])
  assert.deepEqual(answers.map(a => a.status), [403, 403, 403, 403, 403, 401, 401, 421, 421, 421, 200, 200])
  for (const a of answers.slice(0, 10)) assert.match((JSON.parse(a.body) as { error: string }).error, /^[^\n]+\.$/)
  assert.match(answers[1].body, /only from its own origin, not from \\"http:\/\/evil\.example\\"/)
  assert.ok(answers[5].body.includes(join(site.dataDir, 'api-token')), answers[5].body)
  assert.doesNotMatch(answers[8].body, /peerId|token/)
  assert.deepEqual(await assets(site), before)

  // Three Host refusals within the interval: one log line.
  await waitFor('the Host refusal logged', () => site.stdout.includes('addressed to a foreign Host'))
  assert.equal(site.stdout.split('\n').filter(l => l.includes('addressed to a foreign Host')).length, 1)

  // The owner's own change differs from the second attempt only in Origin: it is taken.
  const [mine] = await attack(port, [{ method: 'POST', path: '/v1/connectors', headers: { host: own, 'content-type': 'application/json', origin: `http://${own}`, ...bearer }, body: newConnector }])
  assert.equal(mine.status, 201)
})

test('a web page in Chromium on another loopback origin, or on a rebound name, cannot change the router or read a token', { skip: existsSync(CHROMIUM) ? false : 'chromium is not installed (apt-get install chromium; .ci/run does)' }, async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const site = await Site.start(mesh, 'victim')
  await site.token()
  const before = await assets(site)
  const apiPort = Number(new URL(site.apiUrl).port)

  // The attacker's site: a page that fires blind requests at the API, then says it is done.
  const api = `http://127.0.0.1:${apiPort}`
  const page = `<!doctype html><title>cute cats</title>
<iframe name="sink" id="sink"></iframe>
<form id="f" method="POST" action="${api}/v1/tokens" target="sink" enctype="text/plain"><input name='{"uses":1000,"pad":"' value='"}'></form>
<script>
(async () => {
  const body = JSON.stringify({ routingKey: 'evil', port: 1, name: 'evil' })
  await fetch('${api}/v1/connectors', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }).catch(() => {})
  await fetch('${api}/v1/tokens', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"uses":1000}' }).catch(() => {})
  await new Promise((resolve) => { document.getElementById('sink').onload = resolve; document.getElementById('f').submit() })
  await fetch('/done')
})()
</script>`
  const seen: string[] = []
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => { done = resolve })
  const attacker = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? '')
    if (req.url === '/done') done()
    res.writeHead(200, { 'content-type': 'text/html' }).end(req.url === '/evil.html' ? page : 'ok')
  })
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.2', resolve))
  mesh.onStop(async () => { attacker.closeAllConnections(); await new Promise<void>((resolve) => attacker.close(() => resolve())) })
  const attackerUrl = `http://127.0.0.2:${(attacker.address() as { port: number }).port}`

  const profile = mkdtempSync(join(tmpdir(), 'portmesh-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // rebound.example stands for a DNS name the attacker first pointed at its
    // own server and then at 127.0.0.1 (DNS rebinding).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP rebound.example 127.0.0.1', '--disable-features=HttpsUpgrades']
  })
  // Chromium first, then its profile (after hooks run in the order they were added).
  t.after(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 })
  })
  const tab = await context.newPage()
  await tab.goto(`${attackerUrl}/evil.html`)
  await Promise.race([finished, new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`the attacker page did not finish; it asked for ${seen.join(' ')}`)), 20_000))])
  assert.deepEqual(await assets(site), before)
  // The requests did reach the router, and were refused there.
  await waitFor('the cross-origin refusal logged', () => site.stdout.includes(`"origin":"${attackerUrl}"`))

  // After rebinding, the page is same-origin with what it reaches; Host gives it away.
  const rebound = `http://rebound.example:${apiPort}`
  const nav = await tab.goto(`${rebound}/`)
  assert.equal(nav?.status(), 421)
  const tries = await tab.evaluate(async () => await Promise.all([
    fetch('/v1/status').then(async r => [r.status, await r.text()]),
    fetch('/v1/tokens', { method: 'POST', body: '{"uses":1000}' }).then(async r => [r.status, await r.text()])
  ]))
  assert.deepEqual(tries.map(x => x[0]), [421, 421])
  assert.ok(tries.every(x => !String(x[1]).includes('portmesh-token') && !String(x[1]).includes(site.peerId)), JSON.stringify(tries))
  assert.deepEqual(await assets(site), before)
})

async function portmesh (args: string[], options: { env?: Record<string, string>, cwd?: string } = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 20_000, cwd: options.cwd, env: { ...process.env, PORTMESH_DATA_DIR: '', ...options.env } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

test('the owner\'s CLI finds the router and its credential from --data-dir or PORTMESH_DATA_DIR alone; a wrong credential is one sentence', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  // Site runs `portmesh run --api 127.0.0.1:0 --data-dir DIR`: nobody knows the port beforehand.
  const site = await Site.start(mesh, 'owner')
  const elsewhere = mkdtempSync(join(tmpdir(), 'portmesh-cwd-'))
  t.after(() => rmSync(elsewhere, { recursive: true, force: true }))
  const dir = ['--data-dir', site.dataDir]
  const tokenFile = join(site.dataDir, 'api-token')
  assert.match(readFileSync(tokenFile, 'utf8'), /^[A-Za-z0-9_-]{43}\n$/)
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600)
  assert.equal(readFileSync(join(site.dataDir, 'api-address'), 'utf8'), `${new URL(site.apiUrl).host}\n`)

  assert.deepEqual(await portmesh(['connector', 'create', 'db', '5432', ...dir], { cwd: elsewhere }), { code: 0, stdout: 'connector db created\n', stderr: '' })
  assert.match((await portmesh(['token', 'issue', ...dir], { cwd: elsewhere })).stdout, /^portmesh-token-\S+\n$/)
  assert.match((await portmesh(['status', ...dir], { cwd: elsewhere })).stdout, /^Site owner/)
  const env = { PORTMESH_DATA_DIR: site.dataDir }
  assert.equal((await portmesh(['listener', 'create', 'db', '0', '--name', 'db-in'], { env, cwd: elsewhere })).code, 0)
  assert.match((await portmesh(['token', 'issue', '--expires', '1h'], { env, cwd: elsewhere })).stdout, /^portmesh-token-/)
  const s = JSON.parse((await portmesh(['status', '--json'], { env, cwd: elsewhere })).stdout) as { site: string, connectors: Array<{ name: string }>, listeners: Array<{ name: string }> }
  assert.deepEqual([s.site, s.connectors.map(c => c.name), s.listeners.map(l => l.name)], ['owner', ['db'], ['db-in']])
  assert.equal((await portmesh(['connector', 'delete', 'db'], { env, cwd: elsewhere })).code, 0)

  // A wrong credential file, or none: exit 1 and one plain sentence; reads still work without one.
  const wrong = join(elsewhere, 'wrong-token')
  writeFileSync(wrong, `${'x'.repeat(43)}\n`)
  const address = new URL(site.apiUrl).host
  for (const args of [['token', 'issue', ...dir, '--api-token', wrong], ['connector', 'create', 'db', '1', '--api', address], ['link', 'delete', 'x', '--api', address]]) {
    const r = await portmesh(args, { cwd: elsewhere })
    assert.equal(r.code, 1, args.join(' '))
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^portmesh: the router at http:\/\/127\.0\.0\.1:\d+ (did not accept the API token from \S+wrong-token|needs its API token)[^\n]*\n$/, r.stderr)
  }
  assert.equal((await portmesh(['status', '--api', address], { cwd: elsewhere })).code, 0)
  assert.deepEqual((await site.status()).connectors, [])

  // The credential survives a restart; the address file follows the new port and goes on a clean stop.
  const credential = site.apiCredential
  await site.restart()
  assert.equal(site.apiCredential, credential)
  assert.equal(readFileSync(join(site.dataDir, 'api-address'), 'utf8'), `${new URL(site.apiUrl).host}\n`)
  assert.match((await portmesh(['token', 'issue', ...dir], { cwd: elsewhere })).stdout, /^portmesh-token-/)
  assert.equal(await site.stop(), 0)
  assert.equal(existsSync(join(site.dataDir, 'api-address')), false)
  assert.equal(existsSync(tokenFile), true)
})

test('run takes its data dir from PORTMESH_DATA_DIR too', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'portmesh-env-'))
  t.after(() => rmSync(cwd, { recursive: true, force: true }))
  const dataDir = join(cwd, 'from-env')
  const proc = spawn(process.execPath, [CLI, 'run', '--site', 'envsite', '--listen', '/ip4/127.0.0.1/tcp/0', '--api', '127.0.0.1:0', '--log-level', 'warn'], { cwd, env: { ...process.env, PORTMESH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve))
  t.after(async () => { if (proc.exitCode === null) { proc.kill('SIGKILL'); await exited } })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => { out += d.toString() })
  await waitFor('envsite started', () => /api\s+http:/.test(out))
  assert.equal(existsSync(join(cwd, 'portmesh-data')), false)
  assert.match(readFileSync(join(dataDir, 'api-token'), 'utf8'), /^[A-Za-z0-9_-]{43}\n$/)
  const r = await portmesh(['token', 'issue'], { env: { PORTMESH_DATA_DIR: dataDir }, cwd })
  assert.equal(r.code, 0, r.stderr)
  proc.kill('SIGTERM')
  assert.equal(await exited, 0)
  assert.equal(existsSync(join(dataDir, 'api-address')), false)
})
