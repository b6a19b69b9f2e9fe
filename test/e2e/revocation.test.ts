import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, freePort, Mesh, Site } from '../helpers/site.js'
import { closed, dial, echoServer, namedServer, readLine, whoAnswers } from '../helpers/tcp.js'
import { waitFor } from '../helpers/wait.js'
import { decodeToken } from '../../src/wire/token.js'
import type { Revocation, RouterStatus, TokenView } from '../../src/api/types.js'

const run = promisify(execFile)

/**
 * Revocation at once and for good (issue #12 item 5), with real `portmesh run`
 * processes: the live connection is cut and the link is down within 1 s, the
 * revoked site cannot come back by address or by its old token, across
 * restarts of both sides, while a third site keeps working.
 */

/** Every admin API call of these tests goes through here (one place to add a credential). */
async function api<T = Record<string, unknown>> (site: Site, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<{ status: number, body: T }> {
  const res = await fetch(`${site.apiUrl}${path}`, {
    method,
    headers: { ...site.apiHeaders, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as T }
}

/** The CLI against a site's admin API; resolves with the exit code and output whatever the code. */
async function cli (site: Site, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  const r = await run(process.execPath, [CLI, ...args, '--data-dir', site.dataDir]).then(
    (ok) => ({ code: 0, ...ok }),
    (e: { code: number, stdout: string, stderr: string }) => e)
  return { code: r.code, stdout: r.stdout, stderr: r.stderr }
}

/** What a site's current process writes to stdout from now on (its JSON log lines). */
function outputFromNow (site: Site): () => string {
  let text = ''
  site.proc?.stdout?.on('data', (d: Buffer) => { text += d.toString() })
  return () => text
}

const linkTo = (s: RouterStatus, peerId: string): RouterStatus['links'][number] | undefined => s.links.find(l => l.peerId === peerId)

test('link revoke: cut within 1 s, no relink by address or old token, across restarts of both; a third site keeps working', async (t) => {
  //   east (echo) --token-- west (listeners echo, nsvc) --token-- north (nsvc)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const echo = await echoServer()
  const northSvc = await namedServer('north')
  mesh.onStop(async () => { await echo.close(); await northSvc.close() })
  const echoPort = await freePort()
  const northPort = await freePort()
  const west = await Site.start(mesh, 'west', { listeners: [`echo=127.0.0.1:${echoPort}`, `nsvc=127.0.0.1:${northPort}`] })
  const eastToken = await west.token()
  const east = await Site.start(mesh, 'east', { links: [eastToken], connectors: [`echo=127.0.0.1:${echo.port}`] })
  const north = await Site.start(mesh, 'north', { links: [await west.token()], connectors: [`nsvc=127.0.0.1:${northSvc.port}`] })
  await west.waitTargets('echo', ['east'])
  await west.waitTargets('nsvc', ['north'])
  // West also keeps a link of its own to east, by address: it must end up shown as revoked, not redialed.
  assert.equal((await api(west, 'POST', '/v1/links', { target: `${east.address}/p2p/${east.peerId}`, name: 'to-east' })).status, 201)
  await west.waitStatus('to-east up', s => s.links.some(l => l.name === 'to-east' && l.state === 'up'))
  assert.equal(await whoAnswers(northPort), 'north')

  // A live echoing connection from west's listener to east's connector.
  const client = await dial(echoPort)
  client.write('before\n')
  assert.equal(await readLine(client), 'before')
  const cut = closed(client)

  const started = performance.now()
  const revoked = await api<Revocation>(west, 'POST', '/v1/revocations', { peer: 'east' })
  const answeredMs = performance.now() - started
  const [cutMs, westDownMs, eastDownMs] = await Promise.all([
    cut.then(() => performance.now() - started),
    west.waitStatus('no link to east', s => linkTo(s, east.peerId)?.state !== 'up', 2000).then(() => performance.now() - started),
    east.waitStatus('no link to west', s => linkTo(s, west.peerId)?.state !== 'up', 2000).then(() => performance.now() - started)
  ])
  t.diagnostic(`revoke: answered in ${answeredMs.toFixed(0)} ms; live connection cut after ${cutMs.toFixed(0)} ms; link down at west after ${westDownMs.toFixed(0)} ms, at east after ${eastDownMs.toFixed(0)} ms (status polled every 25 ms)`)
  assert.ok(cutMs <= 1000, `live connection cut after ${cutMs.toFixed(0)} ms`)
  assert.ok(westDownMs <= 1000 && eastDownMs <= 1000, `link down after ${westDownMs.toFixed(0)} / ${eastDownMs.toFixed(0)} ms`)

  assert.equal(revoked.status, 201)
  assert.equal(revoked.body.peerId, east.peerId)
  assert.equal(revoked.body.site, 'east')
  assert.equal(revoked.body.alreadyRevoked, false)
  assert.equal(revoked.body.wasAuthorized, true)
  assert.deepEqual(revoked.body.linksStopped, ['to-east'])
  assert.ok(revoked.body.connectionsClosed >= 1)
  assert.deepEqual(revoked.body.grantsVoided, [Buffer.from(decodeToken(eastToken).grantId).toString('hex')])
  assert.deepEqual((await api<{ revocations: Array<{ peerId: string }> }>(west, 'GET', '/v1/revocations')).body.revocations.map(r => r.peerId), [east.peerId])
  const revokedFile = join(west.dataDir, 'revoked-peers')
  assert.match(readFileSync(revokedFile, 'utf8'), new RegExp(`^${east.peerId} east \\d{4}-\\d\\d-\\d\\dT`, 'm'))
  assert.equal(statSync(revokedFile).mode & 0o077, 0)
  assert.doesNotMatch(readFileSync(join(west.dataDir, 'authorized-peers'), 'utf8'), new RegExp(east.peerId))

  // West no longer routes to east; its link to east shows as revoked; north is untouched.
  const after = await west.waitTargets('echo', [])
  assert.equal(after.routers.some(r => r.peerId === east.peerId), false)
  assert.equal(after.links.find(l => l.name === 'to-east')?.state, 'revoked')
  assert.equal(await whoAnswers(northPort), 'north')

  // The CLI: one line about what was cut (nothing is left to cut now), JSON, and a sentence for an unknown name.
  const again = await cli(west, 'link', 'revoke', 'east')
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, new RegExp(`^already revoked east \\(${east.peerId}\\): 0 connections closed, .*it cannot link, tunnel or redeem a token here\\n$`))
  const asJson = JSON.parse((await cli(west, 'link', 'revoke', east.peerId, '--json')).stdout) as Revocation
  assert.equal(asJson.peerId, east.peerId)
  const unknown = await cli(west, 'link', 'revoke', 'nowhere')
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /no site named nowhere is known here; known sites: .*north/)

  // East relinks by address: its configured link redials, and so does a new one; west cuts both off.
  const westLog = outputFromNow(west)
  assert.equal((await api(east, 'POST', '/v1/links', { target: `${west.address}/p2p/${west.peerId}`, name: 'again' })).status, 201)
  await waitFor('west refuses east by address', () => westLog().includes('refusing a revoked peer'))
  await east.waitStatus('east retrying, not up', s => s.links.filter(l => l.peerId === west.peerId).every(l => l.state === 'retrying' || l.state === 'connecting') && s.links.some(l => l.name === 'again'))
  assert.equal(linkTo(await west.status(), east.peerId)?.state, 'revoked')

  // Both restart on the same data dirs: still out.
  await west.kill()
  await east.kill()
  await west.launch()
  const westLog2 = outputFromNow(west)
  await east.launch()
  await waitFor('west refuses east after both restarted', () => westLog2().includes('refusing a revoked peer'))
  const westAfter = await west.waitTargets('nsvc', ['north'])
  assert.equal(westAfter.links.find(l => l.name === 'to-east')?.state, 'revoked', 'the revoked link is not redialed after a restart')
  assert.equal(westAfter.services.some(s => s.routingKey === 'echo'), false)
  assert.equal(linkTo(await east.status(), west.peerId)?.state === 'up', false)
  assert.equal(await whoAnswers(northPort), 'north')

  // East forgets west and presents its old token again: refused with a sentence, whatever token it is.
  await east.kill()
  const eastAuthorized = join(east.dataDir, 'authorized-peers')
  writeFileSync(eastAuthorized, readFileSync(eastAuthorized, 'utf8').split('\n').filter(l => !l.startsWith(west.peerId)).join('\n'))
  const westLog3 = outputFromNow(west)
  await east.launch()
  await waitFor('east hears it is revoked', () => east.stderr.includes('west has revoked this site; no token lets it link there again'))
  assert.ok(westLog3().includes('join refused: this peer is revoked here'))
  await east.waitStatus('east gave the token link up', s => s.links.some(l => l.peerId === west.peerId && l.state === 'refused'))
  assert.equal((await west.status()).routers.some(r => r.peerId === east.peerId), false)

  // North kept working throughout, and its link never went through a revocation.
  assert.equal(await whoAnswers(northPort), 'north')
  assert.equal(linkTo(await north.status(), west.peerId)?.state, 'up')
})

test('token list and token revoke: an issued token is listed (never its secret), revoked, then refused with a sentence', async (t) => {
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const hub = await Site.start(mesh, 'hub')
  const token = await hub.token(2)
  const { grantId, secret } = decodeToken(token)
  const id = Buffer.from(grantId).toString('hex')

  const listed = await cli(hub, 'token', 'list', '--json')
  assert.equal(listed.code, 0, listed.stderr)
  const tokens = JSON.parse(listed.stdout) as TokenView[]
  assert.deepEqual(tokens.map(x => [x.id, x.usesLeft, x.redeemedBy]), [[id, 2, []]])
  assert.ok(Date.parse(tokens[0].expiresAt) > Date.now())
  const text = await cli(hub, 'token', 'list')
  assert.match(text.stdout, new RegExp(`ID\\s+EXPIRES\\s+USES LEFT\\s+REDEEMED BY\\n\\s+${id}\\s+\\S+\\s+2\\s+-`))
  for (const out of [listed.stdout, text.stdout]) assert.equal(out.includes(Buffer.from(secret).toString('hex')), false, 'the secret is never shown')

  const revoked = await cli(hub, 'token', 'revoke', id)
  assert.equal(revoked.code, 0, revoked.stderr)
  assert.equal(revoked.stdout, `token ${id} revoked; redeeming it is refused from now on\n`)
  assert.deepEqual((await api<{ tokens: TokenView[] }>(hub, 'GET', '/v1/tokens')).body.tokens, [])
  const twice = await api<{ error: string }>(hub, 'DELETE', `/v1/tokens/${id}`)
  assert.equal(twice.status, 404)
  assert.match(twice.body.error, /no token with id .* that can still be revoked/)

  const late = await Site.start(mesh, 'late', { links: [token] })
  await waitFor('refusal sentence', () => late.stderr.includes('the site that issued this token has revoked it'))
  await late.waitStatus('link refused', s => s.links[0]?.state === 'refused')
  assert.deepEqual((await hub.status()).links, [])
})
