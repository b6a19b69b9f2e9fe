import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { FEATURE_ORIGIN_PROOF, type Advertisement } from '../../src/core/types.js'
import { OriginVerifier, proveOrigin, TunnelSigner } from '../../src/net/origin-proof.js'
import { TunnelAccess } from '../../src/router/access.js'
import { SitePins } from '../../src/router/site-pins.js'
import type { TunnelHeader } from '../../src/wire/codec.js'

/**
 * The destination's decisions on who opened a tunnel (router/access.ts), with
 * real keys and real proofs: revoked, unknown, unsigned from a router that
 * signs, unsigned from an earlier release, and allow/e2e per connector.
 */

const NOW = 1_800_000_000_000

async function member (site: string, features = FEATURE_ORIGIN_PROOF): Promise<{ peer: string, signer: TunnelSigner, ad: Advertisement }> {
  const key = await generateKeyPair('Ed25519')
  const peer = peerIdFromPrivateKey(key).toString()
  return { peer, signer: new TunnelSigner(key), ad: { origin: peer, epoch: 1, seq: 1, site, links: [], services: [], features } }
}

test('origin admission: revoked, unknown, unsigned and legacy callers, decided on identity', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'access-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const [west, north, old, stranger] = [await member('west'), await member('north'), await member('old', 0), await member('stranger')]
  const dest = (await member('east')).peer
  const ads = new Map([west, north, old].map(m => [m.peer, m.ad]))
  const revoked = new Set([north.peer])
  const denied: string[] = []
  let legacyPresent = false
  const pins = await SitePins.load(dir)
  pins.observe('west', west.peer, 'joined')
  const access = new TunnelAccess({
    advertisement: (p) => ads.get(p),
    isRevoked: (p) => revoked.has(p),
    legacyRoutersPresent: () => legacyPresent,
    pins,
    verifier: new OriginVerifier(),
    wallClock: () => NOW,
    denied: (caller, _key, reason) => denied.push(`${caller.site}:${reason}`)
  })
  const header = (m: { peer: string, signer: TunnelSigner }): TunnelHeader => proveOrigin<TunnelHeader>(m.signer, { routingKey: 'db', destination: dest, hopLimit: 8, connectionId: 1, ingress: m.peer, e2eKey: new Uint8Array(0), wantDestinationProof: false, originProof: new Uint8Array(0) }, NOW)
  const unsigned = (peer: string): TunnelHeader => ({ ...header(west), ingress: peer, originProof: new Uint8Array(0) })
  const TRANSIT = 'transit-peer'

  assert.deepEqual(access.admitOrigin(header(west), TRANSIT), { ok: true, proven: true })
  assert.equal(access.admitOrigin(header(north), TRANSIT).ok, false, 'revoked, even with a valid proof through a third site')
  assert.equal(access.admitOrigin(header(stranger), TRANSIT).ok, false, 'not a member this site knows')
  assert.equal(access.admitOrigin(unsigned(west.peer), TRANSIT).ok, false, 'west signs, so an unsigned "west" is someone else')
  assert.deepEqual(access.admitOrigin(unsigned(old.peer), TRANSIT), { ok: true, proven: false }, 'an earlier release cannot sign: taken, unproven')
  assert.deepEqual(access.admitOrigin(unsigned(stranger.peer), stranger.peer), { ok: true, proven: true }, 'the neighbour itself: Noise proved it')
  assert.deepEqual(denied, ['north:revoked', ':unknown', 'west:unsigned'])
  // With a router of an earlier release in the mesh, west's proof may have been dropped on the way: taken, unproven.
  legacyPresent = true
  assert.deepEqual(access.admitOrigin(unsigned(west.peer), TRANSIT), { ok: true, proven: false })
  assert.equal(access.admitOrigin(unsigned(north.peer), TRANSIT).ok, false, 'revoked stays revoked')

  // Connectors: allow needs a proven caller in the list; e2e needs an encrypted tunnel.
  const connector = { routingKey: 'db', host: '127.0.0.1', port: 1, cost: 0, allow: ['west'], e2e: false }
  assert.equal(access.connectorAdmission({ peer: west.peer, proven: true, e2e: false })(connector), undefined)
  assert.match(access.connectorAdmission({ peer: old.peer, proven: false, e2e: false })(connector) ?? '', /cannot prove/)
  assert.match(access.connectorAdmission({ peer: north.peer, proven: true, e2e: false })(connector) ?? '', /allow list/)
  assert.match(access.connectorAdmission({ peer: west.peer, proven: true, e2e: false })({ ...connector, allow: [], e2e: true }) ?? '', /end-to-end/)
  assert.equal(access.connectorAdmission({ peer: old.peer, proven: false, e2e: false })({ ...connector, allow: [] }), undefined, 'no allow: every member, as before')
})
