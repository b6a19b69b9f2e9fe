import { admits, type PinnedPeer } from '../core/access.js'
import type { FlowFilter, FlowRing, MeshFlows, SitePairCount } from '../core/flow-ring.js'
import { FEATURE_MESH_QUERY } from '../core/types.js'
import { askFlows } from '../net/mesh-query.js'
import { TunnelRefusedError, type TunnelHost } from '../net/tunnel.js'
import { StatusCode } from '../wire/codec.js'
import { MAX_FLOW_ANSWER_RECORDS, type FlowAnswer } from '../wire/flow-codec.js'

/** `flows.readers` entry that shares with every member in good standing. */
export const EVERY_MEMBER = '*'
/** Members asked at once by one `flows --mesh`. */
const ASK_CONCURRENCY = 8

export interface MeshMember {
  peer: string
  site: string
  /** FEATURE_* bits of its advertisement. */
  features: number
}

export interface MeshFlowsDeps {
  selfId: string
  site: string
  ring: FlowRing
  /** `flows.readers`: who may read this site's records over the mesh (site names, peer ids, '*'). */
  readers: readonly string[]
  pinned: PinnedPeer
  isRevoked: (peer: string) => boolean
  /** Every other router this site has a route to now. */
  reachable: () => MeshMember[]
  /** This site's own counters as an ingress, by target and key. */
  pairs: () => SitePairCount[]
  host: TunnelHost
  hopLimit: number
}

/**
 * Flow records across the mesh: this site's answer to members that ask
 * (only those its `flows.readers` names), and `flows --mesh`, which asks every
 * reachable member at once and merges what they answer with its own.
 */
export class MeshFlowQueries {
  constructor (private readonly deps: MeshFlowsDeps) {}

  /** The tunnel host's question: may `peer` read this site's records, and what does it get. */
  flowQuery (peer: string): { answer: (filter: FlowFilter) => FlowAnswer } | { refused: string } {
    const { deps } = this
    if (deps.isRevoked(peer)) return { refused: 'the asker is revoked at this site' }
    if (!deps.readers.includes(EVERY_MEMBER) && (deps.readers.length === 0 || !admits(deps.readers, peer, deps.pinned))) {
      return { refused: `${deps.site} does not share its flow records with this site (on ${deps.site}: flows.readers, or --flow-reader)` }
    }
    return { answer: (filter) => this.localAnswer(filter) }
  }

  private localAnswer (filter: FlowFilter): FlowAnswer {
    const limit = Math.min(filter.limit ?? MAX_FLOW_ANSWER_RECORDS, MAX_FLOW_ANSWER_RECORDS)
    const all = this.deps.ring.query({ ...filter, limit: undefined })
    return { records: all.length > limit ? all.slice(all.length - limit) : all, truncated: all.length > limit, pairs: this.deps.pairs() }
  }

  /** Asks every reachable member (those of an earlier release are listed, not asked) and merges with this site's own records. */
  async ask (filter: FlowFilter): Promise<MeshFlows> {
    const { deps } = this
    const own = this.localAnswer(filter)
    const out: MeshFlows = {
      flows: own.records.map(r => ({ ...r, reportedBy: deps.site })),
      pairs: own.pairs.map(p => ({ ...p, fromPeer: deps.selfId, fromSite: deps.site })),
      sites: [{ site: deps.site, peerId: deps.selfId, state: 'answered', records: own.records.length, truncated: own.truncated }]
    }
    const members = deps.reachable().filter(m => m.peer !== deps.selfId && !deps.isRevoked(m.peer))
    const queue = [...members]
    const worker = async (): Promise<void> => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        const site = m.site === '' ? m.peer : m.site
        if ((m.features & FEATURE_MESH_QUERY) === 0) {
          out.sites.push({ site, peerId: m.peer, state: 'unsupported', message: 'runs an earlier release, which answers no flow queries', records: 0, truncated: false })
          continue
        }
        try {
          const a = await askFlows(deps.host, m.peer, filter, deps.hopLimit)
          out.flows.push(...a.records.map(r => ({ ...r, reportedBy: site })))
          out.pairs.push(...a.pairs.map(p => ({ ...p, fromPeer: m.peer, fromSite: site })))
          out.sites.push({ site, peerId: m.peer, state: 'answered', records: a.records.length, truncated: a.truncated })
        } catch (err) {
          const refused = err instanceof TunnelRefusedError && err.code === StatusCode.DENIED
          out.sites.push({ site, peerId: m.peer, state: refused ? 'refused' : 'failed', message: err instanceof TunnelRefusedError ? err.reason : (err as Error).message, records: 0, truncated: false })
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(ASK_CONCURRENCY, members.length) }, worker))
    out.flows.sort((a, b) => a.end < b.end ? -1 : a.end > b.end ? 1 : 0)
    out.sites.sort((a, b) => a.site < b.site ? -1 : a.site > b.site ? 1 : 0)
    return out
  }
}
