import type { Advertisement, PeerIdString } from './types.js'

export interface LsdbEntry {
  ad: Advertisement
  /** The signed bytes exactly as received, re-sent verbatim when flooding. */
  raw: Uint8Array
  /** Local monotonic time (ms) at which this version was stored or refreshed. */
  storedAtMs: number
}

/** 'newer': stored (flood it on); 'same': this version is already held; 'older': ignored. */
export type OfferResult = 'newer' | 'same' | 'older'

/** Orders two advertisements of one origin: boot epoch first, then sequence number. */
export function compareVersion (a: Pick<Advertisement, 'epoch' | 'seq'>, b: Pick<Advertisement, 'epoch' | 'seq'>): number {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1
  return 0
}

/**
 * The link-state database: the newest advertisement of every origin.
 * Pure: time is passed in, nothing here does I/O. A restarted router comes back
 * with a higher boot epoch, so its first advertisement wins over everything the
 * old run sent, whatever their sequence numbers.
 */
export class LinkStateDb {
  private readonly entries = new Map<PeerIdString, LsdbEntry>()

  constructor (readonly self: PeerIdString, readonly maxAgeMs: number) {}

  offer (ad: Advertisement, raw: Uint8Array, nowMs: number): OfferResult {
    const held = this.entries.get(ad.origin)
    if (held != null) {
      const order = compareVersion(ad, held.ad)
      if (order < 0) return 'older'
      if (order === 0) return 'same'
    }
    this.entries.set(ad.origin, { ad, raw, storedAtMs: nowMs })
    return 'newer'
  }

  /** Drops one other router's advertisement (this site stopped trusting it); false when none was held. */
  remove (origin: PeerIdString): boolean {
    if (origin === this.self) return false
    return this.entries.delete(origin)
  }

  get (origin: PeerIdString): LsdbEntry | undefined {
    return this.entries.get(origin)
  }

  /** Drops every other router's advertisement not refreshed within maxAgeMs; returns the origins dropped. */
  expire (nowMs: number): PeerIdString[] {
    const dropped: PeerIdString[] = []
    for (const [origin, entry] of this.entries) {
      if (origin !== this.self && nowMs - entry.storedAtMs > this.maxAgeMs) {
        this.entries.delete(origin)
        dropped.push(origin)
      }
    }
    return dropped
  }

  advertisements (): IterableIterator<Advertisement> {
    return mapIter(this.entries.values(), e => e.ad)
  }

  all (): IterableIterator<LsdbEntry> {
    return this.entries.values()
  }

  get size (): number {
    return this.entries.size
  }
}

function * mapIter<T, U> (it: Iterable<T>, fn: (t: T) => U): IterableIterator<U> {
  for (const t of it) yield fn(t)
}
