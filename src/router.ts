import { EventEmitter, setMaxListeners } from 'node:events'
import type { Connection, Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import type { ConnectorConfig, LinkConfig, ListenerConfig, RouterConfig } from './config/config.js'
import { ResourceStore } from './config/resources.js'
import { LinkStateDb } from './core/lsdb.js'
import { acceptAdvertisement, databaseExchange, FLOOD_BATCH_MS, ownFlood } from './core/flooding.js'
import { buildTopology, computeRoutes, type Route } from './core/spf.js'
import { rankTargets, type Candidate } from './core/select-target.js'
import { effectiveLinkCost, type Advertisement, type LinkAd } from './core/types.js'
import { LocalConnectors } from './edge/connector.js'
import { Listener } from './edge/listener.js'
import { statusName } from './wire/codec.js'
import { readAdvertisement, signAdvertisement } from './net/advertisement.js'
import { CONNECT_TIMEOUT_MS, EARLY_BYTES_MAX } from './net/constants.js'
import { JOIN_PROTOCOL, LINK_PROTOCOL, TUNNEL_PROTOCOL } from './wire/constants.js'
import { handleJoin } from './net/join.js'
import { AuthorizedPeers, GrantStore } from './net/membership.js'
import { MembershipGate } from './net/gate.js'
import { encodeToken } from './wire/token.js'
import type { Identity } from './net/identity.js'
import { LinkDialer, type LinkOwner } from './net/link-dialer.js'
import { exchangeHello, LinkSession } from './net/link-session.js'
import { createNode } from './net/node.js'
import { socketEndpoint, splice, streamEndpoint, type SpliceResult } from './net/splice.js'
import { ClientHead } from './net/client-head.js'
import { handleTunnelStream, newConnectionId, openTunnel, TunnelRefusedError, type TunnelHost } from './net/tunnel.js'
import { Metrics } from './api/metrics.js'
import { ResourceError, type RouterStatus } from './api/types.js'

/**
 * Opening a tunnel stream waits for nothing on the network (net/negotiation.ts),
 * so it needs no deadline; but without a signal libp2p makes a 10 s timeout
 * signal for every stream (18 µs each here, and a timer alive for 10 s).
 */
const NO_DEADLINE = new AbortController().signal
setMaxListeners(Infinity, NO_DEADLINE)

/** At most this many targets are tried for one client connection. */
const MAX_TARGET_ATTEMPTS = 8

/**
 * One site's router. It owns the routing state (sessions, link-state database,
 * routes) and is its only writer: network events call in, the pure core
 * decides, and the router acts on the network.
 */
export class Router implements TunnelHost, LinkOwner {
  readonly selfId: string
  readonly site: string
  readonly metrics = new Metrics(this)
  /** 'change' (kind: link | route | service | connection) whenever something a status reader shows changed. */
  readonly events = new EventEmitter().setMaxListeners(1000)
  /** Bytes carried per routing key for this site's listeners (in: from clients), counted as they move. */
  private readonly bytesByKey = new Map<string, { in: number, out: number }>()
  /** Bytes over each link, by peer, counted on the tunnel streams as they move. */
  private readonly bytesByPeer = new Map<string, { in: number, out: number }>()
  authorized!: AuthorizedPeers
  grants!: GrantStore
  readonly connectors: LocalConnectors
  private node!: Libp2p
  private readonly privateKey: PrivateKey
  private readonly epoch: number
  private seq = 0
  private readonly sessions = new Map<string, LinkSession>()
  private readonly lsdb: LinkStateDb
  private routes = new Map<string, Route>()
  /** By name. Names are what `delete` takes; API-created ones are also in `resources`. */
  private readonly listeners = new Map<string, Listener>()
  private readonly dialers = new Map<string, LinkDialer>()
  private resources!: ResourceStore
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
  private gate!: MembershipGate

  constructor (readonly config: RouterConfig, identity: Identity, readonly log: Logger) {
    this.selfId = identity.peerId.toString()
    this.site = config.site
    this.privateKey = identity.privateKey
    this.epoch = identity.epoch
    this.lsdb = new LinkStateDb(this.selfId, config.timers.maxAgeMs)
    this.connectors = new LocalConnectors(CONNECT_TIMEOUT_MS, (c) => {
      this.log.info({ key: c.routingKey, connector: `${c.host}:${c.port}` }, c.healthy ? 'connector answers again; offering it to the mesh' : 'connector does not answer; withdrawing it from the mesh')
      if (!this.stopping) void this.originate()
    })
  }

  async start (): Promise<void> {
    this.authorized = await AuthorizedPeers.load(this.config.dataDir)
    this.grants = await GrantStore.load(this.config.dataDir)
    this.gate = new MembershipGate(this.authorized, this.config.limits, this.log)
    this.resources = await ResourceStore.load(this.config.dataDir)
    const stored = this.resources.resources
    // Bind local listeners first: a port in use should fail before we join the mesh.
    for (const cfg of [...this.config.listeners, ...stored.listeners]) await this.startListener(cfg)
    for (const cfg of [...this.config.connectors, ...stored.connectors]) {
      this.connectors.add({ ...cfg, name: cfg.name ?? uniqueName(cfg.routingKey, this.connectors.names()) })
    }
    const maxStreams = this.config.limits.tunnelsPerPeer + 16
    this.node = await createNode({ privateKey: this.privateKey, listen: this.config.listen, maxStreamsPerConnection: maxStreams })
    // Only members link or tunnel; anyone may try to redeem a token, briefly.
    this.node.addEventListener('connection:open', (evt) => this.gate.watchConnection(evt.detail))
    await this.node.handle(JOIN_PROTOCOL, (stream, conn) => { void handleJoin(this, stream, conn) }, { maxInboundStreams: 2, maxOutboundStreams: 2 })
    await this.node.handle(LINK_PROTOCOL, (stream, conn) => {
      if (this.gate.admit(stream, conn)) void this.acceptLink(stream, conn)
    }, { maxInboundStreams: 4, maxOutboundStreams: 4 })
    await this.node.handle(TUNNEL_PROTOCOL, (stream, conn) => {
      if (this.gate.admit(stream, conn) && this.gate.admitTunnel(stream, conn)) void handleTunnelStream(this, stream, conn)
    }, { maxInboundStreams: maxStreams, maxOutboundStreams: maxStreams })
    await this.originate()
    for (const link of [...this.config.links, ...stored.links]) this.startLink(link)
    this.connectors.startProbing(this.config.timers.connectorProbeIntervalMs)
    this.lastRefreshMs = performance.now()
    this.housekeeping = setInterval(() => this.tick(), 1000)
    this.housekeeping.unref()
  }

  private async startListener (cfg: ListenerConfig): Promise<Listener> {
    const name = cfg.name ?? uniqueName(cfg.routingKey, new Set(this.listeners.keys()))
    const listener = new Listener({ ...cfg, name }, (socket, l) => { void this.onClient(socket, l) })
    await listener.start()
    this.listeners.set(name, listener)
    return listener
  }

  private startLink (cfg: LinkConfig): LinkDialer {
    const dialer = new LinkDialer(cfg, this.node, this, this.log)
    const name = cfg.name ?? uniqueName(dialer.suggestedName, new Set(this.dialers.keys()))
    this.dialers.set(name, dialer)
    dialer.start()
    return dialer
  }

  // ---- changes through the admin API (applied at once, stored in the data dir) ----

  private checkNameFree (kind: string, name: string | undefined, taken: Set<string> | Map<string, unknown>): void {
    if (name !== undefined && taken.has(name)) throw new ResourceError(409, 'name', `a ${kind} named ${name} exists already`)
  }

  async createListener (cfg: ListenerConfig): Promise<{ name: string, port: number }> {
    this.checkNameFree('listener', cfg.name, this.listeners)
    if (cfg.name === undefined && this.listeners.has(cfg.routingKey)) throw new ResourceError(409, 'name', `a listener named ${cfg.routingKey} exists already; give this one a name`)
    let listener: Listener
    try {
      listener = await this.startListener({ ...cfg, name: cfg.name ?? cfg.routingKey })
    } catch (err) {
      throw new ResourceError(409, 'port', `cannot listen on ${cfg.host}:${cfg.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    const name = listener.config.name as string
    this.resources.resources.listeners.push({ ...cfg, name })
    await this.resources.save()
    this.log.info({ name, key: cfg.routingKey, address: `${cfg.host}:${listener.boundPort}` }, 'listener created')
    return { name, port: listener.boundPort }
  }

  async deleteListener (name: string): Promise<void> {
    const listener = this.listeners.get(name)
    if (listener === undefined) throw new ResourceError(404, 'name', `no listener named ${name}`)
    if (!this.resources.resources.listeners.some(l => l.name === name)) throw new ResourceError(409, 'name', `listener ${name} comes from the config file or flags; remove it there`)
    listener.close()
    this.listeners.delete(name)
    this.resources.resources.listeners = this.resources.resources.listeners.filter(l => l.name !== name)
    await this.resources.save()
    this.log.info({ name }, 'listener deleted; its open connections go on')
  }

  async createConnector (cfg: ConnectorConfig): Promise<{ name: string }> {
    const taken = this.connectors.names()
    this.checkNameFree('connector', cfg.name, taken)
    if (cfg.name === undefined && taken.has(cfg.routingKey)) throw new ResourceError(409, 'name', `a connector named ${cfg.routingKey} exists already; give this one a name`)
    const name = cfg.name ?? cfg.routingKey
    this.connectors.add({ ...cfg, name })
    this.resources.resources.connectors.push({ ...cfg, name })
    await this.resources.save()
    this.log.info({ name, key: cfg.routingKey, address: `${cfg.host}:${cfg.port}` }, 'connector created; offered to the mesh')
    await this.originate()
    return { name }
  }

  async deleteConnector (name: string): Promise<void> {
    if (!this.connectors.names().has(name)) throw new ResourceError(404, 'name', `no connector named ${name}`)
    if (!this.resources.resources.connectors.some(c => c.name === name)) throw new ResourceError(409, 'name', `connector ${name} comes from the config file or flags; remove it there`)
    this.connectors.remove(name)
    this.resources.resources.connectors = this.resources.resources.connectors.filter(c => c.name !== name)
    await this.resources.save()
    this.log.info({ name }, 'connector deleted; withdrawn from the mesh')
    await this.originate()
  }

  async createLink (cfg: LinkConfig): Promise<{ name: string }> {
    this.checkNameFree('link', cfg.name, this.dialers)
    const dialer = this.startLink(cfg)
    const name = [...this.dialers].find(([, d]) => d === dialer)?.[0] as string
    this.resources.resources.links.push({ ...cfg, name })
    await this.resources.save()
    this.log.info({ name, address: cfg.address }, 'link created')
    return { name }
  }

  /** Deletes a link by name or peer id: stops redialling and closes the link to that peer. */
  async deleteLink (nameOrPeer: string): Promise<void> {
    const entry = [...this.dialers].find(([name, d]) => name === nameOrPeer || d.peerId === nameOrPeer)
    if (entry === undefined) throw new ResourceError(404, 'name', `no link named ${nameOrPeer} and none to that peer`)
    const [name, dialer] = entry
    if (!this.resources.resources.links.some(l => l.name === name)) throw new ResourceError(409, 'name', `link ${name} comes from the config file or flags; remove it there`)
    dialer.stop()
    this.dialers.delete(name)
    this.resources.resources.links = this.resources.resources.links.filter(l => l.name !== name)
    await this.resources.save()
    const peer = dialer.peerId
    if (peer !== undefined && ![...this.dialers.values()].some(d => d.peerId === peer)) this.sessions.get(peer)?.close('link deleted')
    this.log.info({ name, peer }, 'link deleted')
  }

  /**
   * Stops the router gracefully: stop accepting clients, withdraw this site's
   * links and services from the mesh (every router routes around it at once),
   * give in-flight connections up to drainMs to finish, reset the rest, close.
   */
  async stop (): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    clearInterval(this.housekeeping)
    this.connectors.stopProbing()
    for (const l of this.listeners.values()) l.close()
    for (const d of this.dialers.values()) d.stop()
    this.withdrawn = true
    await this.originate()
    this.flushFlood()
    const drainUntil = performance.now() + this.config.timers.drainMs
    if (this.activePipes.size > 0) this.log.info({ open: this.activePipes.size, drainMs: this.config.timers.drainMs }, 'draining open connections')
    while (this.activePipes.size > 0 && performance.now() < drainUntil) {
      await Promise.race([...this.activePipes.keys(), new Promise(resolve => setTimeout(resolve, Math.max(1, drainUntil - performance.now())))])
    }
    if (this.activePipes.size > 0) this.log.warn({ open: this.activePipes.size }, 'drain period over; resetting open connections')
    for (const reset of this.activePipes.values()) reset()
    // Let the withdrawal and the resets reach the wire before the connections close.
    await new Promise(resolve => setTimeout(resolve, 20))
    await this.node.stop()
  }

  get ready (): boolean {
    return this.node !== undefined && !this.stopping
  }

  get addresses (): string[] {
    return this.node.getMultiaddrs().map(ma => ma.toString())
  }

  // ---- links ----------------------------------------------------------------

  /** The configured cost this router has for a link to `peer` (0 when it has none). */
  configuredCostFor (peer: string): number {
    let cost = 0
    for (const d of this.dialers.values()) if (d.peerId === peer) cost = Math.max(cost, d.config.cost)
    return cost
  }

  hasSession (peer: string): boolean {
    return this.sessions.get(peer)?.isOpen === true
  }

  // ---- membership ---------------------------------------------------------------

  isAuthorized (peer: string): boolean {
    return this.authorized.has(peer)
  }

  async authorize (peer: string, site: string, note: string): Promise<void> {
    await this.authorized.add(peer, site, note)
  }

  linkRefused (link: { address: string }, sentence: string): void {
    this.log.error({ address: link.address, reason: sentence }, `link refused: ${sentence}`)
    process.stderr.write(`portmesh: cannot link to ${link.address}: ${sentence}\n`)
  }

  /** A join token for this site: its addresses, its peer id and a new grant. */
  async issueToken (expiresInMs: number, uses: number): Promise<{ token: string, expiresAt: string }> {
    const expiresAtMs = Date.now() + expiresInMs
    const grant = await this.grants.issue(expiresAtMs, uses)
    const addresses = this.config.advertise.length > 0
      ? this.config.advertise.map(a => `${a}/p2p/${this.selfId}`)
      : this.addresses
    const token = encodeToken({ issuer: this.selfId, issuerSite: this.site, addresses, grantId: grant.id, secret: grant.secret, expiresAt: Math.floor(expiresAtMs / 1000) })
    this.log.info({ expiresAt: new Date(expiresAtMs).toISOString(), uses }, 'join token issued')
    return { token, expiresAt: new Date(expiresAtMs).toISOString() }
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
      this.events.emit('change', 'link')
    }
    // Full database exchange: the new neighbour gets everything we know.
    for (const raw of databaseExchange(this.lsdb)) session.sendAdvertisement(raw)
    void this.originate()
    return session
  }

  private onSessionDown (session: LinkSession, reason: string): void {
    if (this.sessions.get(session.peer) !== session) return
    this.sessions.delete(session.peer)
    if (!this.stopping) this.log.info({ peer: session.peer, site: session.site, reason }, 'link down')
    this.events.emit('change', 'link')
    for (const d of this.dialers.values()) if (d.peerId === session.peer) d.linkDown()
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
        const raw = await signAdvertisement(ad, this.privateKey)
        this.lsdb.offer(ad, raw, performance.now())
        this.recompute()
        this.scheduleFlood()
        this.events.emit('change', 'service')
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
    const flood = ownFlood(this.lsdb, this.sessions.values())
    if (flood === undefined) return
    for (const s of flood.to) {
      s.sendAdvertisement(flood.raw)
      this.metrics.advertisementsSent.inc()
    }
  }

  private async onAdvertisement (from: LinkSession, raw: Uint8Array): Promise<void> {
    const received = await readAdvertisement(raw, this.lsdb)
    if (received.kind === 'held') return
    if (received.kind === 'malformed') {
      this.log.warn({ peer: from.peer, site: from.site, err: received.message }, 'dropping malformed advertisement')
      return
    }
    if (received.kind === 'bad-signature') {
      if (!this.badSignatureLogged.has(from.peer)) {
        this.badSignatureLogged.add(from.peer)
        this.log.warn({ peer: from.peer, site: from.site, origin: received.origin }, 'dropping advertisement with a bad signature (logged once per peer)')
      }
      return
    }
    const ad = received.ad
    const decision = acceptAdvertisement(this.lsdb, ad, raw, performance.now(), from, this.sessions.values(), this.seq)
    if (decision.outbidSeq !== undefined) {
      // Our own advertisement from an earlier run that outlived it: outbid it.
      this.seq = decision.outbidSeq
      if (ad.epoch > this.epoch) this.log.warn({ seenEpoch: ad.epoch, epoch: this.epoch }, 'saw own advertisement from a later boot epoch; is this identity running twice?')
      void this.originate()
      return
    }
    if (decision.result !== undefined) this.metrics.advertisementsReceived.inc({ result: decision.result })
    for (const s of decision.forwardTo) {
      s.sendAdvertisement(raw)
      this.metrics.advertisementsSent.inc()
    }
    // The sender is behind: hand it the newer version we hold.
    if (decision.answer !== undefined) from.sendAdvertisement(decision.answer)
    if (decision.recompute) this.scheduleRecompute()
  }

  private scheduleRecompute (): void {
    if (this.recomputePending) return
    this.recomputePending = true
    setImmediate(() => this.recompute())
  }

  private recompute (): void {
    this.recomputePending = false
    const end = this.metrics.routeComputations.startTimer()
    this.routes = computeRoutes(this.selfId, this.lsdb.advertisements())
    end()
    this.events.emit('change', 'route')
    this.logServiceChanges()
  }

  private lastTargets = new Map<string, string>()

  /** One info line whenever the set of sites that serve a routing key changes. */
  private logServiceChanges (): void {
    const sitesByKey = new Map<string, string[]>()
    for (const ad of this.lsdb.advertisements()) {
      if (this.pathCostTo(ad.origin) === undefined) continue
      for (const svc of ad.services) if (svc.connectors > 0) sitesByKey.set(svc.routingKey, [...(sitesByKey.get(svc.routingKey) ?? []), ad.site])
    }
    const now = new Map([...sitesByKey].map(([key, sites]) => [key, sites.sort().join(',')]))
    for (const key of new Set([...now.keys(), ...this.lastTargets.keys()])) {
      const sites = now.get(key) ?? ''
      if (sites !== (this.lastTargets.get(key) ?? '')) this.log.info({ key, targets: sitesByKey.get(key) ?? [] }, sites === '' ? 'service has no target now' : 'service targets changed')
    }
    this.lastTargets = now
  }

  /** Cost of the lowest-cost path to a router: 0 for this one, undefined when unreachable. */
  private pathCostTo (origin: string): number | undefined {
    return origin === this.selfId ? 0 : this.routes.get(origin)?.cost
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

  /** The open link session to the next hop towards `destination`, if there is a route. */
  private nextHopSession (destination: string): LinkSession | undefined {
    const route = this.routes.get(destination)
    const session = route !== undefined ? this.sessions.get(route.nextHop) : undefined
    return session?.isOpen === true ? session : undefined
  }

  nextHopConnection (destination: string): Connection | undefined {
    return this.nextHopSession(destination)?.connection
  }

  async openTunnelStream (conn: Connection): Promise<Stream> {
    // negotiateFully: false — the protocol is proposed and the stream used at once (net/negotiation.ts).
    return await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false, signal: NO_DEADLINE })
  }

  nextHopResponsive (destination: string): boolean {
    const session = this.nextHopSession(destination)
    // Probes arrive every hello interval: more than two missing is a link in doubt.
    return session !== undefined && session.silentForMs <= 2.5 * this.config.timers.helloIntervalMs
  }

  activity (peer: string, bytesIn: number, bytesOut: number): void {
    if (bytesIn > 0) this.sessions.get(peer)?.touch()
    let c = this.bytesByPeer.get(peer)
    if (c === undefined) {
      c = { in: 0, out: 0 }
      this.bytesByPeer.set(peer, c)
    }
    c.in += bytesIn
    c.out += bytesOut
  }

  /** Bytes over each link since start, by peer (for metrics and the status page). */
  linkBytes (): Map<string, { in: number, out: number }> {
    return this.bytesByPeer
  }

  /** Bytes carried for clients of this site's listeners since start, by routing key. */
  keyBytes (): Map<string, { in: number, out: number }> {
    return this.bytesByKey
  }

  /** The mesh as the link-state database sees it: every router, its services, and two-way links. */
  topology (): { nodes: Array<{ peerId: string, site: string, self: boolean, reachable: boolean, services: Array<{ routingKey: string, connectors: number }> }>, edges: Array<{ a: string, b: string, cost: number }> } {
    const ads = [...this.lsdb.advertisements()]
    const nodes = ads.map(ad => ({
      peerId: ad.origin,
      site: ad.site,
      self: ad.origin === this.selfId,
      reachable: this.pathCostTo(ad.origin) !== undefined,
      services: ad.services.map(s => ({ routingKey: s.routingKey, connectors: s.connectors }))
    })).filter(n => n.reachable)
    const edges: Array<{ a: string, b: string, cost: number }> = []
    for (const [a, links] of buildTopology(ads)) {
      for (const [b, cost] of links) if (a < b && nodes.some(n => n.peerId === a) && nodes.some(n => n.peerId === b)) edges.push({ a, b, cost })
    }
    return { nodes, edges }
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
      const pathCost = this.pathCostTo(ad.origin)
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
    socket.on('error', () => {})
    if (listener.openConnections > listener.config.maxConnections) {
      this.gate.logRefusal(`listener:${key}`, { key, limit: listener.config.maxConnections }, 'listener at its connection limit; refusing new clients')
      this.metrics.connectionFailures.inc({ routing_key: key, reason: 'listener_full' })
      socket.resetAndDestroy()
      return
    }
    const connectionId = newConnectionId()
    const log = this.log.child({ conn: connectionId, key })
    const ranked = rankTargets(this.targetsFor(key), this.rotation++).slice(0, MAX_TARGET_ATTEMPTS)
    let counts = this.bytesByKey.get(key)
    if (counts === undefined) {
      counts = { in: 0, out: 0 }
      this.bytesByKey.set(key, counts)
    }
    const keyCounts = counts
    const countKey = (direction: 'aToB' | 'bToA', n: number): void => {
      if (direction === 'aToB') keyCounts.in += n
      else keyCounts.out += n
    }
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
      try {
        if (target.id === this.selfId) {
          const dialed = await this.connectors.connect(key)
          const early = head.handOver((chunk) => dialed.socket.write(chunk))
          countKey('aToB', early.bytes)
          result = splice(socketEndpoint(socket, 'client', early.ended), socketEndpoint(dialed.socket, 'connector'), { onBytes: countKey })
          this.track(result, () => { socket.resetAndDestroy(); dialed.socket.resetAndDestroy() })
          void result.finally(dialed.release)
        } else {
          const tunnel = await openTunnel(this, key, target.id, this.config.hopLimit, connectionId, head)
          const early = head.handOver((chunk) => { tunnel.stream.send(chunk) })
          countKey('aToB', early.bytes)
          this.activity(tunnel.via, 0, early.bytes)
          result = splice(socketEndpoint(socket, 'client', early.ended), streamEndpoint(tunnel.stream, 'tunnel', (i, o) => this.activity(tunnel.via, i, o)), { initialBToA: tunnel.rest, onBytes: countKey })
          this.track(result, () => { socket.resetAndDestroy(); tunnel.stream.abort(new Error('router stopping')) })
        }
      } catch (err) {
        this.countOpen(key, target.id, -1)
        this.metrics.reforwards.inc({ routing_key: key, reason: err instanceof TunnelRefusedError ? statusName(err.code).toLowerCase() : 'connect_failed' })
        failures.push(`${target.value.site}: ${(err as Error).message}`)
        log.debug({ target: target.value.site, err: (err as Error).message }, 'target failed, trying the next')
        if (!(err instanceof TunnelRefusedError) && target.id !== this.selfId) break
        continue
      }
      log.debug({ target: target.value.site, cost: target.pathCost }, 'client connected')
      this.metrics.connections.inc({ routing_key: key })
      this.events.emit('change', 'connection')
      void result.then((r) => {
        this.countOpen(key, target.id, -1)
        this.events.emit('change', 'connection')
        log.debug({ ...r, target: target.value.site }, 'client connection closed')
      })
      return
    }
    head.discard()
    log.warn({ failures: failures.length > 0 ? failures : undefined }, ranked.length === 0 ? 'no target for routing key; closing client connection' : 'every target failed; closing client connection')
    this.metrics.connectionFailures.inc({ routing_key: key, reason: ranked.length === 0 ? 'no_target' : 'all_targets_failed' })
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
      const [name, dialer] = [...this.dialers].find(([, d]) => d.peerId === s.peer) ?? []
      links.push({ name, peerId: s.peer, site: s.site, cost: s.cost, state: 'up', address: dialer?.config.address, rttMs: s.rttMs, livenessTimeoutMs: s.livenessTimeoutMs, direction: s.opener === this.selfId ? 'outbound' : 'inbound' })
    }
    for (const [name, d] of this.dialers) {
      if (d.peerId !== undefined && seen.has(d.peerId)) continue
      links.push({ name, peerId: d.peerId ?? '', site: d.peerId !== undefined ? this.siteOf(d.peerId) : '', cost: d.config.cost, state: d.state, address: d.config.address, direction: 'outbound' })
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
      listeners: [...this.listeners].map(([name, l]) => ({ name, routingKey: l.config.routingKey, host: l.config.host, port: l.boundPort, openConnections: l.openConnections })),
      connectors: this.connectors.list(),
      openPipes: this.activePipes.size,
      openStreams: this.node.getConnections().reduce((n, c) => n + c.streams.length, 0)
    }
  }
}

/** `base`, or `base-2`, `base-3`… whichever is not taken. */
function uniqueName (base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`
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
