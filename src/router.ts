import type { Connection, Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import type { RouterConfig } from './config/config.js'
import { LinkStateDb } from './core/lsdb.js'
import { computeRoutes, type Route } from './core/spf.js'
import { rankTargets, type Candidate } from './core/select-target.js'
import { effectiveLinkCost, type Advertisement, type LinkAd } from './core/types.js'
import { LocalConnectors } from './edge/connector.js'
import { Listener } from './edge/listener.js'
import { decodeAdvertisementBody, decodeSignedAd, encodeAdvertisementBody, encodeSignedAd } from './net/codec.js'
import { CONNECT_TIMEOUT_MS, LINK_PROTOCOL, TUNNEL_PROTOCOL } from './net/constants.js'
import type { Identity } from './net/identity.js'
import { LinkDialer } from './net/link-dialer.js'
import { exchangeHello, LinkSession } from './net/link-session.js'
import { createNode } from './net/node.js'
import { socketEndpoint, splice, streamEndpoint, type SpliceResult } from './net/splice.js'
import { handleTunnelStream, newConnectionId, openTunnel, TunnelRefusedError, type TunnelHost } from './net/tunnel.js'

/** How long own advertisement changes are batched before flooding. */
const FLOOD_BATCH_MS = 5
/** At most this many targets are tried for one client connection. */
const MAX_TARGET_ATTEMPTS = 8
const MAX_STREAMS_PER_CONNECTION = 4096

export interface TargetStatus { site: string, peerId: string, cost: number, openConnections: number }

export interface RouterStatus {
  site: string
  peerId: string
  epoch: number
  addresses: string[]
  links: Array<{ peerId: string, site: string, cost: number, state: string, address?: string, rttMs?: number }>
  routers: Array<{ peerId: string, site: string, cost: number, nextHop: string, hops: number }>
  services: Array<{ routingKey: string, targets: TargetStatus[] }>
  listeners: Array<{ routingKey: string, host: string, port: number, openConnections: number }>
  connectors: Array<{ routingKey: string, host: string, port: number, cost: number }>
}

/**
 * One site's router. It owns the routing state (sessions, link-state database,
 * routes) and is its only writer: network events call in, the pure core
 * decides, and the router acts on the network.
 */
export class Router implements TunnelHost {
  readonly selfId: string
  readonly connectors: LocalConnectors
  private node!: Libp2p
  private readonly privateKey: PrivateKey
  private readonly epoch: number
  private seq = 0
  private readonly sessions = new Map<string, LinkSession>()
  private readonly lsdb: LinkStateDb
  private routes = new Map<string, Route>()
  private readonly listeners: Listener[] = []
  private readonly dialers: LinkDialer[] = []
  /** Per routing key, per target peer id: client connections this router has open to it. */
  private readonly openByTarget = new Map<string, Map<string, number>>()
  private readonly activePipes = new Map<Promise<SpliceResult>, () => void>()
  private rotation = 0
  private floodTimer: NodeJS.Timeout | undefined
  private recomputePending = false
  private housekeeping: NodeJS.Timeout | undefined
  private lastRefreshMs = 0
  private stopping = false
  private withdrawn = false
  private readonly badSignatureLogged = new Set<string>()

  constructor (readonly config: RouterConfig, identity: Identity, readonly log: Logger) {
    this.selfId = identity.peerId.toString()
    this.privateKey = identity.privateKey
    this.epoch = identity.epoch
    this.lsdb = new LinkStateDb(this.selfId, config.timers.maxAgeMs)
    this.connectors = new LocalConnectors(config.connectors, CONNECT_TIMEOUT_MS)
  }

  async start (): Promise<void> {
    // Bind local listeners first: a port in use should fail before we join the mesh.
    for (const cfg of this.config.listeners) {
      const listener = new Listener(cfg, (socket, l) => { void this.onClient(socket, l) })
      await listener.start()
      this.listeners.push(listener)
    }
    this.node = await createNode({ privateKey: this.privateKey, listen: this.config.listen, maxStreamsPerConnection: MAX_STREAMS_PER_CONNECTION })
    await this.node.handle(LINK_PROTOCOL, (stream, conn) => { void this.acceptLink(stream, conn) }, { maxInboundStreams: 4, maxOutboundStreams: 4 })
    await this.node.handle(TUNNEL_PROTOCOL, (stream, conn) => { void handleTunnelStream(this, stream, conn) }, {
      maxInboundStreams: MAX_STREAMS_PER_CONNECTION,
      maxOutboundStreams: MAX_STREAMS_PER_CONNECTION
    })
    await this.originate()
    for (const link of this.config.links) {
      const dialer = new LinkDialer(link, this.node, this, this.log)
      this.dialers.push(dialer)
      dialer.start()
    }
    this.lastRefreshMs = performance.now()
    this.housekeeping = setInterval(() => this.tick(), 1000)
    this.housekeeping.unref()
  }

  /** Stops the router: stop accepting, withdraw from the mesh, reset what is still open, close links. */
  async stop (): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    clearInterval(this.housekeeping)
    for (const l of this.listeners) l.close()
    for (const d of this.dialers) d.stop()
    // Tell neighbours first: an advertisement with no links or services makes
    // every router drop us at once, before the connections even close.
    this.withdrawn = true
    await this.originate()
    this.flushFlood()
    for (const reset of this.activePipes.values()) reset()
    await new Promise(resolve => setTimeout(resolve, 20))
    await this.node.stop()
  }

  get addresses (): string[] {
    return this.node.getMultiaddrs().map(ma => ma.toString())
  }

  // ---- links ----------------------------------------------------------------

  /** The configured cost this router has for a link to `peer` (0 when it has none). */
  configuredCostFor (peer: string): number {
    let cost = 0
    for (const d of this.dialers) if (d.peerId === peer) cost = Math.max(cost, d.config.cost)
    return cost
  }

  hasSession (peer: string): boolean {
    return this.sessions.get(peer)?.isOpen === true
  }

  /** Opens the link stream on a connection we dialed; resolves with the running session. */
  async openLink (conn: Connection, configuredCost: number): Promise<LinkSession> {
    const stream = await conn.newStream(LINK_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
    return await this.establish(stream, conn, Math.max(configuredCost, this.configuredCostFor(conn.remotePeer.toString())), this.selfId)
  }

  private async acceptLink (stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    try {
      await this.establish(stream, conn, this.configuredCostFor(peer), peer)
    } catch (err) {
      this.log.warn({ peer, err: (err as Error).message }, 'link handshake failed')
      if (stream.status === 'open') stream.abort(err as Error)
    }
  }

  private async establish (stream: Stream, conn: Connection, configuredCost: number, opener: string): Promise<LinkSession> {
    if (this.stopping) throw new Error('router is stopping')
    const peer = conn.remotePeer.toString()
    const { hello, rest } = await exchangeHello(stream, { site: this.config.site, epoch: this.epoch, configuredCost })
    const cost = effectiveLinkCost(configuredCost, hello.configuredCost)
    const session = new LinkSession(peer, hello.site, hello.epoch, opener, cost, conn, stream, this.config.timers, {
      advertisement: (s, raw) => { void this.onAdvertisement(s, raw) },
      down: (s, reason) => this.onSessionDown(s, reason)
    }, this.log)

    const existing = this.sessions.get(peer)
    if (existing?.isOpen === true && !supersedes(session, existing)) {
      stream.abort(new Error('duplicate link'))
      return existing
    }
    this.sessions.set(peer, session)
    existing?.replace()
    session.start(rest)
    if (existing === undefined || !existing.isOpen) {
      this.log.info({ peer, site: hello.site, cost, direction: conn.direction }, 'link up')
    }
    // Full database exchange: the new neighbour gets everything we know.
    for (const entry of this.lsdb.all()) session.sendAdvertisement(entry.raw)
    void this.originate()
    return session
  }

  private onSessionDown (session: LinkSession, reason: string): void {
    if (this.sessions.get(session.peer) !== session) return
    this.sessions.delete(session.peer)
    if (!this.stopping) this.log.info({ peer: session.peer, site: session.site, reason }, 'link down')
    for (const d of this.dialers) if (d.peerId === session.peer) d.linkDown()
    void this.originate()
  }

  // ---- link state -------------------------------------------------------------

  private buildOwnAd (): Advertisement {
    const links: LinkAd[] = this.withdrawn
      ? []
      : [...this.sessions.values()].filter(s => s.isOpen).map(s => ({ peer: s.peer, cost: s.cost })).sort((a, b) => a.peer < b.peer ? -1 : 1)
    return {
      origin: this.selfId,
      epoch: this.epoch,
      seq: ++this.seq,
      site: this.config.site,
      links,
      services: this.withdrawn ? [] : this.connectors.summary()
    }
  }

  private originating: Promise<void> | undefined
  private originateAgain = false

  /** Re-originates our advertisement (coalescing bursts), stores it, recomputes routes and schedules the flood. */
  private async originate (): Promise<void> {
    if (this.originating !== undefined) {
      this.originateAgain = true
      return await this.originating
    }
    this.originating = (async () => {
      do {
        this.originateAgain = false
        const ad = this.buildOwnAd()
        const body = encodeAdvertisementBody(ad)
        const signature = await this.privateKey.sign(body)
        const raw = encodeSignedAd({ body, signature })
        this.lsdb.offer(ad, raw, performance.now())
        this.recompute()
        this.scheduleFlood()
      } while (this.originateAgain)
    })()
    try {
      await this.originating
    } finally {
      this.originating = undefined
    }
  }

  private scheduleFlood (): void {
    if (this.floodTimer !== undefined) return
    this.floodTimer = setTimeout(() => this.flushFlood(), FLOOD_BATCH_MS)
  }

  private flushFlood (): void {
    clearTimeout(this.floodTimer)
    this.floodTimer = undefined
    const own = this.lsdb.get(this.selfId)
    if (own === undefined) return
    for (const s of this.sessions.values()) s.sendAdvertisement(own.raw)
  }

  private async onAdvertisement (from: LinkSession, raw: Uint8Array): Promise<void> {
    let ad: Advertisement
    try {
      const signed = decodeSignedAd(raw)
      ad = decodeAdvertisementBody(signed.body)
      const held = this.lsdb.get(ad.origin)
      // The exact bytes we already hold were verified when they were stored.
      if (held !== undefined && equalBytes(held.raw, raw)) return
      const publicKey = peerIdFromString(ad.origin).publicKey
      if (publicKey === undefined || !(await publicKey.verify(signed.body, signed.signature))) {
        if (!this.badSignatureLogged.has(from.peer)) {
          this.badSignatureLogged.add(from.peer)
          this.log.warn({ peer: from.peer, site: from.site, origin: ad.origin }, 'dropping advertisement with a bad signature (logged once per peer)')
        }
        return
      }
    } catch (err) {
      this.log.warn({ peer: from.peer, site: from.site, err: (err as Error).message }, 'dropping malformed advertisement')
      return
    }
    if (ad.origin === this.selfId) {
      // Our own advertisement from an earlier run that outlived it: outbid it.
      const own = this.lsdb.get(this.selfId)?.ad
      if (own !== undefined && (ad.epoch > own.epoch || (ad.epoch === own.epoch && ad.seq >= own.seq))) {
        this.seq = Math.max(this.seq, ad.seq) + 1
        if (ad.epoch > this.epoch) this.log.warn({ seenEpoch: ad.epoch, epoch: this.epoch }, 'saw own advertisement from a later boot epoch; is this identity running twice?')
        void this.originate()
      }
      return
    }
    const result = this.lsdb.offer(ad, raw, performance.now())
    if (result === 'newer') {
      for (const s of this.sessions.values()) if (s !== from) s.sendAdvertisement(raw)
      this.scheduleRecompute()
    } else if (result === 'older') {
      // The sender is behind: hand it the newer version we hold.
      const held = this.lsdb.get(ad.origin)
      if (held !== undefined) from.sendAdvertisement(held.raw)
    }
  }

  private scheduleRecompute (): void {
    if (this.recomputePending) return
    this.recomputePending = true
    setImmediate(() => this.recompute())
  }

  private recompute (): void {
    this.recomputePending = false
    this.routes = computeRoutes(this.selfId, this.lsdb.advertisements())
  }

  private tick (): void {
    const now = performance.now()
    if (this.lsdb.expire(now).length > 0) this.scheduleRecompute()
    if (now - this.lastRefreshMs >= this.config.timers.refreshIntervalMs) {
      this.lastRefreshMs = now
      void this.originate()
    }
  }

  // ---- tunnels ------------------------------------------------------------------

  nextHopConnection (destination: string): Connection | undefined {
    const route = this.routes.get(destination)
    if (route === undefined) return undefined
    const session = this.sessions.get(route.nextHop)
    return session?.isOpen === true ? session.connection : undefined
  }

  activity (peer: string): void {
    this.sessions.get(peer)?.touch()
  }

  track (pipe: Promise<SpliceResult>, reset: () => void): void {
    this.activePipes.set(pipe, reset)
    void pipe.then(() => this.activePipes.delete(pipe))
  }

  /** Every reachable router (and this one) that has a connector for the key, with its path cost. */
  targetsFor (routingKey: string): Array<Candidate<{ site: string }>> {
    const open = this.openByTarget.get(routingKey)
    const out: Array<Candidate<{ site: string }>> = []
    for (const ad of this.lsdb.advertisements()) {
      const service = ad.services.find(s => s.routingKey === routingKey)
      if (service === undefined || service.connectors === 0) continue
      const pathCost = ad.origin === this.selfId ? 0 : this.routes.get(ad.origin)?.cost
      if (pathCost === undefined) continue
      out.push({ id: ad.origin, pathCost, ownCost: service.cost, open: open?.get(ad.origin) ?? 0, value: { site: ad.site } })
    }
    return out
  }

  private countOpen (routingKey: string, target: string, delta: number): void {
    let perTarget = this.openByTarget.get(routingKey)
    if (perTarget === undefined) {
      perTarget = new Map()
      this.openByTarget.set(routingKey, perTarget)
    }
    const n = (perTarget.get(target) ?? 0) + delta
    if (n <= 0) perTarget.delete(target)
    else perTarget.set(target, n)
  }

  /**
   * A client connected to a listener. Targets are tried best first; one that
   * fails before any byte was exchanged is skipped, so the client sees a
   * failure only when no target works.
   */
  private async onClient (socket: Socket, listener: Listener): Promise<void> {
    const key = listener.config.routingKey
    const connectionId = newConnectionId()
    const log = this.log.child({ conn: connectionId, key })
    socket.on('error', () => {})
    const ranked = rankTargets(this.targetsFor(key), this.rotation++).slice(0, MAX_TARGET_ATTEMPTS)
    const failures: string[] = []
    for (const target of ranked) {
      if (socket.destroyed) return
      this.countOpen(key, target.id, +1)
      let result: Promise<SpliceResult>
      try {
        if (target.id === this.selfId) {
          const dialed = await this.connectors.connect(key)
          result = splice(socketEndpoint(socket, 'client'), socketEndpoint(dialed.socket, 'connector'))
          this.track(result, () => { socket.resetAndDestroy(); dialed.socket.resetAndDestroy() })
          void result.finally(dialed.release)
        } else {
          const tunnel = await openTunnel(this, key, target.id, this.config.hopLimit, connectionId)
          result = splice(socketEndpoint(socket, 'client'), streamEndpoint(tunnel.stream, 'tunnel', () => this.activity(tunnel.via)), { initialBToA: tunnel.rest })
          this.track(result, () => { socket.resetAndDestroy(); tunnel.stream.abort(new Error('router stopping')) })
        }
      } catch (err) {
        this.countOpen(key, target.id, -1)
        failures.push(`${target.value.site}: ${(err as Error).message}`)
        log.debug({ target: target.value.site, err: (err as Error).message }, 'target failed, trying the next')
        if (!(err instanceof TunnelRefusedError) && target.id !== this.selfId) break
        continue
      }
      log.debug({ target: target.value.site, cost: target.pathCost }, 'client connected')
      void result.then((r) => {
        this.countOpen(key, target.id, -1)
        log.debug({ ...r, target: target.value.site }, 'client connection closed')
      })
      return
    }
    log.warn({ failures: failures.length > 0 ? failures : undefined }, ranked.length === 0 ? 'no target for routing key; closing client connection' : 'every target failed; closing client connection')
    if (!socket.destroyed) socket.resetAndDestroy()
  }

  // ---- status -------------------------------------------------------------------

  private siteOf (peer: string): string {
    return this.lsdb.get(peer)?.ad.site ?? this.sessions.get(peer)?.site ?? ''
  }

  status (): RouterStatus {
    const links: RouterStatus['links'] = []
    const seen = new Set<string>()
    for (const s of this.sessions.values()) {
      if (!s.isOpen) continue
      seen.add(s.peer)
      const dialer = this.dialers.find(d => d.peerId === s.peer)
      links.push({ peerId: s.peer, site: s.site, cost: s.cost, state: 'up', address: dialer?.config.address, rttMs: s.rttMs })
    }
    for (const d of this.dialers) {
      if (d.peerId !== undefined && seen.has(d.peerId)) continue
      links.push({ peerId: d.peerId ?? '', site: d.peerId !== undefined ? this.siteOf(d.peerId) : '', cost: d.config.cost, state: d.state, address: d.config.address })
    }
    const routers = [...this.routes.values()]
      .map(r => ({ peerId: r.destination, site: this.siteOf(r.destination), cost: r.cost, nextHop: r.nextHop, hops: r.hops }))
      .sort((a, b) => a.cost - b.cost || (a.peerId < b.peerId ? -1 : 1))
    const keys = new Set<string>()
    for (const ad of this.lsdb.advertisements()) for (const s of ad.services) keys.add(s.routingKey)
    const services = [...keys].sort().map(routingKey => ({
      routingKey,
      targets: this.targetsFor(routingKey)
        .map(t => ({ site: t.value.site, peerId: t.id, cost: t.pathCost + t.ownCost, openConnections: t.open }))
        .sort((a, b) => a.cost - b.cost || (a.peerId < b.peerId ? -1 : 1))
    })).filter(s => s.targets.length > 0)
    return {
      site: this.config.site,
      peerId: this.selfId,
      epoch: this.epoch,
      addresses: this.addresses,
      links,
      routers,
      services,
      listeners: this.listeners.map(l => ({ routingKey: l.config.routingKey, host: l.config.host, port: l.boundPort, openConnections: l.openConnections })),
      connectors: this.connectors.list()
    }
  }
}

/**
 * Two sessions to one peer (both ends dialed at once, or the peer restarted):
 * both routers must keep the same one. A newer boot of the peer wins; else the
 * stream opened by the lower peer id wins; a second stream from the same opener
 * replaces its first (the opener only opens again when it found the first dead).
 */
function supersedes (candidate: LinkSession, existing: LinkSession): boolean {
  if (candidate.peerEpoch !== existing.peerEpoch) return candidate.peerEpoch > existing.peerEpoch
  if (candidate.opener === existing.opener) return true
  return candidate.opener < existing.opener
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
