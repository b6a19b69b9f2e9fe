import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isHeldCopy } from '../core/flooding.js'
import type { LinkStateDb } from '../core/lsdb.js'
import type { AdvertisementCodec, ReceivedAdvertisement } from '../core/link-state.js'
import type { Advertisement } from '../core/types.js'
import { decodeAdvertisementBody, decodeSignedAd, encodeAdvertisementBody, encodeSignedAd } from './codec.js'

/**
 * Decodes a signed advertisement and checks it was signed by its origin's key
 * (the origin is a peer id, which embeds the public key). Never throws. Used by
 * the router and by the convergence simulation (through advertisementCodec), so
 * both pay the same cost.
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

/** The link-state engine's codec for a router with this key. */
export function advertisementCodec (privateKey: PrivateKey): AdvertisementCodec {
  return {
    sign: async (ad) => await signAdvertisement(ad, privateKey),
    read: async (raw, lsdb) => await readAdvertisement(raw, lsdb)
  }
}
