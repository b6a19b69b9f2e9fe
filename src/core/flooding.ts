import { compareVersion, type LinkStateDb, type OfferResult } from './lsdb.js'
import type { Advertisement, PeerIdString } from './types.js'

/**
 * The flooding rules, shared by the router and the convergence simulation
 * (bench/converge-sim.ts), so the simulation measures the router's behaviour
 * and not a copy of it. Pure: the caller verifies signatures, sends the bytes
 * and owns the timers. Neighbours are whatever the caller sends through (the
 * router's link sessions); they are compared by identity.
 */

/** How long own advertisement changes are batched before flooding. */
export const FLOOD_BATCH_MS = 5

/** What to do with an advertisement that decoded and whose signature checked out. */
export interface FloodDecision<N> {
  /** What the database made of another router's advertisement; undefined for our own. */
  result?: OfferResult
  /** Send the received bytes, verbatim, to these neighbours. */
  forwardTo: N[]
  /** Send these bytes back to the sender: it is behind, this is the newer copy we hold. */
  answer?: Uint8Array
  /** The database changed: recompute routes (batched by the caller). */
  recompute: boolean
  /**
   * Our own advertisement came back at or above our version (a copy from an
   * earlier run of this identity outlived it): originate again with this
   * sequence number as the floor, so ours wins everywhere.
   */
  outbidSeq?: number
}

/** The exact bytes already held for `origin`: they were verified when stored, so a second check is skipped. */
export function isHeldCopy (lsdb: LinkStateDb, origin: PeerIdString, raw: Uint8Array): boolean {
  const held = lsdb.get(origin)
  return held !== undefined && equalBytes(held.raw, raw)
}

/**
 * Offers a verified advertisement from neighbour `from` to the database and
 * says what to send: a newer one is stored and flooded to every neighbour but
 * the sender; an older one is answered with the newer copy held.
 * `ownSeq` is the sequence number this router last used.
 */
export function acceptAdvertisement<N> (lsdb: LinkStateDb, ad: Advertisement, raw: Uint8Array, nowMs: number, from: N, neighbours: Iterable<N>, ownSeq: number): FloodDecision<N> {
  if (ad.origin === lsdb.self) {
    const own = lsdb.get(lsdb.self)?.ad
    if (own !== undefined && compareVersion(ad, own) >= 0) return { forwardTo: [], recompute: false, outbidSeq: Math.max(ownSeq, ad.seq) + 1 }
    return { forwardTo: [], recompute: false }
  }
  const result = lsdb.offer(ad, raw, nowMs)
  if (result === 'newer') {
    const forwardTo: N[] = []
    for (const n of neighbours) if (n !== from) forwardTo.push(n)
    return { result, forwardTo, recompute: true }
  }
  if (result === 'older') return { result, forwardTo: [], answer: lsdb.get(ad.origin)?.raw, recompute: false }
  return { result, forwardTo: [], recompute: false }
}

/** Our own advertisement, when the flood batch ends: the bytes and every neighbour to send them to. */
export function ownFlood<N> (lsdb: LinkStateDb, neighbours: Iterable<N>): { raw: Uint8Array, to: N[] } | undefined {
  const own = lsdb.get(lsdb.self)
  if (own === undefined) return undefined
  return { raw: own.raw, to: [...neighbours] }
}

/**
 * A new link starts with a database exchange: every advertisement held, to the
 * new neighbour, but our own. Ours follows with the flood of the version this
 * link makes us originate. The one held now lacks the link, so a neighbour that
 * still holds ours from before a restart (which lists it) would take it as
 * newer, see us cut off, and drop its routes and targets through us until
 * that flood arrives.
 */
export function databaseExchange (lsdb: LinkStateDb): Uint8Array[] {
  const others: Uint8Array[] = []
  for (const e of lsdb.all()) if (e.ad.origin !== lsdb.self) others.push(e.raw)
  return others
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
