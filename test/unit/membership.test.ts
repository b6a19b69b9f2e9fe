import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuthorizedPeers, GrantStore, grantProof, RevokedPeers } from '../../src/net/membership.js'
import { decodeToken, encodeToken, TokenError, TOKEN_PREFIX } from '../../src/wire/token.js'

const ISSUER = '12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'
const HOLDER = '12D3KooWMQaqe9rpMWaazmkXuv7jNA4okjPMXtGj8V5A5HHaVyhu'

function sampleToken (): string {
  return encodeToken({ issuer: ISSUER, issuerSite: 'west', addresses: [`/ip4/127.0.0.1/tcp/7070/p2p/${ISSUER}`], grantId: new Uint8Array(16).fill(1), secret: new Uint8Array(32).fill(2), expiresAt: 1_900_000_000 })
}

test('a token is one line of safe characters and round-trips', () => {
  const text = sampleToken()
  assert.match(text, /^portmesh-token-v1:[A-Za-z0-9_-]+$/)
  const t = decodeToken(`  ${text}\n`)
  assert.equal(t.issuer, ISSUER)
  assert.equal(t.issuerSite, 'west')
  assert.deepEqual(t.addresses, [`/ip4/127.0.0.1/tcp/7070/p2p/${ISSUER}`])
  assert.equal(t.expiresAt, 1_900_000_000)
})

test('changing any one character of a token is detected', () => {
  const text = sampleToken()
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  for (let i = TOKEN_PREFIX.length; i < text.length; i++) {
    const replacement = alphabet[(alphabet.indexOf(text[i]) + 1 + (i % 7)) % alphabet.length]
    const tampered = text.slice(0, i) + replacement + text.slice(i + 1)
    if (tampered === text) continue
    assert.throws(() => decodeToken(tampered), (err: unknown) => err instanceof TokenError && /damaged|no valid|no usable|version/.test(err.message), `position ${i}`)
  }
  assert.throws(() => decodeToken('/ip4/1.2.3.4/tcp/1'), /not a portmesh token/)
})

test('grants: ok once, then "already used"; unknown, expired and wrong proofs refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-grants-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const now = Date.now()
  const grants = await GrantStore.load(dir)
  const g = await grants.issue(now + 60_000, 1)
  const proof = grantProof(g.secret, HOLDER, ISSUER)
  assert.equal(await grants.redeem(new Uint8Array(16), proof, HOLDER, ISSUER, now), 'unknown')
  assert.equal(await grants.redeem(g.id, grantProof(g.secret, ISSUER, HOLDER), HOLDER, ISSUER, now), 'bad-proof', 'a proof made for other identities')
  assert.equal(await grants.redeem(g.id, proof, HOLDER, ISSUER, now + 61_000), 'expired')
  assert.equal(await grants.redeem(g.id, proof, HOLDER, ISSUER, now), 'ok')
  // The same holder asking again (it crashed before saving) is answered OK; anyone else hears "used".
  assert.equal(await grants.redeem(g.id, proof, HOLDER, ISSUER, now), 'ok')
  assert.equal(await grants.redeem(g.id, grantProof(g.secret, ISSUER, ISSUER), ISSUER, ISSUER, now), 'used')
  // Grants survive a restart; the file is private.
  const reloaded = await GrantStore.load(dir)
  assert.equal(await reloaded.redeem(g.id, grantProof(g.secret, ISSUER, ISSUER), ISSUER, ISSUER, now), 'used')
  assert.equal(statSync(join(dir, 'grants.json')).mode & 0o077, 0)
  const two = await reloaded.issue(now + 60_000, 2)
  const p2 = grantProof(two.secret, HOLDER, ISSUER)
  const third = '12D3KooWHcfms86D5VGh9cXn8D2mt4jqqToBBmq2XJHJSPsVvUHC'
  assert.equal(await reloaded.redeem(two.id, p2, HOLDER, ISSUER, now), 'ok')
  assert.equal(await reloaded.redeem(two.id, grantProof(two.secret, ISSUER, ISSUER), ISSUER, ISSUER, now), 'ok')
  assert.equal(await reloaded.redeem(two.id, grantProof(two.secret, third, ISSUER), third, ISSUER, now), 'used')
})

test('authorised peers are a plain file an operator can read and edit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-auth-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const a = await AuthorizedPeers.load(dir)
  assert.equal(a.has(HOLDER), false)
  await a.add(HOLDER, 'east', 'joined-with-token 2026-11-27T00:00:00.000Z')
  const text = readFileSync(join(dir, 'authorized-peers'), 'utf8')
  assert.match(text, new RegExp(`^${HOLDER} east joined-with-token`, 'm'))
  const b = await AuthorizedPeers.load(dir)
  assert.equal(b.has(HOLDER), true)
  assert.deepEqual(b.list().map(p => p.site), ['east'])
})

test('authorised peers: remove forgets a peer on disk and says what it was', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-auth-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const a = await AuthorizedPeers.load(dir)
  await a.add(HOLDER, 'east', 'joined-with-token x')
  await a.add(ISSUER, 'west', 'linked-with-token y')
  assert.equal((await a.remove(HOLDER))?.site, 'east')
  assert.equal(await a.remove(HOLDER), undefined)
  const b = await AuthorizedPeers.load(dir)
  assert.deepEqual(b.list().map(p => p.peerId), [ISSUER])
  assert.doesNotMatch(readFileSync(join(dir, 'authorized-peers'), 'utf8'), new RegExp(HOLDER))
})

test('revoked peers: a private plain file, written atomically, kept across restarts; revoking twice keeps the first entry', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-revoked-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const r = await RevokedPeers.load(dir)
  assert.equal(r.has(HOLDER), false)
  const at = new Date('2026-11-27T10:00:00.000Z')
  const entry = await r.add(HOLDER, 'east side', at)
  assert.deepEqual(entry, { peerId: HOLDER, site: 'east-side', revokedAt: at.toISOString() })
  assert.equal(r.has(HOLDER), true)
  assert.deepEqual(await r.add(HOLDER, 'other', new Date()), entry)
  const path = join(dir, 'revoked-peers')
  assert.equal(statSync(path).mode & 0o077, 0)
  assert.match(readFileSync(path, 'utf8'), new RegExp(`^${HOLDER} east-side 2026-11-27T10:00:00.000Z$`, 'm'))
  assert.deepEqual(readdirSync(dir), ['revoked-peers'], 'no temporary file left behind')
  const reloaded = await RevokedPeers.load(dir)
  assert.deepEqual(reloaded.list(), [entry])
  assert.equal(reloaded.has(ISSUER), false)
})

test('grants: a voided grant is refused to everyone, its past holders included; list never shows a secret', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-grants-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const now = Date.now()
  const grants = await GrantStore.load(dir)
  const a = await grants.issue(now + 60_000, 3)
  const b = await grants.issue(now + 60_000, 1)
  const expired = await grants.issue(now - 1, 1)
  const idOf = (g: { id: Uint8Array }): string => Buffer.from(g.id).toString('hex')
  assert.deepEqual(grants.list(now).map(g => g.id).sort(), [idOf(a), idOf(b)].sort(), 'expired grants are not listed')
  assert.equal(await grants.redeem(a.id, grantProof(a.secret, HOLDER, ISSUER), HOLDER, ISSUER, now), 'ok')
  const listed = grants.list(now).find(g => g.id === idOf(a))
  assert.deepEqual(listed, { id: idOf(a), expiresAt: new Date(now + 60_000).toISOString(), usesLeft: 2, redeemedBy: [HOLDER] })
  assert.equal(JSON.stringify(grants.list(now)).includes(Buffer.from(a.secret).toString('hex')), false)

  // The holder is revoked: the grant it redeemed is void, its uses left included.
  assert.deepEqual(await grants.voidRedeemedBy(HOLDER, now), [idOf(a)])
  assert.deepEqual(await grants.voidRedeemedBy(HOLDER, now), [])
  assert.equal(await grants.redeem(a.id, grantProof(a.secret, HOLDER, ISSUER), HOLDER, ISSUER, now), 'voided', 'a past holder is not answered ok again')
  const third = '12D3KooWHcfms86D5VGh9cXn8D2mt4jqqToBBmq2XJHJSPsVvUHC'
  assert.equal(await grants.redeem(a.id, grantProof(a.secret, third, ISSUER), third, ISSUER, now), 'voided')
  assert.equal(await grants.redeem(a.id, grantProof(b.secret, third, ISSUER), third, ISSUER, now), 'bad-proof', 'only a real holder learns it is void')

  // token revoke: one grant by id, once.
  assert.equal(await grants.void(idOf(b), now), true)
  assert.equal(await grants.void(idOf(b), now), false)
  assert.equal(await grants.void('00'.repeat(16), now), false)
  assert.deepEqual(grants.list(now), [])
  const reloaded = await GrantStore.load(dir)
  assert.equal(await reloaded.redeem(b.id, grantProof(b.secret, HOLDER, ISSUER), HOLDER, ISSUER, now), 'voided', 'void lasts across restarts')
  assert.equal(await reloaded.redeem(expired.id, grantProof(expired.secret, HOLDER, ISSUER), HOLDER, ISSUER, now), 'expired')
})
