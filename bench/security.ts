import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { OriginVerifier, proveOrigin, TunnelSigner } from '../src/net/origin-proof.js'
import type { TunnelHeader } from '../src/wire/codec.js'

const TUNNELS = 5000

/**
 * What proven origin costs per tunnel, in CPU: the ingress signing its header
 * (proveOrigin) and the destination checking it (OriginVerifier.check:
 * freshness, replay memory, Ed25519 verify). Microseconds per tunnel, one
 * value per run of TUNNELS headers.
 */
export async function originProofCost (runs: number): Promise<{ sign: number[], verify: number[] }> {
  const key = await generateKeyPair('Ed25519')
  const ingress = peerIdFromPrivateKey(key).toString()
  const destination = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const signer = new TunnelSigner(key)
  const sign: number[] = []
  const verify: number[] = []
  for (let run = 0; run < runs + 1; run++) {
    const now = Date.now()
    const t0 = performance.now()
    const headers = []
    for (let i = 0; i < TUNNELS; i++) {
      headers.push(proveOrigin<TunnelHeader>(signer, { routingKey: 'db', destination, hopLimit: 8, connectionId: i, ingress, e2eKey: new Uint8Array(0), wantDestinationProof: false, originProof: new Uint8Array(0) }, now))
    }
    const t1 = performance.now()
    const verifier = new OriginVerifier()
    for (const h of headers) if (!verifier.check(h, now).ok) throw new Error('origin proof did not verify')
    const t2 = performance.now()
    // The first run warms up the JIT and the key caches.
    if (run === 0) continue
    sign.push((t1 - t0) * 1000 / TUNNELS)
    verify.push((t2 - t1) * 1000 / TUNNELS)
  }
  return { sign, verify }
}
