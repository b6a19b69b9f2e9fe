import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import type { Target } from '../core/link-state.js'
import { rankTargets, type Candidate } from '../core/select-target.js'
import { ClientHead } from '../net/client-head.js'
import { EARLY_BYTES_MAX } from '../net/constants.js'
import { socketEndpoint, splice, type SpliceResult } from '../net/splice.js'
import { TunnelRefusedError, tunnelEndpoint, type OpenedTunnel, type TunnelOptions } from '../net/tunnel.js'
import type { ResumableEndpoint } from '../net/resume.js'
import { StatusCode, statusName } from '../wire/codec.js'
import type { FlowAttempt, FlowEnd } from '../core/flow-ring.js'

/** At most this many targets are tried for one client connection. */
export const MAX_TARGET_ATTEMPTS = 8
/** A target that answered DENIED is left out of this site's choices for the key this long. */
export const DENIED_TARGET_MEMORY_MS = 30_000

/** A local workload's socket, dialed for one client. */
export interface DialedConnector {
  socket: Socket
  release: () => void
}

/** What the ingress needs from its site; passed in, so tests can give it anything. */
export interface IngressDeps {
  selfId: string
  /** Reachable targets for a key, with path costs (the link-state engine's index). */
  targets: (routingKey: string) => readonly Target[]
  /** Dials one of this site's own connectors for the key. */
  connectLocal: (routingKey: string) => Promise<DialedConnector>
  /** Opens a tunnel to `destination`; the client's first bytes ride with the header. */
  openTunnel: (routingKey: string, destination: string, connectionId: number, head: ClientHead, options: TunnelOptions) => Promise<OpenedTunnel>
  /** Whether a listener with these `trust` entries may use this target. */
  trusts: (trust: readonly string[], target: string) => boolean
  /** Monotonic ms. */
  now: () => number
  /** Bytes moved over the link to `peer` (the tunnel's first hop). */
  activity: (peer: string, bytesIn: number, bytesOut: number) => void
  /** Registers a running pipe, so shutdown can reset what is still open; `ends`: the remote site it reaches. */
  track: (pipe: Promise<SpliceResult>, reset: () => void, ends?: readonly string[]) => void
  /** A connection was carried (`carried`), or failed with `reason`; a target was skipped with `reforwarded`. */
  count: (event: { carried: string, target: string } | { failed: string, reason: string } | { reforwarded: string, reason: string }) => void
  /** Open connections changed (status readers listen). */
  changed: () => void
  /** Logs a refusal at most once per key per interval, so a flood costs one line. */
  logRefusal: (key: string, fields: object, msg: string) => void
  log: Logger
  newConnectionId: () => number
  /** One call per client connection, when it is over (flow records); built from the splice's counts, nothing per chunk. */
  flowEnded?: (flow: FlowEnd) => void
  /**
   * A connection was carried to `target` (site-pair traffic): `live` reads
   * its byte counts while it is open; the returned function ends it with its
   * final counts.
   */
  pairOpened?: (key: string, target: string, live: () => { in: number, out: number }) => (final: { in: number, out: number }) => void
  /** How a tunnel to `target` resumes if its path breaks; undefined: it is not offered (resumption off, or an old router on the path). */
  resumeFor?: (routingKey: string, target: string, connectionId: number) => TunnelOptions['resumable']
  /** A resumable tunnel end was opened for a client; `pipe` settles when it is over. */
  resumableEnd?: (layer: ResumableEndpoint, pipe: Promise<SpliceResult>) => void
  /** This router's open connections to `target` changed by `delta` (a worker tells its router, which balances them all). */
  openChanged?: (key: string, target: string, delta: number) => void
  /** A target answered DENIED (a worker tells its router, which ranks the next clients). */
  deniedBy?: (key: string, target: string) => void
}

/** A client connection with its key and targets chosen: what carry() takes, here or in a worker. */
export interface ClientPlan {
  key: string
  connectionId: number
  /** Targets to try, best first (rank()). */
  ranked: Array<Candidate<TargetInfo>>
  proveDestination: boolean
  /** The listener's name, for flow records. */
  listener?: string
  /** Monotonic ms when the client connected (deps.now()). */
  startedAtMs: number
}

/** What the ingress knows of a target besides its costs. */
export interface TargetInfo {
  site: string
  e2e: boolean
  /** It answered DENIED to this site lately: left out for DENIED_TARGET_MEMORY_MS. */
  denied: boolean
}

export interface ClientListener {
  readonly config: { name?: string, routingKey: string, maxConnections: number, trust: readonly string[], fallback?: readonly string[] }
  readonly openConnections: number
}

/**
 * Client connections at this site's listeners: for each one, pick the key
 * (its own, or a fallback while its own has no usable target), rank the
 * targets by perceived cost (path + own cost + open connections / weight), try them
 * best first, and splice the client to a local connector or a tunnel. A
 * target that fails before any byte reached a workload is skipped and the
 * next one tried, with the client's first bytes replayed; so the client sees
 * a failure only when no target works.
 */
export class Ingress {
  /** Per routing key, per target peer id: client connections this router has open to it. */
  private readonly openByTarget = new Map<string, Map<string, number>>()
  /** Bytes carried per routing key for this site's listeners (in: from clients), counted as they move. */
  readonly bytesByKey = new Map<string, { in: number, out: number }>()
  /** Per routing key, per target: until when (monotonic ms) it is left out because it answered DENIED. */
  private readonly deniedBy = new Map<string, Map<string, number>>()
  /** Per listener: the key its last new connection was routed by (to log a change once). */
  private readonly lastActive = new WeakMap<ClientListener, string>()
  private rotation = 0

  constructor (private readonly deps: IngressDeps) {}

  /** The targets for a key with this router's open connections to each: what ranking sees. */
  candidates (routingKey: string): Array<Candidate<TargetInfo>> {
    const open = this.openByTarget.get(routingKey)
    const denied = this.deniedBy.get(routingKey)
    const now = denied === undefined ? 0 : this.deps.now()
    return this.deps.targets(routingKey).map(t => ({ id: t.id, pathCost: t.pathCost, ownCost: t.ownCost, open: open?.get(t.id) ?? 0, weight: t.weight, value: { site: t.site, e2e: t.e2e, denied: (denied?.get(t.id) ?? 0) > now } }))
  }

  /** Targets in the order the next client connection would try them: those the listener trusts and that did not deny this site lately. */
  rank (routingKey: string, trust: readonly string[] = []): Array<Candidate<TargetInfo>> {
    return rankTargets(this.usable(routingKey, trust), this.rotation++).slice(0, MAX_TARGET_ATTEMPTS)
  }

  private usable (routingKey: string, trust: readonly string[]): Array<Candidate<TargetInfo>> {
    return this.candidates(routingKey).filter(c => !c.value.denied && (trust.length === 0 || this.deps.trusts(trust, c.id)))
  }

  /**
   * The key a listener's new connections go to: its own while that has a usable
   * target, else the first `fallback` key that has one; its own when none has.
   * Logs once when it changes.
   */
  activeKey (listener: ClientListener): string {
    const own = listener.config.routingKey
    const trust = listener.config.trust
    const active = [own, ...(listener.config.fallback ?? [])].find(k => this.usable(k, trust).length > 0) ?? own
    const last = this.lastActive.get(listener) ?? own
    if (active !== last) this.deps.log.info({ key: own, from: last, to: active }, active === own ? 'listener back on its own routing key' : 'listener falls back to another routing key')
    this.lastActive.set(listener, active)
    return active
  }

  private rememberDenial (routingKey: string, target: string): void {
    let perTarget = this.deniedBy.get(routingKey)
    if (perTarget === undefined) {
      perTarget = new Map()
      this.deniedBy.set(routingKey, perTarget)
    }
    const now = this.deps.now()
    for (const [id, until] of perTarget) if (until <= now) perTarget.delete(id)
    perTarget.set(target, now + DENIED_TARGET_MEMORY_MS)
  }

  /** Open connections to a target carried elsewhere (a worker of this site), counted for balancing and status. */
  adjustOpen (routingKey: string, target: string, delta: number): void {
    this.countOpen(routingKey, target, delta)
  }

  /** A worker's client was denied by `target`: it is left out here too. */
  noteDenial (routingKey: string, target: string): void {
    this.rememberDenial(routingKey, target)
  }

  private countOpen (routingKey: string, target: string, delta: number): void {
    this.deps.openChanged?.(routingKey, target, delta)
    let perTarget = this.openByTarget.get(routingKey)
    if (perTarget === undefined) {
      perTarget = new Map()
      this.openByTarget.set(routingKey, perTarget)
    }
    const n = (perTarget.get(target) ?? 0) + delta
    if (n <= 0) perTarget.delete(target)
    else perTarget.set(target, n)
  }

  private keyCounter (key: string): (direction: 'aToB' | 'bToA', n: number) => void {
    let counts = this.bytesByKey.get(key)
    if (counts === undefined) {
      counts = { in: 0, out: 0 }
      this.bytesByKey.set(key, counts)
    }
    const c = counts
    return (direction, n) => {
      if (direction === 'aToB') c.in += n
      else c.out += n
    }
  }

  /**
   * A client connected to a listener (its socket paused, allowing half-open):
   * its key and targets are chosen here; `dispatch` may take it (a worker of
   * this site carries it), else it is carried here.
   */
  async onClient (socket: Socket, listener: ClientListener, dispatch?: (plan: ClientPlan) => boolean): Promise<void> {
    const { deps } = this
    socket.on('error', () => {})
    const startedAtMs = deps.now()
    const key = listener.config.routingKey
    if (listener.openConnections > listener.config.maxConnections) {
      deps.flowEnded?.({ connectionId: 0, startedAtMs, key, listener: listener.config.name, clientAddress: socket.remoteAddress, clientPort: socket.remotePort, bytesIn: 0, bytesOut: 0, reforwarded: [], result: 'refused', status: 'LISTENER_FULL', reason: `listener at its limit of ${listener.config.maxConnections} connections` })
      deps.logRefusal(`listener:${key}`, { key, limit: listener.config.maxConnections }, 'listener at its connection limit; refusing new clients')
      deps.count({ failed: key, reason: 'listener_full' })
      socket.resetAndDestroy()
      return
    }
    // Chosen once per connection: an open connection stays on its key when the active key changes.
    const active = this.activeKey(listener)
    const trust = listener.config.trust
    const plan: ClientPlan = { key: active, connectionId: deps.newConnectionId(), ranked: this.rank(active, trust), proveDestination: trust.length > 0, listener: listener.config.name, startedAtMs }
    if (dispatch?.(plan) === true) return
    await this.carry(socket, plan)
  }

  /**
   * Tries the plan's targets best first and splices the client to the first
   * that takes it: a local connector or a tunnel. A target that fails before
   * any byte reached a workload is skipped for the next.
   */
  async carry (socket: Socket, plan: ClientPlan): Promise<void> {
    const { deps } = this
    socket.on('error', () => {})
    const { key, connectionId, ranked, proveDestination, startedAtMs } = plan
    const tried: FlowAttempt[] = []
    const client = { listener: plan.listener, clientAddress: socket.remoteAddress, clientPort: socket.remotePort }
    const flow = (end: Omit<FlowEnd, 'connectionId' | 'startedAtMs' | 'key' | 'bytesIn' | 'bytesOut'> & { bytesIn?: number, bytesOut?: number }): void => {
      deps.flowEnded?.({ connectionId, startedAtMs, key, ...client, bytesIn: 0, bytesOut: 0, reforwarded: tried, ...end })
    }
    const log = deps.log.child({ conn: connectionId, key })
    const countKey = this.keyCounter(key)
    const failures: string[] = []
    // The client's first bytes are read now and sent behind the tunnel header.
    const head = new ClientHead(socket, EARLY_BYTES_MAX)
    for (const target of ranked) {
      if (socket.destroyed) {
        head.discard()
        return
      }
      this.countOpen(key, target.id, +1)
      let result: Promise<SpliceResult>
      let earlyBytes = 0
      try {
        if (target.id === deps.selfId) {
          const dialed = await deps.connectLocal(key)
          const early = head.handOver((chunk) => dialed.socket.write(chunk))
          earlyBytes = early.bytes
          countKey('aToB', early.bytes)
          result = splice(socketEndpoint(socket, 'client', early.ended), socketEndpoint(dialed.socket, 'connector'), { onBytes: countKey })
          deps.track(result, () => { socket.resetAndDestroy(); dialed.socket.resetAndDestroy() })
          void result.finally(dialed.release)
        } else {
          const tunnel = await deps.openTunnel(key, target.id, connectionId, head, { proveDestination, e2e: target.value.e2e, resumable: deps.resumeFor?.(key, target.id, connectionId) })
          const far = tunnelEndpoint(tunnel, 'tunnel', (i, o) => deps.activity(tunnel.via, i, o))
          // Bytes read ahead of the tunnel: straight into the stream (sent with the header), or through its layers first.
          const raw = tunnel.keys === undefined && tunnel.layer === undefined
          const early = head.handOver(raw ? (chunk) => { tunnel.stream.send(chunk) } : (chunk) => { far.endpoint.write(chunk) })
          earlyBytes = early.bytes
          countKey('aToB', early.bytes)
          if (raw) deps.activity(tunnel.via, 0, early.bytes)
          result = splice(socketEndpoint(socket, 'client', early.ended), far.endpoint, { initialBToA: far.initial, onBytes: countKey })
          if (tunnel.layer !== undefined) deps.resumableEnd?.(tunnel.layer, result)
          // A resumable tunnel may be on another stream by now: its layer resets whichever it is on.
          deps.track(result, () => { socket.resetAndDestroy(); if (tunnel.layer !== undefined) tunnel.layer.reset(); else tunnel.stream.abort(new Error('router stopping')) }, [target.id])
        }
      } catch (err) {
        head.rewind()
        this.countOpen(key, target.id, -1)
        if (err instanceof TunnelRefusedError && err.code === StatusCode.DENIED) {
          // Refused for who we are: no other target is tried for this client, and this one is left out for a while.
          this.rememberDenial(key, target.id)
          deps.deniedBy?.(key, target.id)
          head.discard()
          deps.logRefusal(`denied:${key}:${target.id}`, { key, target: target.value.site, targetPeer: target.id, err: err.reason }, 'the target denied this site; closing the client connection')
          deps.count({ failed: key, reason: 'denied' })
          flow({ targetSite: target.value.site, targetPeer: target.id, result: 'denied', status: 'DENIED', reason: err.reason })
          if (!socket.destroyed) socket.resetAndDestroy()
          return
        }
        deps.count({ reforwarded: key, reason: err instanceof TunnelRefusedError ? statusName(err.code).toLowerCase() : 'connect_failed' })
        failures.push(`${target.value.site}: ${(err as Error).message}`)
        tried.push({ site: target.value.site, peerId: target.id, status: err instanceof TunnelRefusedError ? statusName(err.code) : target.id === deps.selfId ? 'CONNECT_FAILED' : 'LOST', reason: err instanceof TunnelRefusedError ? err.reason : (err as Error).message })
        log.debug({ target: target.value.site, err: (err as Error).message }, 'target failed, trying the next')
        // Only a refusal proves that nothing reached a workload; a lost tunnel ends the attempt.
        if (!(err instanceof TunnelRefusedError) && target.id !== deps.selfId) break
        continue
      }
      log.debug({ target: target.value.site, cost: target.pathCost }, 'client connected')
      deps.count({ carried: key, target: target.value.site })
      // Live bytes from the client socket's own counters (the bytes read ahead included): nothing added per chunk.
      const pairEnded = deps.pairOpened?.(key, target.id, () => ({ in: socket.bytesRead, out: socket.bytesWritten }))
      deps.changed()
      void result.then((r) => {
        this.countOpen(key, target.id, -1)
        pairEnded?.({ in: r.bytesAToB + earlyBytes, out: r.bytesBToA })
        deps.changed()
        log.debug({ ...r, target: target.value.site }, 'client connection closed')
        flow({ targetSite: target.value.site, targetPeer: target.id, bytesIn: r.bytesAToB + earlyBytes, bytesOut: r.bytesBToA, result: r.resetReason === undefined ? 'closed' : 'reset', status: r.resetReason === undefined ? undefined : 'RESET', reason: r.resetReason, reforwarded: tried.slice() })
      })
      return
    }
    head.discard()
    log.warn({ failures: failures.length > 0 ? failures : undefined }, ranked.length === 0 ? 'no target for routing key; closing client connection' : 'every target failed; closing client connection')
    deps.count({ failed: key, reason: ranked.length === 0 ? 'no_target' : 'all_targets_failed' })
    const last = tried.pop()
    flow({ targetSite: last?.site, targetPeer: last?.peerId, result: 'refused', status: last?.status ?? 'NO_TARGET', reason: last?.reason ?? 'no reachable target offers the routing key' })
    if (!socket.destroyed) socket.resetAndDestroy()
  }
}
