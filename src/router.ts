import { EventEmitter, setMaxListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { RouterConfig } from './config/config.js'
import { ResourceStore } from './config/resource-store.js'
import { LocalConnectors } from './edge/connector.js'
import { CONNECT_TIMEOUT_MS } from './net/constants.js'
import { MembershipGate } from './net/gate.js'
import type { Identity } from './net/identity.js'
import { handleJoin } from './net/join.js'
import { AuthorizedPeers, GrantStore, RevokedPeers, type GrantView, type RevokedPeer } from './net/membership.js'
import { createNode } from './net/node.js'
import type { SpliceResult } from './net/splice.js'
import { OriginVerifier, TunnelSigner } from './net/origin-proof.js'
import { handleTunnelStream, newConnectionId, openTunnel, reopenTunnel, type DeliveredConnection, type OriginAdmission, type TrackInfo, type TunnelCaller, type TunnelHost, type TunnelOptions } from './net/tunnel.js'
import type { ResumableEndpoint } from './net/resume.js'
import { DEFAULT_MAX_BUFFERED_BYTES } from './net/resume-constants.js'
import { HeldTunnels, resumeFromIngress, type ResumeDriver, type ResumeSettings } from './net/tunnel-resume.js'
import { transitsTo } from './core/spf.js'
import type { TunnelHeader } from './wire/codec.js'
import { FEATURE_ORIGIN_PROOF, FEATURE_RESUME } from './core/types.js'
import { FlowRing, type FlowEnd, type FlowFilter, type FlowRecord, type MeshFlows } from './core/flow-ring.js'
import { JOIN_PROTOCOL, LINK_PROTOCOL, TUNNEL_PROTOCOL } from './wire/constants.js'
import { encodeToken } from './wire/token.js'
import { Metrics } from './api/metrics.js'
import { ResourceError, type ApiRouter, type Revocation, type RouterStatus, type ServiceTraffic, type SitePairTraffic } from './api/types.js'
import { TunnelAccess } from './router/access.js'
import { Ingress } from './router/ingress.js'
import { Links } from './router/links.js'
import { MeshFlowQueries } from './router/mesh-flows.js'
import { Resources } from './router/resources.js'
import { resolveRevokeTarget, type KnownPeer } from './router/revocation.js'
import { Routing } from './router/routing.js'
import { SitePairs, projectServiceTraffic } from './router/site-pairs.js'
import { SitePins } from './router/site-pins.js'
import { projectStatus, projectTopology, type Topology } from './router/status.js'
import { Ticker } from './router/ticker.js'
import { WorkerPlane } from './router/worker-plane.js'
import { deliverToConnector } from './router/deliver.js'

/**
 * Opening a tunnel stream waits for nothing on the network (net/libp2p-patches),
 * so it needs no deadline; but without a signal libp2p makes a 10 s timeout
 * signal for every stream (18 µs each here, and a timer alive for 10 s).
 */
const NO_DEADLINE = new AbortController().signal
setMaxListeners(Infinity, NO_DEADLINE)

/** On SIGTERM, at most this long for the neighbours to route around this site before resumable tunnels crossing it are moved. */
const TRANSIT_MOVE_WAIT_MS = 500
/**
 * ...and at least this long: the old path still carries the tunnels
 * meanwhile, so waiting costs nothing, while ends that resume before every
 * router has acted on the withdrawal (routes, flooding) compete with that
 * work for the CPU (SIGTERM of a transit, 10 held connections: longest pause
 * ~160–215 ms with 20 ms, ~95–125 ms with 100 ms and the linger below).
 */
const TRANSIT_MOVE_MIN_WAIT_MS = 100
/**
 * After moving tunnels, the links stay up this long before the router
 * closes them: the ends tearing down a link (its streams, redials) while
 * they resume added ~50 ms to every pause.
 */
const TRANSIT_MOVE_LINGER_MS = 300

/** How often the link-state database is checked for max age and refresh. */
const HOUSEKEEPING_INTERVAL_MS = 1000

/**
 * One site's router: the wiring of its parts. Routing (the link-state engine's
 * driver) is the single writer of routing state; links feed it sessions and
 * advertisements, the ingress and the tunnel host read it, and the status is a
 * projection of all of them. The ticker owns the periodic timers.
 */
export class Router implements TunnelHost, ApiRouter {
  readonly selfId: string
  readonly site: string
  readonly metrics = new Metrics(this)
  /** 'change' (kind: link | route | service | connection) whenever something a status reader shows changed. */
  readonly events = new EventEmitter().setMaxListeners(1000)
  readonly connectors: LocalConnectors
  authorized!: AuthorizedPeers
  grants!: GrantStore
  revoked!: RevokedPeers
  readonly signer: TunnelSigner
  private pins!: SitePins
  /** A reachable router of an earlier release (no origin proofs) is in the mesh. */
  private legacyRoutersPresent = false
  private access!: TunnelAccess
  private meshFlows!: MeshFlowQueries
  private readonly ticker: Ticker
  private readonly routing: Routing
  private readonly links: Links
  private readonly ingress: Ingress
  private resources!: Resources
  private gate!: MembershipGate
  private node!: Libp2p
  private readonly epoch: number
  private readonly privateKey: PrivateKey
  private readonly activePipes = new Map<Promise<SpliceResult>, { reset: () => void, ends: readonly string[], resumableTransit: boolean }>()
  /** Resumption at this router's tunnel ends (timers.resumeTimeoutMs > 0). */
  readonly resumeSettings?: ResumeSettings
  readonly held = new HeldTunnels()
  /** Resumable tunnel ends of this site's own clients, while their pipes run. */
  private readonly ingressEnds = new Set<ResumableEndpoint>()
  private stopping = false
  /** Finished connections at this site, as ingress or destination (GET /v1/flows). */
  readonly flows: FlowRing
  /** Traffic by site pair and key that this site carried as ingress or destination (the console's pair edges). */
  private readonly pairs = new SitePairs()
  /** The site's replay guard for origin proofs, its workers' included. */
  private readonly verifier = new OriginVerifier()
  /** Processes that carry tunnels: this one and workers - 1 worker processes. */
  private readonly workerCount: number
  private workers?: WorkerPlane

  /** `accessLog`: where the destination's one line per connection goes (none: not written). */
  constructor (readonly config: RouterConfig, identity: Identity, readonly log: Logger, private readonly accessLog?: Logger) {
    this.flows = new FlowRing(config.flows.ringSize)
    this.workerCount = config.workers === 'auto' ? availableParallelism() : config.workers
    if (config.timers.resumeTimeoutMs > 0) this.resumeSettings = { timeoutMs: config.timers.resumeTimeoutMs, unreachableMs: config.timers.resumeUnreachableMs, bufferBytes: DEFAULT_MAX_BUFFERED_BYTES }
    this.selfId = identity.peerId.toString()
    this.site = config.site
    this.epoch = identity.epoch
    this.privateKey = identity.privateKey
    this.signer = new TunnelSigner(identity.privateKey)
    this.ticker = new Ticker(Math.min(config.timers.helloIntervalMs, HOUSEKEEPING_INTERVAL_MS))
    this.connectors = new LocalConnectors(CONNECT_TIMEOUT_MS, (c) => {
      this.log.info({ key: c.routingKey, connector: `${c.host}:${c.port}` }, c.healthy ? 'connector answers again; offering it to the mesh' : 'connector does not answer; withdrawing it from the mesh')
      if (!this.stopping) void this.routing.originate()
    })
    const { timers } = config
    this.routing = new Routing({ selfId: this.selfId, site: this.site, epoch: this.epoch, privateKey: identity.privateKey, maxAgeMs: timers.maxAgeMs, refreshIntervalMs: timers.refreshIntervalMs, localServices: () => this.connectors.summary(), metrics: this.metrics, events: this.events, log, now: () => this.ticker.now(), refusedOrigin: (origin) => this.isRevoked(origin), resumable: config.timers.resumeTimeoutMs > 0, workerAddresses: () => this.workers?.addresses() ?? [] })
    this.links = new Links({ selfId: this.selfId, site: this.site, epoch: this.epoch, timers, routing: this.routing, events: this.events, log })
    this.ingress = new Ingress({
      selfId: this.selfId,
      targets: (key) => this.routing.engine.targets(key),
      connectLocal: async (key) => await this.connectors.connect(key),
      openTunnel: async (key, destination, connectionId, head, options) => await openTunnel(this, key, destination, config.hopLimit, connectionId, head, options),
      trusts: (trust, target) => this.access.trusts(trust, target, this.selfId),
      now: () => this.ticker.now(),
      activity: (peer, i, o) => this.links.activity(peer, i, o),
      track: (pipe, reset, ends) => this.track(pipe, reset, ends),
      count: (e) => {
        if ('carried' in e) {
          this.metrics.connections.inc({ routing_key: e.carried })
          this.metrics.flowsOpened.inc(this.metrics.sitePairs.labels(this.site, e.target, e.carried))
        }
        else if ('failed' in e) this.metrics.connectionFailures.inc({ routing_key: e.failed, reason: e.reason })
        else this.metrics.reforwards.inc({ routing_key: e.reforwarded, reason: e.reason })
      },
      changed: () => this.events.emit('change', 'connection'),
      logRefusal: (key, fields, msg) => this.gate.logRefusal(key, fields, msg),
      log,
      newConnectionId,
      flowEnded: (f) => this.recordFlow('ingress', f),
      pairOpened: (key, target, live) => this.pairs.opened(this.selfId, target, key, live),
      resumeFor: (routingKey, destination, connectionId) => this.resumeFor(routingKey, destination, connectionId),
      resumableEnd: (layer, pipe) => {
        this.ingressEnds.add(layer)
        void pipe.finally(() => this.ingressEnds.delete(layer))
      }
    })
  }

  async start (): Promise<void> {
    const { config } = this
    this.authorized = await AuthorizedPeers.load(config.dataDir)
    this.grants = await GrantStore.load(config.dataDir)
    this.revoked = await RevokedPeers.load(config.dataDir)
    this.gate = new MembershipGate(this.authorized, config.limits, this.log, this.revoked)
    this.pins = await SitePins.load(config.dataDir, (c) => this.log.warn(c, 'a peer calls itself by a site name already bound to another identity here; allow and trust rules do not match it'), (err) => this.log.error({ err }, 'cannot write site-pins'))
    this.pins.observe(this.site, this.selfId, 'self')
    for (const p of this.authorized.list()) this.pins.observe(p.site, p.peerId, 'joined')
    this.access = new TunnelAccess({
      advertisement: (peer) => this.routing.engine.lsdb.get(peer)?.ad,
      isRevoked: (peer) => this.isRevoked(peer),
      legacyRoutersPresent: () => this.legacyRoutersPresent,
      pins: this.pins,
      verifier: this.verifier,
      wallClock: () => this.wallClock(),
      denied: (caller, key, reason, detail) => {
        this.metrics.tunnelsDenied.inc({ routing_key: key, reason })
        this.gate.logRefusal(`denied:${caller.peer}:${key}`, { callerPeer: caller.peer, callerSite: caller.site, key, reason, detail }, 'tunnel denied')
      }
    })
    this.meshFlows = new MeshFlowQueries({
      selfId: this.selfId,
      site: this.site,
      ring: this.flows,
      readers: config.flows.readers,
      pinned: this.access.pinned,
      isRevoked: (peer) => this.isRevoked(peer),
      reachable: () => [...this.routing.engine.lsdb.advertisements()]
        .filter(ad => ad.origin !== this.selfId && this.reachable(ad.origin))
        .map(ad => ({ peer: ad.origin, site: ad.site, features: ad.features ?? 0 })),
      // Its own listeners' traffic (it is the ingress): the one end that knows the client side of each pair.
      pairs: () => this.sitePairTraffic().filter(p => p.fromPeer === this.selfId).map(({ toPeer, toSite, key, bytesIn, bytesOut, open }) => ({ toPeer, toSite, key, bytesIn, bytesOut, open })),
      host: this,
      hopLimit: config.hopLimit
    })
    // A held connection whose ingress has no route left is given up after resumeUnreachableMs (it died, or no path remains).
    this.events.on('change', (kind: string) => {
      const settings = this.resumeSettings
      if (kind !== 'route' || settings === undefined || this.held.size === 0) return
      setTimeout(() => { this.held.abandonUnreachable((peer) => this.reachable(peer), `the ingress has been unreachable for ${settings.unreachableMs} ms`) }, settings.unreachableMs).unref()
    })
    // Names are bound on first sight: every verified advertisement's site name is offered to the pins.
    this.events.on('change', (kind: string) => {
      if (kind !== 'route') return
      let legacy = false
      for (const ad of this.routing.engine.lsdb.advertisements()) {
        this.pins.observe(ad.site, ad.origin, 'advertised')
        if (((ad.features ?? 0) & FEATURE_ORIGIN_PROOF) === 0 && this.reachable(ad.origin)) legacy = true
      }
      this.legacyRoutersPresent = legacy
    })
    this.resources = new Resources({ store: await ResourceStore.load(config.dataDir), connectors: this.connectors, links: this.links, onClient: (socket, l) => {
      const workers = this.workers
      void this.ingress.onClient(socket, l, workers === undefined ? undefined : (plan) => workers.dispatch(socket, plan))
    }, originate: async () => await this.routing.originate(), log: this.log })
    // Bind local listeners first: a port in use should fail before we join the mesh.
    await this.resources.startLocal(config)
    const maxStreams = config.limits.tunnelsPerPeer + 16
    this.node = await createNode({ privateKey: this.privateKey, listen: config.listen, maxStreamsPerConnection: maxStreams, log: this.log })
    this.links.attach(this.node, this.authorized, (peer) => this.isRevoked(peer))
    // Only members link or tunnel; anyone may try to redeem a token, briefly.
    this.node.addEventListener('connection:open', (evt) => this.gate.watchConnection(evt.detail))
    await this.node.handle(JOIN_PROTOCOL, (stream, conn) => { void handleJoin(this, stream, conn) }, { maxInboundStreams: 2, maxOutboundStreams: 2 })
    await this.node.handle(LINK_PROTOCOL, (stream, conn) => {
      if (this.gate.admit(stream, conn)) void this.links.acceptLink(stream, conn)
    }, { maxInboundStreams: 4, maxOutboundStreams: 4 })
    await this.node.handle(TUNNEL_PROTOCOL, (stream, conn) => {
      if (this.gate.admit(stream, conn) && this.gate.admitTunnel(stream, conn)) void handleTunnelStream(this, stream, conn)
    }, { maxInboundStreams: maxStreams, maxOutboundStreams: maxStreams })
    if (this.workerCount > 1) await this.startWorkers(maxStreams)
    await this.routing.originate()
    this.resources.startLinks(config.links)
    const { timers } = config
    this.connectors.startProbing(timers.connectorProbeIntervalMs)
    this.ticker.every(timers.helloIntervalMs, (now) => this.links.tick(now))
    this.ticker.every(HOUSEKEEPING_INTERVAL_MS, (now) => this.routing.tick(now))
    if (timers.connectorProbeIntervalMs > 0) this.ticker.every(timers.connectorProbeIntervalMs, () => { void this.connectors.probeAll() })
    this.ticker.start()
  }

  /** Starts workerCount - 1 workers (router/worker-plane.ts); they are told every change from now on. */
  private async startWorkers (maxStreams: number): Promise<void> {
    const { config } = this
    const workers = new WorkerPlane({
      selfId: this.selfId,
      site: this.site,
      log: this.log,
      metrics: this.metrics,
      ingress: this.ingress,
      pairs: this.pairs,
      changed: () => this.events.emit('change', 'connection'),
      listener: (name) => this.resources.listeners.get(name),
      recordFlow: (side, flow) => this.recordFlow(side, flow),
      replay: (proof, expiresAt) => this.verifier.remember(proof, expiresAt, this.wallClock()),
      reoriginate: () => { if (!this.stopping) void this.routing.originate() },
      routes: () => this.routing.engine.routes(),
      advertisements: () => this.routing.engine.lsdb.advertisements(),
      neighbours: () => [...this.links.sessions()].filter(s => s.isOpen).map(s => [s.peer, s.silentForMs <= 2.5 * config.timers.helloIntervalMs]),
      members: () => this.authorized.list().map(p => p.peerId).filter(p => !this.isRevoked(p)),
      revoked: () => this.revoked.list().map(p => p.peerId),
      legacy: () => this.legacyRoutersPresent,
      pins: () => this.pins.list().map(p => [p.site, p.peerId]),
      connectors: () => this.connectors.list(),
      siteOf: (peer) => this.siteOf(peer)
    }, {
      count: this.workerCount - 1,
      listen: config.listen,
      advertise: config.advertise,
      init: {
        site: this.site,
        selfId: this.selfId,
        privateKey: privateKeyToProtobuf(this.privateKey),
        limits: { ...config.limits, tunnelsPerPeer: maxStreams - 16 },
        hopLimit: config.hopLimit,
        resume: this.resumeSettings,
        helloIntervalMs: config.timers.helloIntervalMs,
        logLevel: config.logLevel
      }
    })
    this.workers = workers
    this.events.on('change', () => workers.pushStateSoon())
    await workers.start()
  }

  /**
   * Stops the router gracefully: stop accepting clients, withdraw this site's
   * links and services from the mesh (every router routes around it at once),
   * give in-flight connections up to drainMs to finish, reset the rest, close.
   */
  async stop (): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    this.ticker.stop()
    this.resources?.closeListeners()
    this.links.stop()
    await this.routing.withdraw()
    // Tunnels that only cross this site and can resume: cut once the mesh has routed around it, so both ends resume elsewhere at once.
    const transits = [...this.activePipes.values()].filter(p => p.resumableTransit)
    const workers = this.workers
    if (transits.length > 0 || workers !== undefined) {
      await this.routesSettled()
      if (transits.length > 0) this.log.info({ tunnels: transits.length }, 'moving resumable tunnels that cross this site to other paths')
      for (const p of transits) p.reset()
      workers?.cutTransits()
    }
    const { drainMs } = this.config.timers
    const workersStopped = workers?.stop(drainMs)
    const drainUntil = this.ticker.now() + drainMs
    if (this.activePipes.size > 0) this.log.info({ open: this.activePipes.size, drainMs }, 'draining open connections')
    while (this.activePipes.size > 0 && this.ticker.now() < drainUntil) {
      await Promise.race([...this.activePipes.keys(), new Promise(resolve => setTimeout(resolve, Math.max(1, drainUntil - this.ticker.now())))])
    }
    if (this.activePipes.size > 0) this.log.warn({ open: this.activePipes.size }, 'drain period over; resetting open connections')
    for (const { reset } of this.activePipes.values()) reset()
    // Let the withdrawal and the resets reach the wire before the connections close; after moving tunnels,
    // long enough for their ends to resume first.
    await new Promise(resolve => setTimeout(resolve, transits.length > 0 ? TRANSIT_MOVE_LINGER_MS : 20))
    await workersStopped
    this.routing.stop()
    await this.node.stop()
  }

  /**
   * After the withdrawal: waits for it to reach the mesh (three round trips
   * of the slowest link, at least TRANSIT_MOVE_MIN_WAIT_MS, at most TRANSIT_MOVE_WAIT_MS), so the
   * ends of a cut tunnel find a route that avoids this site.
   */
  private async routesSettled (): Promise<void> {
    // The withdrawal is one flood: a few round trips of the slowest link reach every neighbour (and, routes
    // being two-way checked, every router stops using this site's links as soon as it hears it).
    const rtts = [...this.links.sessions()].map(s => s.rttMs ?? 0)
    const wait = Math.min(TRANSIT_MOVE_WAIT_MS, Math.max(TRANSIT_MOVE_MIN_WAIT_MS, 3 * Math.max(0, ...rtts)))
    await new Promise(resolve => setTimeout(resolve, wait))
  }

  get ready (): boolean {
    return this.node !== undefined && !this.stopping
  }

  get addresses (): string[] {
    return this.node.getMultiaddrs().map(ma => ma.toString())
  }

  /** A join token for this site: its addresses, its peer id and a new grant. */
  async issueToken (expiresInMs: number, uses: number): Promise<{ token: string, expiresAt: string, id: string }> {
    const expiresAtMs = Date.now() + expiresInMs
    const grant = await this.grants.issue(expiresAtMs, uses)
    const addresses = this.config.advertise.length > 0 ? this.config.advertise.map(a => `${a}/p2p/${this.selfId}`) : this.addresses
    const token = encodeToken({ issuer: this.selfId, issuerSite: this.site, addresses, grantId: grant.id, secret: grant.secret, expiresAt: Math.floor(expiresAtMs / 1000) })
    this.log.info({ expiresAt: new Date(expiresAtMs).toISOString(), uses }, 'join token issued')
    return { token, expiresAt: new Date(expiresAtMs).toISOString(), id: Buffer.from(grant.id).toString('hex') }
  }

  /** Grants that can still be redeemed (never their secrets). */
  listTokens (): GrantView[] {
    return this.grants.list(Date.now())
  }

  async revokeToken (id: string): Promise<void> {
    if (!/^[0-9a-fA-F]{32}$/.test(id) || !await this.grants.void(id, Date.now())) {
      throw new ResourceError(404, 'id', `no token with id ${id} that can still be revoked (portmesh token list shows them)`)
    }
    this.log.info({ id }, 'join token revoked')
  }

  // ---- revocation: at once, and lasting across restarts (revoked-peers in the data dir) ----

  isRevoked (peerId: string): boolean {
    return this.revoked?.has(peerId) ?? false
  }

  revocations (): RevokedPeer[] {
    return this.revoked.list()
  }

  /**
   * Revokes a site by name or peer id: recorded first (so nothing below can
   * let it back in), then its advertisement dropped, its links stopped and
   * every connection to it aborted (with the tunnels on them), then it is
   * removed from authorized-peers and every grant it redeemed is voided.
   * Link resources that target it stay configured and show as revoked.
   */
  async revoke (target: string): Promise<Revocation> {
    const known: KnownPeer[] = [
      ...this.authorized.list().map(p => ({ peerId: p.peerId, site: p.site, source: 'authorized-peers' })),
      ...[...this.routing.engine.lsdb.advertisements()].map(ad => ({ peerId: ad.origin, site: ad.site, source: 'mesh' })),
      ...[...this.links.sessions()].map(s => ({ peerId: s.peer, site: s.site, source: 'link' })),
      ...this.revoked.list().map(p => ({ peerId: p.peerId, site: p.site, source: 'revoked-peers' }))
    ]
    const { peerId, site } = resolveRevokeTarget(target, { peerId: this.selfId, site: this.site }, known, (p) => this.isRevoked(p))
    const alreadyRevoked = this.isRevoked(peerId)
    const entry = await this.revoked.add(peerId, site, new Date())
    this.routing.forget(peerId)
    const connections = this.node.getConnections().filter(c => c.remotePeer.toString() === peerId && c.status === 'open')
    const linksStopped = this.links.revokePeer(peerId, 'peer revoked here')
    for (const conn of connections) conn.abort(new Error('peer revoked here'))
    const connectionsClosed = connections.length
    this.workers?.revoke(peerId)
    // Tunnels it opened or serves that reach this site through a third one.
    let tunnelsReset = 0
    for (const { reset, ends } of this.activePipes.values()) {
      if (ends.includes(peerId)) { reset(); tunnelsReset++ }
    }
    this.pins.release(peerId)
    const wasAuthorized = await this.authorized.remove(peerId) !== undefined
    const grantsVoided = await this.grants.voidRedeemedBy(peerId, Date.now())
    this.events.emit('change', 'link')
    this.log.warn({ peer: peerId, site: entry.site, linksStopped, connectionsClosed, tunnelsReset, wasAuthorized, grantsVoided: grantsVoided.length }, alreadyRevoked ? 'peer revoked again' : 'peer revoked: links closed, tunnels denied, grants voided')
    return { peerId, site: entry.site, revokedAt: entry.revokedAt, alreadyRevoked, wasAuthorized, linksStopped, connectionsClosed, grantsVoided }
  }

  // ---- admin API changes (applied at once, stored in the data dir) ----
  createListener: ApiRouter['createListener'] = async (cfg) => await this.resources.createListener(cfg)
  deleteListener: ApiRouter['deleteListener'] = async (name) => await this.resources.deleteListener(name)
  createConnector: ApiRouter['createConnector'] = async (cfg) => await this.resources.createConnector(cfg)
  deleteConnector: ApiRouter['deleteConnector'] = async (name) => await this.resources.deleteConnector(name)
  createLink: ApiRouter['createLink'] = async (cfg) => await this.resources.createLink(cfg)
  deleteLink: ApiRouter['deleteLink'] = async (nameOrPeer) => await this.resources.deleteLink(nameOrPeer)

  // ---- the tunnel host ----

  nextHop (destination: string): string | undefined {
    return this.links.nextHop(destination)?.peer
  }

  async openTunnelStream (destination: string): Promise<{ stream: Stream, via: string }> {
    const session = this.links.nextHop(destination)
    if (session === undefined) throw new Error('no route')
    // negotiateFully: false — the protocol is proposed and the stream used at once.
    return { stream: await session.connection.newStream(TUNNEL_PROTOCOL, { negotiateFully: false, signal: NO_DEADLINE }), via: session.peer }
  }

  nextHopResponsive (destination: string): boolean {
    const session = this.links.nextHop(destination)
    // Probes arrive every hello interval: more than two missing is a link in doubt.
    return session !== undefined && session.silentForMs <= 2.5 * this.config.timers.helloIntervalMs
  }

  wallClock (): number {
    return Date.now()
  }

  admitOrigin (header: TunnelHeader, from: string): OriginAdmission {
    return this.access.admitOrigin(header, from)
  }

  async deliver (routingKey: string, caller: TunnelCaller): Promise<DeliveredConnection> {
    return await deliverToConnector(this.connectors, this.access, this.selfId, routingKey, caller, (from, to, key, live) => this.pairs.opened(from, to, key, live))
  }

  activity (peer: string, bytesIn: number, bytesOut: number): void {
    this.links.activity(peer, bytesIn, bytesOut)
  }

  flowEnded (f: FlowEnd): void {
    this.recordFlow('destination', f)
  }

  // ---- resumable tunnels (net/tunnel-resume.ts) ----

  /** A route to `peer` exists now. */
  private reachable (peer: string): boolean {
    return this.routing.engine.pathCostTo(peer) !== undefined
  }

  /** Whether `peer` and every router on the route to it can carry a resume. */
  private resumablePath (peer: string): boolean {
    const { engine } = this.routing
    const supports = (p: string): boolean => ((engine.lsdb.get(p)?.ad.features ?? 0) & FEATURE_RESUME) !== 0
    if (!supports(peer)) return false
    const transits = transitsTo(engine.routes(), peer)
    return transits !== undefined && transits.every(supports)
  }

  private routeChangeOr (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.events.off('change', onChange)
        resolve()
      }
      const onChange = (kind: string): void => { if (kind === 'route') done() }
      const timer = setTimeout(done, ms)
      this.events.on('change', onChange)
    })
  }

  /** What the ingress's resume loops need from this router (built once). */
  private resumeDriver?: ResumeDriver

  private resumeFor (routingKey: string, destination: string, connectionId: number): TunnelOptions['resumable'] {
    const settings = this.resumeSettings
    if (settings === undefined || !this.resumablePath(destination)) return undefined
    const driver = this.resumeDriver ??= {
      settings,
      reachable: (peer) => this.reachable(peer),
      resumablePath: (peer) => this.resumablePath(peer),
      routeChangeOr: async (ms) => await this.routeChangeOr(ms),
      now: () => performance.now(),
      reopen: async (t, received) => await reopenTunnel(this, t.routingKey, t.destination, this.config.hopLimit, t.connectionId, received),
      log: this.log
    }
    return { onBroken: (layer, reason) => { void resumeFromIngress(driver, layer, { routingKey, destination, connectionId }, reason).then(result => this.metrics.tunnelResumes.inc({ result })) } }
  }

  resumeStats (): { ends: number, suspended: number, bufferedBytes: number } {
    let ends = 0
    let suspended = 0
    let bufferedBytes = 0
    for (const set of [this.ingressEnds, this.held.layers()]) {
      for (const l of set) {
        ends++
        if (l.state === 'suspended') suspended++
        bufferedBytes += l.bufferedBytes + l.queuedInboundBytes
      }
    }
    const w = this.workers?.totals().resume
    return { ends: ends + (w?.ends ?? 0), suspended: suspended + (w?.suspended ?? 0), bufferedBytes: bufferedBytes + (w?.bufferedBytes ?? 0) }
  }

  flowQuery (peer: string): ReturnType<MeshFlowQueries['flowQuery']> {
    return this.meshFlows.flowQuery(peer)
  }

  /** `flows --mesh`: this site's records and those of every reachable member that shares them with it. */
  async meshFlowRecords (filter: FlowFilter): Promise<MeshFlows> {
    return await this.meshFlows.ask(filter)
  }

  /**
   * One finished connection: into the ring, and at its destination (a local
   * connector of this site's own listener included) into the access log.
   * Both ends' clocks are performance.now(), as the ticker's.
   */
  private recordFlow (side: FlowRecord['side'], f: FlowEnd): void {
    if (side === 'ingress') this.countSitePair(f)
    // Flow records off (a ring of 0) and no access log: none is built.
    if (this.flows.size === 0 && this.accessLog === undefined) return
    const { startedAtMs, ingressPeer, ...rest } = f
    const endMs = Date.now()
    const durationMs = Math.max(0, Math.round(performance.now() - startedAtMs))
    const peer = ingressPeer ?? this.selfId
    const record: FlowRecord = {
      side,
      ...rest,
      start: new Date(endMs - durationMs).toISOString(),
      end: new Date(endMs).toISOString(),
      durationMs,
      ingressSite: peer === this.selfId ? this.site : this.siteOf(peer),
      ingressPeer: peer,
      ...(side === 'destination' ? { targetSite: this.site, targetPeer: this.selfId } : {})
    }
    this.flows.push(record)
    if (this.accessLog !== undefined && (side === 'destination' || record.targetPeer === this.selfId)) this.accessLog.info(record, 'access')
  }

  /** The site-pair metrics of a finished connection at this site's listener (its opening was counted when it was carried). */
  private countSitePair (r: FlowEnd): void {
    const labels = this.metrics.sitePairs.labels(this.site, r.targetSite ?? 'none', r.key)
    if (r.bytesIn > 0) this.metrics.flowBytes.inc({ ...labels, direction: 'in' }, r.bytesIn)
    if (r.bytesOut > 0) this.metrics.flowBytes.inc({ ...labels, direction: 'out' }, r.bytesOut)
    if (r.result !== 'closed') this.metrics.flowFailures.inc({ ...labels, reason: (r.status ?? r.result).toLowerCase() })
  }

  track (pipe: Promise<SpliceResult>, reset: () => void, ends?: readonly string[], info?: TrackInfo): void {
    this.activePipes.set(pipe, { reset, ends: ends ?? [], resumableTransit: info?.resumableTransit === true })
    void pipe.then(() => this.activePipes.delete(pipe))
  }

  // ---- what readers see ----

  /** Bytes over each link since start, by peer (for metrics and the status page). */
  linkBytes (): Map<string, { in: number, out: number }> {
    return this.workers?.mergeBytes(this.links.bytesByPeer, 'linkBytes') ?? this.links.bytesByPeer
  }

  /** Bytes carried for clients of this site's listeners since start, by routing key. */
  keyBytes (): Map<string, { in: number, out: number }> {
    return this.workers?.mergeBytes(this.ingress.bytesByKey, 'keyBytes') ?? this.ingress.bytesByKey
  }

  /**
   * Traffic between pairs of sites by routing key: as this site knows it
   * today, the connections of its own listeners (finished and open, open
   * ones live) and the tunnels from other sites that end at its connectors.
   */
  sitePairTraffic (): SitePairTraffic[] {
    return this.pairs.snapshot((peer) => peer === this.selfId ? this.site : this.siteOf(peer))
  }

  /** Per routing key of this site's listeners (and fallbacks), each target's open connections and bytes from here; `pairs`: a snapshot of sitePairTraffic() the caller already took. */
  serviceTraffic (pairs: readonly SitePairTraffic[] = this.sitePairTraffic()): ServiceTraffic[] {
    const keys = [...(this.resources?.listeners.values() ?? [])].flatMap(l => [l.config.routingKey, ...(l.config.fallback ?? [])])
    return projectServiceTraffic(this.selfId, keys, (key) => this.ingress.candidates(key), pairs)
  }

  private siteOf (peer: string): string {
    return this.routing.engine.lsdb.get(peer)?.ad.site ?? this.links.session(peer)?.site ?? ''
  }

  topology (): Topology {
    const { engine } = this.routing
    return projectTopology([...engine.lsdb.advertisements()], this.selfId, (peer) => engine.pathCostTo(peer))
  }

  status (): RouterStatus {
    const { engine } = this.routing
    return projectStatus({
      site: this.site,
      peerId: this.selfId,
      epoch: this.epoch,
      addresses: this.addresses,
      sessions: [...this.links.sessions()].filter(s => s.isOpen).map(s => ({ peer: s.peer, site: s.site, cost: s.cost, opener: s.opener, rttMs: s.rttMs, livenessTimeoutMs: s.livenessTimeoutMs })),
      dialers: [...this.links.dialers].map(([name, d]) => ({ name, peerId: d.peerId, state: d.state, address: d.config.address, cost: d.config.cost })),
      routes: engine.routes(),
      siteOf: (peer) => this.siteOf(peer),
      workersOf: (peer) => engine.lsdb.get(peer)?.ad.dataProcesses?.length ?? 0,
      services: [...engine.routingKeys()].map(routingKey => ({ routingKey, candidates: this.ingress.candidates(routingKey) })),
      listeners: [...(this.resources?.listeners ?? [])].map(([name, l]) => ({
        name,
        routingKey: l.config.routingKey,
        host: l.config.host,
        port: l.boundPort,
        openConnections: l.openConnections,
        trust: l.config.trust.length === 0 ? 'every member' : this.access.resolve(l.config.trust),
        untrusted: l.config.trust.length === 0 ? [] : engine.targets(l.config.routingKey).filter(t => !this.access.trusts(l.config.trust, t.id, this.selfId)).map(t => ({ site: t.site, peerId: t.id })),
        fallback: [...(l.config.fallback ?? [])],
        activeKey: this.ingress.activeKey(l)
      })),
      connectors: this.connectors.list().map(({ allow, ...c }) => ({ ...c, allow: allow.length === 0 ? 'every member' as const : this.access.resolve(allow) })),
      nameConflicts: this.pins.nameConflicts(),
      openPipes: this.activePipes.size + (this.workers?.totals().openPipes ?? 0),
      openStreams: this.node.getConnections().reduce((n, c) => n + c.streams.length, 0) + (this.workers?.totals().openStreams ?? 0),
      workers: this.workers?.status() ?? []
    })
  }
}
