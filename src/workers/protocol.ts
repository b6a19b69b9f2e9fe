/**
 * What a site's router (the main process) and its workers say to each other
 * over the IPC channel of the fork (child_process, 'advanced' serialization).
 * The channel is the parent's and the child's only: nothing else on the host
 * can write to it. Every message is a plain object with `t` saying what it is.
 *
 * Main → worker: init (once), state (whenever routing, membership, access or
 * connectors change), client (with the socket's handle), and commands.
 * Worker → main: ready (its addresses), events (batched per turn), replay
 * checks, resume lookups, and stats (a few times a second while anything
 * changes).
 */
import type { ConnectorConfig, LimitsConfig } from '../config/config.js'
import type { Candidate } from '../core/select-target.js'
import type { FlowEnd } from '../core/flow-ring.js'
import type { TargetInfo } from '../router/ingress.js'
import type { ResumeSettings } from '../net/tunnel-resume.js'

export interface InitMessage {
  t: 'init'
  /** 1.. (the router itself is process 0). */
  index: number
  site: string
  selfId: string
  /** The site's identity key (libp2p protobuf form): a worker is the site, as the router is. */
  privateKey: Uint8Array
  /** Where this worker's libp2p host listens, and what it advertises (empty: its listen addresses). */
  listen: string[]
  advertise: string[]
  limits: LimitsConfig
  hopLimit: number
  resume?: ResumeSettings
  /** Probes arrive every hello interval; a neighbour silent for 2.5 of them is not sent early bytes. */
  helloIntervalMs: number
  logLevel: string
  /** Directory (mode 0700) for the workers' local sockets that hand a resume to the worker holding its connection. */
  relayDir: string
}

/** A reachable router, as a worker needs it. */
export interface PeerView {
  site: string
  features: number
  /** Its workers' addresses (Advertisement.dataProcesses). */
  workers: string[][]
}

/** Everything a worker decides with, as the router knows it now. Replaces the previous state whole. */
export interface StateMessage {
  t: 'state'
  /** Destination → next hop, and the routers between (transits), from the router's route table. */
  routes: Array<[string, { nextHop: string, transits: string[] }]>
  peers: Array<[string, PeerView]>
  /** Neighbours with a link up, and whether each was heard from lately. */
  neighbours: Array<[string, boolean]>
  /** Authorised here and not revoked: who may open connections and tunnels to a worker. */
  members: string[]
  revoked: string[]
  /** A reachable router of an earlier release is in the mesh (router/access.ts). */
  legacy: boolean
  /** Site name → the peer id it is bound to (router/site-pins.ts). */
  pins: Array<[string, string]>
  connectors: Array<ConnectorConfig & { name: string, healthy: boolean }>
}

/** A client connection the router hands over (the socket travels with it, paused, nothing read). */
export interface ClientMessage {
  t: 'client'
  listener: string
  key: string
  connectionId: number
  startedAtWallMs: number
  ranked: Array<Candidate<TargetInfo>>
  proveDestination: boolean
}

export type Command =
  /** Reset every pipe with this site at either end (revoked), and close connections to it. */
  | { t: 'revoke', peer: string }
  /** Graceful stop: cut resumable transits now (their ends resume elsewhere). */
  | { t: 'cut-transits' }
  /** Graceful stop: let pipes finish for drainMs, reset the rest, exit. */
  | { t: 'stop', drainMs: number }
  /** Answer to a replay check. */
  | { t: 'replay', id: number, ok: boolean, reason?: string, detail?: string }
  /** Answer to a resume lookup: the worker holding the connection, if any. */
  | { t: 'located', id: number, holder?: number }
  /** Does this worker hold connection (ingress, id)? */
  | { t: 'locate', id: number, ingress: string, connectionId: number }

export type ToWorker = InitMessage | StateMessage | ClientMessage | Command

/** Something a worker did that the router counts, records or shows. Batched. */
export type WorkerEvent =
  | { e: 'carried', key: string, target: string }
  | { e: 'failed', key: string, reason: string }
  | { e: 'reforwarded', key: string, reason: string }
  /** Open connections to a target changed (the router's balancing counts them all). */
  | { e: 'open', key: string, target: string, delta: number }
  | { e: 'denied-by', key: string, target: string }
  /** A client connection the router handed over is over (its listener counts one fewer). */
  | { e: 'client-done', listener: string }
  | { e: 'flow', side: 'ingress' | 'destination', flow: FlowEnd }
  | { e: 'pair-open', id: number, from: string, to: string, key: string }
  | { e: 'pair-close', id: number, in: number, out: number }
  | { e: 'tunnel-denied', key: string, reason: string }
  | { e: 'resume', result: string }

export interface WorkerStats {
  openPipes: number
  openStreams: number
  resume: { ends: number, suspended: number, bufferedBytes: number }
  linkBytes: Array<[string, { in: number, out: number }]>
  keyBytes: Array<[string, { in: number, out: number }]>
  /** Live byte counts of open site pairs (pair-open ids). */
  pairs: Array<[number, { in: number, out: number }]>
  /** Connections to other sites' workers, per peer. */
  dataConnections: Array<[string, number]>
  cpuSeconds: number
}

export type FromWorker =
  | { t: 'ready', addrs: string[] }
  | { t: 'events', events: WorkerEvent[] }
  | { t: 'replay?', id: number, proof: Uint8Array, expiresAt: number }
  | { t: 'locate?', id: number, ingress: string, connectionId: number }
  | { t: 'located', id: number, held: boolean }
  | { t: 'stats', stats: WorkerStats }
  | { t: 'fatal', message: string }
  /** Stopped as told: the process exits next. */
  | { t: 'stopped' }
