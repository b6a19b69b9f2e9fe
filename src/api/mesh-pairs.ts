import type { FlowFilter, MeshFlows } from '../core/flow-ring.js'
import type { SitePairTraffic } from './types.js'

/** How often an open console asks the members for their site-pair counters. */
export const MESH_PAIRS_INTERVAL_MS = 5000

/** A pair between two other sites, as its ingress reported it, with the rate (bytes/s both ways) between its last two reports; undefined after the first. */
export type MeshPairRate = SitePairTraffic & { bps?: number }

interface Source {
  meshFlowRecords: (f: FlowFilter) => Promise<MeshFlows>
}

/**
 * The console's view of traffic between other sites: while at least one
 * events reader is open, every MESH_PAIRS_INTERVAL_MS the members that share
 * their flow records with this site are asked (one `flows --mesh` query,
 * records cut to one) for their own listeners' traffic by site pair. Pairs
 * with this site at either end are left out: this site counts those itself,
 * live. Nothing is asked while no console is open.
 */
export class MeshPairs {
  private readers = 0
  private timer: NodeJS.Timeout | undefined
  private last = new Map<string, { at: number, bytes: number }>()
  private current: MeshPairRate[] = []
  private polling = false
  /** This router's peer id, asked once (it never changes; reading it builds a whole status document). */
  private self: string | undefined

  constructor (private readonly source: Source, private readonly selfId: () => string, private readonly intervalMs = MESH_PAIRS_INTERVAL_MS) {}

  /** Stops polling for good (the API is closing). */
  stop (): void {
    this.readers = 0
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** The newest pairs between other sites. */
  latest (): MeshPairRate[] {
    return this.current
  }

  /** A reader opened; the returned function closes it. Polling runs while any is open. */
  open (): () => void {
    this.readers++
    if (this.readers === 1) void this.poll()
    let closed = false
    return () => {
      if (closed) return
      closed = true
      if (this.readers > 0) this.readers--
      if (this.readers === 0) {
        clearTimeout(this.timer)
        this.timer = undefined
        this.current = []
        this.last.clear()
      }
    }
  }

  private async poll (): Promise<void> {
    if (this.polling || this.readers === 0) return
    this.polling = true
    try {
      const self = this.self ??= this.selfId()
      const mesh = await this.source.meshFlowRecords({ limit: 1 })
      const at = Date.now()
      const seen = new Map<string, { at: number, bytes: number }>()
      const out: MeshPairRate[] = []
      for (const p of mesh.pairs) {
        if (p.fromPeer === self || p.toPeer === self) continue
        const id = `${p.fromPeer}\n${p.toPeer}\n${p.key}`
        const bytes = p.bytesIn + p.bytesOut
        const before = this.last.get(id)
        const dt = before === undefined ? 0 : (at - before.at) / 1000
        out.push({ ...p, bps: before === undefined || dt <= 0 ? undefined : Math.max(0, (bytes - before.bytes) / dt) })
        seen.set(id, { at, bytes })
      }
      this.last = seen
      if (this.readers > 0) this.current = out
    } catch {
      // A failed round leaves the last view; the next one tries again.
    } finally {
      this.polling = false
      if (this.readers > 0) {
        this.timer = setTimeout(() => { void this.poll() }, this.intervalMs)
        this.timer.unref()
      }
    }
  }
}
