/**
 * Flow records: one plain object per finished client connection, kept at its
 * ingress and at its destination in a bounded ring (newest last). Pure: no
 * I/O; times come in with the record.
 */

export type FlowResult = 'closed' | 'reset' | 'refused' | 'denied'

/** A target the ingress tried before the one that took the connection (or before giving up), and why it moved on. */
export interface FlowAttempt {
  site: string
  peerId: string
  /** Status name of the refusal (NO_ROUTE, CONNECT_FAILED, ...), or LOST. */
  status: string
  reason: string
}

export interface FlowRecord {
  /** Which end of the connection this site is. */
  side: 'ingress' | 'destination'
  /** The ingress's connection id (the tunnel header carries it, so both ends' records share it). */
  connectionId: number
  /** ISO wall-clock times. */
  start: string
  end: string
  durationMs: number
  key: string
  /** Ingress only: the listener that accepted the client, and the client's address. */
  listener?: string
  clientAddress?: string
  clientPort?: number
  ingressSite: string
  ingressPeer: string
  /** The site that served it (or refused last); absent when there was none. */
  targetSite?: string
  targetPeer?: string
  /** Destination only: the workload's host:port. */
  connector?: string
  /** Client to server. */
  bytesIn: number
  /** Server to client. */
  bytesOut: number
  result: FlowResult
  /** For refused and denied: the status name (CONNECT_FAILED, NO_TARGET, DENIED, ...); for reset: RESET. */
  status?: string
  reason?: string
  /** Ingress only: targets tried before, in order. */
  reforwarded?: FlowAttempt[]
}

export interface FlowFilter {
  key?: string
  /** Matches either end (site name or peer id). */
  site?: string
  /** Unix ms: records that ended at or after it. */
  sinceMs?: number
  /** At most this many, the newest. */
  limit?: number
}

export function matchesFlow (r: FlowRecord, f: FlowFilter): boolean {
  if (f.key !== undefined && r.key !== f.key) return false
  if (f.site !== undefined && r.ingressSite !== f.site && r.ingressPeer !== f.site && r.targetSite !== f.site && r.targetPeer !== f.site) return false
  if (f.sinceMs !== undefined && Date.parse(r.end) < f.sinceMs) return false
  return true
}

export const DEFAULT_FLOW_RING_SIZE = 10_000

/** A fixed-size ring: pushing into a full ring overwrites the oldest record. Size 0: flow records are off. */
export class FlowRing {
  private readonly slots: Array<FlowRecord | undefined>
  /** Index the next record goes to. */
  private next = 0
  private count = 0
  private readonly followers = new Set<(r: FlowRecord) => void>()

  constructor (readonly size: number = DEFAULT_FLOW_RING_SIZE) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`flow ring size must be a whole number >= 0, got ${size}`)
    this.slots = new Array<FlowRecord | undefined>(size)
  }

  get length (): number {
    return this.count
  }

  /** Keeps the record and hands it to the followers (a ring of size 0: records are off, neither). */
  push (r: FlowRecord): void {
    if (this.size === 0) return
    this.slots[this.next] = r
    this.next = (this.next + 1) % this.size
    if (this.count < this.size) this.count++
    for (const fn of this.followers) fn(r)
  }

  /** Records that match, oldest first (newest last), at most `limit` of the newest. */
  query (f: FlowFilter = {}): FlowRecord[] {
    const out: FlowRecord[] = []
    const first = (this.next - this.count + this.size) % this.size
    for (let i = 0; i < this.count; i++) {
      const r = this.slots[(first + i) % this.size] as FlowRecord
      if (matchesFlow(r, f)) out.push(r)
    }
    return f.limit !== undefined && out.length > f.limit ? out.slice(out.length - f.limit) : out
  }

  /** Calls `fn` with every record pushed from now on; returns the unsubscribe. */
  follow (fn: (r: FlowRecord) => void): () => void {
    this.followers.add(fn)
    return () => { this.followers.delete(fn) }
  }
}

/** Parses `since`: unix ms (digits) or an ISO time; undefined when it is neither. */
export function parseSince (text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text)
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** What an end of a connection reports when it is over; the router adds the sites and the wall-clock times. */
export type FlowEnd = Omit<FlowRecord, 'side' | 'start' | 'end' | 'durationMs' | 'ingressSite' | 'ingressPeer'> & {
  /** Monotonic ms when the connection arrived. */
  startedAtMs: number
  /** Known at the destination (from the tunnel header); the ingress is this site. */
  ingressPeer?: string
}

/** What an ingress carried to one target for one key, since it started: cumulative bytes and the connections open now. */
export interface SitePairCount {
  toPeer: string
  toSite: string
  key: string
  bytesIn: number
  bytesOut: number
  open: number
}

/** What one site answered to `flows --mesh`. */
export interface MeshSiteAnswer {
  site: string
  peerId: string
  /** answered; refused (not shared with us, with the reason); unsupported (an earlier release); failed (no answer: the error). */
  state: 'answered' | 'refused' | 'unsupported' | 'failed'
  message?: string
  records: number
  truncated: boolean
}

export interface MeshFlows {
  flows: Array<FlowRecord & { reportedBy: string }>
  /** Each answering site's own traffic as an ingress (`from` is that site). */
  pairs: Array<SitePairCount & { fromPeer: string, fromSite: string }>
  sites: MeshSiteAnswer[]
}
