import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isHeldCopy } from '../core/flooding.js'
import type { LinkStateDb } from '../core/lsdb.js'
import type { Advertisement } from '../core/types.js'
import { decodeAdvertisementBody, decodeSignedAd, encodeAdvertisementBody, encodeSignedAd } from '../wire/codec.js'

/** What a signed advertisement from a neighbour turned out to be. */
export type ReceivedAdvertisement =
  | { kind: 'verified', ad: Advertisement }
  /** Exactly the bytes already held (verified when stored): nothing to do. */
  | { kind: 'held' }
  | { kind: 'bad-signature', origin: string }
  | { kind: 'malformed', message: string }

/**
 * Decodes a signed advertisement and checks it was signed by its origin's key
 * (the origin is a peer id, which embeds the public key). Never throws. Used by
 * the router and by the convergence simulation, so both pay the same cost.
 */
export async function readAdvertisement (raw: Uint8Array, lsdb: LinkStateDb): Promise<ReceivedAdvertisement> {
  try {
    const signed = decodeSignedAd(raw)
    const ad = decodeAdvertisementBody(signed.body)
    if (isHeldCopy(lsdb, ad.origin, raw)) return { kind: 'held' }
    const publicKey = peerIdFromString(ad.origin).publicKey
    if (publicKey === undefined || !(await publicKey.verify(signed.body, signed.signature))) return { kind: 'bad-signature', origin: ad.origin }
    return { kind: 'verified', ad }
  } catch (err) {
    return { kind: 'malformed', message: (err as Error).message }
  }
}

/** Encodes and signs this router's own advertisement: the bytes every receiver verifies and floods verbatim. */
export async function signAdvertisement (ad: Advertisement, privateKey: PrivateKey): Promise<Uint8Array> {
  const body = encodeAdvertisementBody(ad)
  const signature = await privateKey.sign(body)
  return encodeSignedAd({ body, signature })
}
