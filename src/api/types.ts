import type { EventEmitter } from 'node:events'
import type { ConnectorConfig, LinkConfig, ListenerConfig } from '../config/config.js'
import type { FlowFilter, FlowRecord, MeshFlows, SitePairCount } from '../core/flow-ring.js'

/**
 * What the admin API, the metrics and the CLI see of a router: its status
 * (a plain-data projection) and the changes it takes. The router implements
 * these; nothing imports the router for a type.
 */

export interface TargetStatus {
  site: string
  peerId: string
  cost: number
  openConnections: number
  /** Summed weight of its healthy connectors: its share among targets of equal cost. */
  weight: number
  /** Tunnels to it are end-to-end encrypted. */
  e2e: boolean
  /** It answered DENIED to this site lately, so this site leaves it out for a while. */
  denied: boolean
}

/** An `allow` or `trust` entry and the identity it stands for here (none: no peer holds that name yet). */
export interface RuleEntryStatus { entry: string, peerId?: string }

export interface RouterStatus {
  site: string
  peerId: string
  epoch: number
  addresses: string[]
  links: Array<{ name?: string, peerId: string, site: string, cost: number, state: string, address?: string, rttMs?: number, livenessTimeoutMs?: number, direction: 'inbound' | 'outbound' }>
  /** `workers`: how many workers the router advertises (its neighbours' workers connect to them); 0 without. */
  routers: Array<{ peerId: string, site: string, cost: number, nextHop: string, hops: number, workers: number }>
  services: Array<{ routingKey: string, targets: TargetStatus[] }>
  listeners: Array<{
    name: string
    routingKey: string
    host: string
    port: number
    openConnections: number
    /** Who may serve it: 'every member', or the entries of its `trust`. */
    trust: 'every member' | RuleEntryStatus[]
    /** Sites that offer the key but are outside `trust`: never chosen. */
    untrusted: Array<{ site: string, peerId: string }>
    /** Fallback routing keys, in order (empty: none). */
    fallback: string[]
    /** The key new connections go to now: its own, or the fallback in use. */
    activeKey: string
  }>
  connectors: Array<{
    name: string
    routingKey: string
    host: string
    port: number
    cost: number
    weight: number
    healthy: boolean
    /** Who may reach it: 'every member', or the entries of its `allow`. */
    allow: 'every member' | RuleEntryStatus[]
    e2e: boolean
  }>
  /** Site names claimed by a peer other than the identity they are bound to here (rules do not match the claimant). */
  nameConflicts: Array<{ site: string, pinned: string, claimant: string }>
  /** Byte pipes this router runs now: client connections at its listeners, transit and destination tunnels. */
  openPipes: number
  /** Muxed streams open over all links (tunnels plus one link stream per link). */
  openStreams: number
  /** The site's worker processes (`workers`), with what each carries now; empty without workers. */
  workers: WorkerStatus[]
}

export interface WorkerStatus {
  index: number
  pid?: number
  up: boolean
  addresses: string[]
  openPipes: number
  /** Connections to other sites' workers, per peer. */
  connections: Array<{ peerId: string, site: string, count: number }>
  cpuSeconds: number
}

/**
 * Traffic between two sites for one routing key: bytes carried so far each
 * way (in: client to server) and connections open now, finished and open
 * ones together (open ones counted live). `from` is the ingress (the site
 * whose listener the client reached), `to` the target that serves it.
 */
export type SitePairTraffic = SitePairCount & { fromPeer: string, fromSite: string }

/** One target of a routing key as this site's clients use it: what ranking sees, and the bytes carried to it. */
export interface TargetTraffic {
  peerId: string
  site: string
  /** Path cost plus the connector's own cost. */
  cost: number
  weight: number
  /** Connections this site has open to it (as ranked: set-up ones included). */
  open: number
  bytesIn: number
  bytesOut: number
}

/** Per routing key that this site's listeners use: each target's open connections and bytes, for its live share. */
export interface ServiceTraffic {
  key: string
  targets: TargetTraffic[]
}

export interface ApiRouter {
  status (): RouterStatus
  readonly metrics: { registry: { metrics: () => Promise<string>, contentType: string } }
  /** True once the router has started and is not stopping. */
  readonly ready: boolean
  issueToken (expiresInMs: number, uses: number): Promise<{ token: string, expiresAt: string, id: string }>
  /** Grants not yet used up, expired or voided; never their secrets. */
  listTokens (): TokenView[]
  /** Voids a grant; ResourceError 404 when there is no such grant to void. */
  revokeToken (id: string): Promise<void>
  /** Revokes a site by name or peer id (ResourceError 400/404 when the name is ambiguous or unknown). */
  revoke (target: string): Promise<Revocation>
  revocations (): Array<{ peerId: string, site: string, revokedAt: string }>
  createListener (cfg: ListenerConfig): Promise<{ name: string, port: number }>
  deleteListener (name: string): Promise<void>
  createConnector (cfg: ConnectorConfig): Promise<{ name: string }>
  deleteConnector (name: string): Promise<void>
  createLink (cfg: LinkConfig): Promise<{ name: string }>
  deleteLink (nameOrPeer: string): Promise<void>
  topology (): unknown
  readonly events: EventEmitter
  keyBytes (): Map<string, { in: number, out: number }>
  linkBytes (): Map<string, { in: number, out: number }>
  /** Traffic by (ingress site, target site, routing key), for the console's pair edges. */
  sitePairTraffic (): SitePairTraffic[]
  /** Per routing key of this site's listeners, the share each target gets (from `pairs` when the caller has a snapshot). */
  serviceTraffic (pairs?: readonly SitePairTraffic[]): ServiceTraffic[]
  /** Finished connections at this site (both as ingress and as destination), newest last. */
  readonly flows: { query (f: FlowFilter): FlowRecord[], follow (fn: (r: FlowRecord) => void): () => void }
  /** `GET /v1/flows?mesh`: this site's records and every reachable member's that shares them with it. */
  meshFlowRecords (f: FlowFilter): Promise<MeshFlows>
}

export interface TokenView { id: string, expiresAt: string, usesLeft: number, redeemedBy: string[] }

/** What one revocation cut. */
export interface Revocation {
  peerId: string
  site: string
  revokedAt: string
  /** It was revoked before; this call cut what was left, if anything. */
  alreadyRevoked: boolean
  /** It was in authorized-peers (and is no longer). */
  wasAuthorized: boolean
  /** Names of the link resources that now show as revoked. */
  linksStopped: string[]
  /** libp2p connections to it that were aborted, with every tunnel on them. */
  connectionsClosed: number
  /** Ids of the grants it had redeemed, now void. */
  grantsVoided: string[]
}

/** A change through the API that cannot be made; `status` is the HTTP answer, `field` what was wrong. */
export class ResourceError extends Error {
  override name = 'ResourceError'
  constructor (readonly status: number, readonly field: string, message: string) {
    super(message)
  }
}
