import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { admits } from '../../src/core/access.js'
import { destinationProofBytes, ORIGIN_PROOF_WINDOW_MS, OriginVerifier, proveOrigin, TunnelSigner, verifiedBy } from '../../src/net/origin-proof.js'
import { SitePins } from '../../src/router/site-pins.js'
import { StatusCode, type TunnelHeader } from '../../src/wire/codec.js'

async function identity (): Promise<{ peer: string, signer: TunnelSigner }> {
  const key = await generateKeyPair('Ed25519')
  return { peer: peerIdFromPrivateKey(key).toString(), signer: new TunnelSigner(key) }
}

const NOW = 1_800_000_000_000

async function signedHeader (over: Partial<TunnelHeader> = {}, issuedAt = NOW): Promise<{ header: TunnelHeader, ingress: string, destination: string }> {
  const ingress = await identity()
  const destination = (await identity()).peer
  const header = proveOrigin<TunnelHeader>(ingress.signer, { routingKey: 'db', destination, hopLimit: 8, connectionId: 7, ingress: ingress.peer, e2eKey: new Uint8Array(0), wantDestinationProof: false, originProof: new Uint8Array(0), ...over }, issuedAt)
  return { header, ingress: ingress.peer, destination }
}

test('origin proof: a signed header passes once; a replay of it is refused', async () => {
  const { header } = await signedHeader()
  const v = new OriginVerifier()
  assert.deepEqual(v.check(header, NOW + 5), { ok: true })
  assert.equal(v.check(header, NOW + 10).ok === false && (v.check(header, NOW + 10) as { reason: string }).reason, 'replay')
  // The same request with a new nonce (what an honest ingress sends for a new tunnel) is a different proof.
  assert.deepEqual(v.check((await signedHeader()).header, NOW), { ok: true })
})

test('origin proof: a site with workers keeps one replay guard: each worker checks the signature, the router remembers the proof once for all', async () => {
  const { header } = await signedHeader()
  const router = new OriginVerifier()
  const worker1 = new OriginVerifier()
  const worker2 = new OriginVerifier()
  // Each worker verifies without remembering: a replay is only caught where proofs are remembered.
  assert.deepEqual(worker1.checkSignature(header, NOW + 5), { ok: true })
  assert.deepEqual(worker2.checkSignature(header, NOW + 5), { ok: true })
  assert.deepEqual(router.remember(header.originProof, header.issuedAt + ORIGIN_PROOF_WINDOW_MS, NOW + 5), { ok: true })
  assert.equal((router.remember(header.originProof, header.issuedAt + ORIGIN_PROOF_WINDOW_MS, NOW + 6) as { reason: string }).reason, 'replay', 'the same proof through another worker')
  // And the router's own check sees what its workers' proofs were.
  assert.equal((router.check(header, NOW + 7) as { reason: string }).reason, 'replay')
  assert.equal((worker1.checkSignature({ ...header, connectionId: 8 }, NOW + 5) as { reason: string }).reason, 'bad-signature')
  assert.equal((worker1.checkSignature(header, NOW + ORIGIN_PROOF_WINDOW_MS + 1000) as { reason: string }).reason, 'stale')
})

test('origin proof: every tunnel gets its own nonce, and a nonce handed out stays as it was after the pool refills', async () => {
  const { peer, signer } = await identity()
  const destination = (await identity()).peer
  const open = (i: number): TunnelHeader => proveOrigin<TunnelHeader>(signer, { routingKey: 'db', destination, hopLimit: 8, connectionId: i, ingress: peer, e2eKey: new Uint8Array(0), wantDestinationProof: false, originProof: new Uint8Array(0) }, NOW)
  const headers = [open(0)]
  const first = Buffer.from(headers[0].nonce)
  for (let i = 1; i < 600; i++) headers.push(open(i))
  assert.equal(new Set(headers.map(h => Buffer.from(h.nonce).toString('hex'))).size, headers.length)
  assert.equal(headers[0].nonce.byteLength, 16)
  // 600 tunnels refilled the pool twice since the first was signed; its nonce (and so its proof) is unchanged.
  assert.deepEqual(Buffer.from(headers[0].nonce), first)
  const v = new OriginVerifier()
  for (const h of headers) assert.deepEqual(v.check(h, NOW), { ok: true })
})

test('origin proof: changing any signed field, or claiming another ingress, breaks it', async () => {
  const { header } = await signedHeader()
  const other = await identity()
  const altered: Array<[string, TunnelHeader]> = [
    ['routing key', { ...header, routingKey: 'db2' }],
    ['destination', { ...header, destination: other.peer }],
    ['ingress', { ...header, ingress: other.peer }],
    ['connection id', { ...header, connectionId: 8 }],
    ['issued at', { ...header, issuedAt: header.issuedAt + 1 }],
    ['nonce', { ...header, nonce: new Uint8Array(16) }],
    ['e2e key', { ...header, e2eKey: new Uint8Array(32).fill(1) }],
    ['wants a signed answer', { ...header, wantDestinationProof: true }],
    // A transit site cannot turn a client connection into a flow query.
    ['query', { ...header, query: 1 }]
  ]
  for (const [what, h] of altered) {
    const r = new OriginVerifier().check(h, NOW)
    assert.equal(r.ok ? 'ok' : r.reason, 'bad-signature', what)
  }
  // Nor a flow query into a client connection.
  const { header: query } = await signedHeader({ query: 1 })
  assert.deepEqual(new OriginVerifier().check(query, NOW), { ok: true })
  const unquery = new OriginVerifier().check({ ...query, query: 0 }, NOW)
  assert.equal(unquery.ok ? 'ok' : unquery.reason, 'bad-signature')
  // Nor what a resume says the ingress holds, nor a plain tunnel into a resume.
  const { header: resume } = await signedHeader({ resumable: true, resume: true, received: 5 })
  assert.deepEqual(new OriginVerifier().check(resume, NOW), { ok: true })
  for (const [what, h] of [['received', { ...resume, received: 6 }], ['resume flag', { ...resume, resume: false }], ['resumable', { ...header, resumable: true }]] as Array<[string, TunnelHeader]>) {
    const r = new OriginVerifier().check(h, NOW)
    assert.equal(r.ok ? 'ok' : r.reason, 'bad-signature', what)
  }
  // The hop limit is not signed: transit hops decrement it.
  assert.deepEqual(new OriginVerifier().check({ ...header, hopLimit: 3 } as TunnelHeader, NOW), { ok: true })
})

test('origin proof: stale or future beyond the window, unsigned, and a full replay memory are refused', async () => {
  const { header } = await signedHeader()
  const reason = (v: OriginVerifier, h: TunnelHeader, now: number): string => { const r = v.check(h, now); return r.ok ? 'ok' : r.reason }
  assert.equal(reason(new OriginVerifier(), header, NOW + ORIGIN_PROOF_WINDOW_MS + 1), 'stale')
  assert.equal(reason(new OriginVerifier(), header, NOW - ORIGIN_PROOF_WINDOW_MS - 1), 'stale')
  assert.equal(reason(new OriginVerifier(), { ...header, originProof: new Uint8Array(0) }, NOW), 'unsigned')
  const small = new OriginVerifier(ORIGIN_PROOF_WINDOW_MS, 1)
  assert.equal(reason(small, header, NOW), 'ok')
  assert.equal(reason(small, (await signedHeader()).header, NOW), 'busy')
  assert.equal(small.remembered, 1)
  // Once the first proof is no longer fresh it is forgotten (a replay of it would be stale), and there is room again.
  const later = NOW + ORIGIN_PROOF_WINDOW_MS + 1
  assert.equal(reason(small, (await signedHeader({}, later)).header, later), 'ok')
  assert.equal(small.remembered, 1)
})

test('destination proof: verifies only against the destination that signed it', async () => {
  const dest = await identity()
  const other = await identity()
  const proof = new Uint8Array(64).fill(5)
  const sig = dest.signer.sign(destinationProofBytes(dest.peer, proof, StatusCode.OK, new Uint8Array(0)))
  assert.equal(verifiedBy(dest.peer, destinationProofBytes(dest.peer, proof, StatusCode.OK, new Uint8Array(0)), sig), true)
  assert.equal(verifiedBy(other.peer, destinationProofBytes(other.peer, proof, StatusCode.OK, new Uint8Array(0)), sig), false)
  assert.equal(verifiedBy(dest.peer, destinationProofBytes(dest.peer, new Uint8Array(64), StatusCode.OK, new Uint8Array(0)), sig), false, 'bound to the ingress\'s proof')
  assert.equal(verifiedBy(dest.peer, new Uint8Array(3), new Uint8Array(0)), false)
})

test('site pins: the first identity holds a name; a later claimant is a conflict, reported once, and rules do not match it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pins-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const conflicts: string[] = []
  const pins = await SitePins.load(dir, (c) => conflicts.push(`${c.site}:${c.claimant}`))
  pins.observe('west', 'W1', 'joined', 1)
  pins.observe('west', 'W2', 'advertised', 2)
  pins.observe('west', 'W2', 'advertised', 3)
  assert.equal(pins.peerOf('west'), 'W1')
  assert.deepEqual(conflicts, ['west:W2'])
  assert.deepEqual(pins.nameConflicts(), [{ site: 'west', pinned: 'W1', claimant: 'W2' }])
  assert.equal(admits(['west'], 'W1', (s) => pins.peerOf(s)), true)
  assert.equal(admits(['west'], 'W2', (s) => pins.peerOf(s)), false)
  assert.equal(admits([], 'anyone', (s) => pins.peerOf(s)), true, 'no entries: every member')
  await pins.flushed()
  assert.match(readFileSync(join(dir, 'site-pins'), 'utf8'), /^west W1 1 joined$/m)
  // Across a restart the name stays with W1.
  const again = await SitePins.load(dir)
  again.observe('west', 'W2', 'advertised')
  assert.equal(again.peerOf('west'), 'W1')
  // Revoking W1 frees the name for the next identity that claims it.
  assert.deepEqual(again.release('W1'), ['west'])
  again.observe('west', 'W2', 'advertised')
  assert.equal(again.peerOf('west'), 'W2')
})

test('a peer id entry matches that peer only; a site name never matches a peer id spelled as a name', () => {
  const peer = '12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'
  // A pin table that maps the peer id text itself (a hostile advertisement's site name) must not matter.
  const pinned = (s: string): string | undefined => s === peer ? 'ATTACKER' : undefined
  assert.equal(admits([peer], peer, pinned), true)
  assert.equal(admits([peer], 'ATTACKER', pinned), false)
})
