/** Peer ids are handled as their canonical base58 string form everywhere in core. */
export type PeerIdString = string

/** A link as its origin advertises it: the neighbour and the link's effective cost. */
export interface LinkAd {
  peer: PeerIdString
  cost: number
}

/** A routing key the origin can deliver to locally. */
export interface ServiceAd {
  routingKey: string
  connectors: number
  /** Lowest cost among the origin's connectors for this key (0 by default). */
  cost: number
  /** Tunnels for this key must be end-to-end encrypted. */
  e2e?: boolean
  /** Summed weight of the origin's healthy connectors; 0 or absent (an earlier release): `connectors`. */
  weight?: number
}

/** Feature bits an advertisement's origin supports. */
export const FEATURE_ORIGIN_PROOF = 1
/** It answers mesh queries for its flow records (`portmesh flows --mesh`). */
export const FEATURE_MESH_QUERY = 2
/** It keeps and resumes tunnels whose path broke (an end), and carries resumes (a transit). */
export const FEATURE_RESUME = 4

/** What one router originates about itself; newer (epoch, seq) replaces older. */
export interface Advertisement {
  origin: PeerIdString
  epoch: number
  seq: number
  site: string
  links: LinkAd[]
  services: ServiceAd[]
  /** FEATURE_* bits; 0 or absent from a router of an earlier release. */
  features?: number
  /**
   * Its workers' addresses, where the workers of neighbour sites open
   * connections for tunnels: entry i is worker i+1 (the router itself,
   * process 0, takes tunnels on its links only). Empty or absent: no workers.
   */
  dataProcesses?: string[][]
}

/**
 * A link's cost: the larger of the two ends' configured costs (0 = not
 * configured at that end), and at least 1.
 */
export function effectiveLinkCost (mine: number, theirs: number): number {
  return Math.max(1, mine, theirs)
}
