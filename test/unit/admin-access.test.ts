import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasCredential, isChange, refuseForeignOrigin, refuseHost } from '../../src/api/access.js'
import { loadApiCredential } from '../../src/api/credential.js'
import { apiTarget, dataDirOption } from '../../src/cli/api-client.js'

test('Host: this API\'s address or a loopback name on its port; under a wildcard bind any IP literal, never a name', () => {
  const cases: Array<[string | undefined, string, boolean]> = [
    // Host header, bound to, answered?
    ['127.0.0.1:7071', '127.0.0.1', true],
    ['localhost:7071', '127.0.0.1', true],
    ['LocalHost:7071', '127.0.0.1', true],
    ['[::1]:7071', '127.0.0.1', true],
    ['[::1]:7071', '::1', true],
    ['10.1.2.3:7071', '10.1.2.3', true],
    ['evil.example:7071', '127.0.0.1', false],
    ['evil.example', '127.0.0.1', false],
    ['127.0.0.1:7072', '127.0.0.1', false],
    ['127.0.0.1', '127.0.0.1', false],
    ['localhost.:7071', '127.0.0.1', false],
    ['user@127.0.0.1:7071', '127.0.0.1', false],
    ['', '127.0.0.1', false],
    [undefined, '127.0.0.1', false],
    ['10.1.2.3:7071', '127.0.0.1', false],
    ['10.1.2.3:7071', '0.0.0.0', true],
    ['[fe80::1]:7071', '::', true],
    ['localhost:7071', '0.0.0.0', true],
    ['evil.example:7071', '0.0.0.0', false],
    ['127.0.0.1.nip.io:7071', '0.0.0.0', false]
  ]
  for (const [host, bind, answered] of cases) {
    const refusal = refuseHost(host, bind, 7071)
    assert.equal(refusal === undefined, answered, `Host ${String(host)} on ${bind}`)
    if (refusal !== undefined) {
      assert.equal(refusal.status, 421)
      assert.match(refusal.error, /^this admin API answers only requests addressed to .*\.$/)
    }
  }
})

test('a change from another origin is refused; the API\'s own origin, and no Origin at all (the CLI), are not', () => {
  const host = '127.0.0.1:7071'
  const cases: Array<[Record<string, string>, boolean]> = [
    [{}, true],
    [{ origin: 'http://127.0.0.1:7071' }, true],
    [{ origin: 'http://127.0.0.1:7071', 'sec-fetch-site': 'same-origin' }, true],
    [{ 'sec-fetch-site': 'none' }, true],
    [{ origin: 'http://evil.example' }, false],
    [{ origin: 'http://127.0.0.2:7071' }, false],
    [{ origin: 'http://localhost:7071' }, false],
    [{ origin: 'https://127.0.0.1:7071' }, false],
    [{ origin: 'http://127.0.0.1:7072' }, false],
    [{ origin: 'null' }, false],
    [{ 'sec-fetch-site': 'cross-site' }, false],
    [{ 'sec-fetch-site': 'same-site' }, false],
    [{ origin: 'http://127.0.0.1:7071', 'sec-fetch-site': 'cross-site' }, false]
  ]
  for (const [headers, taken] of cases) {
    const refusal = refuseForeignOrigin({ host, ...headers })
    assert.equal(refusal === undefined, taken, JSON.stringify(headers))
    if (refusal !== undefined) assert.equal(refusal.status, 403)
  }
  assert.equal(refuseForeignOrigin({ host: 'localhost', origin: 'http://localhost' }), undefined)
  assert.deepEqual(['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'OPTIONS'].map(isChange), [false, false, true, true, true, true])
})

test('the credential: bearer only, exact', () => {
  const c = 'a'.repeat(43)
  assert.equal(hasCredential(`Bearer ${c}`, c), true)
  assert.equal(hasCredential(undefined, c), false)
  assert.equal(hasCredential(c, c), false)
  assert.equal(hasCredential(`Bearer ${c}x`, c), false)
  assert.equal(hasCredential(`Bearer ${'b'.repeat(43)}`, c), false)
})

test('api-token is created once (43 base64url characters, mode 0600) and kept; the CLI finds it and the recorded address', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-cred-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const first = await loadApiCredential(dir)
  assert.match(first.credential, /^[A-Za-z0-9_-]{43}$/)
  assert.equal(statSync(first.path).mode & 0o777, 0o600)
  assert.equal(first.loose, false)
  const [a, b] = await Promise.all([loadApiCredential(dir), loadApiCredential(dir)])
  assert.equal(a.credential, first.credential)
  assert.equal(b.credential, first.credential)

  writeFileSync(join(dir, 'api-address'), '0.0.0.0:4242\n')
  assert.deepEqual(apiTarget({ dataDir: dir }, {}), { base: 'http://127.0.0.1:4242', token: first.credential, addressFrom: join(dir, 'api-address'), tokenFrom: join(dir, 'api-token') })
  assert.equal(apiTarget({ dataDir: dir, api: '127.0.0.1:9' }, {}).base, 'http://127.0.0.1:9')
  assert.equal(apiTarget({}, { PORTMESH_DATA_DIR: dir }).token, first.credential)
  assert.deepEqual(apiTarget({ dataDir: join(dir, 'none') }, {}), { base: 'http://127.0.0.1:7071', token: undefined, addressFrom: undefined, tokenFrom: undefined })
  assert.equal(dataDirOption(undefined, { PORTMESH_DATA_DIR: '' }), undefined)
  assert.equal(dataDirOption('x', { PORTMESH_DATA_DIR: 'y' }), 'x')
})
