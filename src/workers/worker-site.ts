import type { Socket } from 'node:net'
import type { Server } from 'node:net'
import { rmSync } from 'node:fs'
import type { Libp2p, Stream } from '@libp2p/interface'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import type { Logger } from 'pino'
import { LocalConnectors } from '../edge/connector.js'
import { deliverToConnector } from '../router/deliver.js'
import { CONNECT_TIMEOUT_MS } from '../net/constants.js'
import { MembershipGate } from '../net/gate.js'
import { createNode } from '../net/node.js'
import { OriginVerifier, TunnelSigner, ORIGIN_PROOF_WINDOW_MS } from '../net/origin-proof.js'
import { socketEndpoint, splice, streamEndpoint, type SpliceResult } from '../net/splice.js'
import { handleTunnelStream, newConnectionId, openTunnel, reopenTunnel, resumeHeld, type DeliveredConnection, type OriginAdmission, type TrackInfo, type TunnelCaller, type TunnelHost, type TunnelOptions } from '../net/tunnel.js'
import type { ResumableEndpoint } from '../net/resume.js'
import { HeldTunnels, resumeFromIngress, type ResumeDriver, type ResumeSettings } from '../net/tunnel-resume.js'
import { TunnelAccess } from '../router/access.js'
import { Ingress } from '../router/ingress.js'
import { FEATURE_RESUME } from '../core/types.js'
import type { FlowEnd } from '../core/flow-ring.js'
import type { TunnelHeader } from '../wire/codec.js'
import { TUNNEL_PROTOCOL } from '../wire/constants.js'
import { WorkerLinks } from './worker-links.js'
import { listenForRelays, relayTo } from './resume-relay.js'
import type { ClientMessage, Command, FromWorker, InitMessage, PeerView, StateMessage, WorkerEvent, WorkerStats } from './protocol.js'

/** How often a worker tells its router its counts while anything changed. */
const STATS_INTERVAL_MS = 250
/** A replay check or a resume lookup not answered by the router within this is refused. */
const ROUTER_ANSWER_TIMEOUT_MS = 2_000

/**
 * One worker of a site: a libp2p host with the site's identity on its own
 * port, carrying the tunnels of the clients its router hands it and of the
 * neighbours' workers that connect to it, with the same tunnel code as the
 * router (net/tunnel.ts, router/ingress.ts). It decides nothing about routes,
 * membership or access on its own: the router's state message (protocol.ts)
 * says all of it, and every count, flow record and denial goes back to the
 * router, so the site shows one view.
 *
 * Workers form a plane of their own: a worker opens tunnels only to the
 * workers of the next hop, never to a router's links, so a tunnel that
 * starts in a worker stays in workers end to end and resumes there (another
 * worker of the destination site relays a resume to the one holding the
 * connection: resume-relay.ts).
 */
export class WorkerSite implements TunnelHost {
  readonly selfId: string
  readonly signer: TunnelSigner
  readonly resumeSettings?: ResumeSettings
  readonly held = new HeldTunnels()
  private node!: Libp2p
  private links!: WorkerLinks
  private relayServer?: Server
  private readonly gate: MembershipGate
  private readonly access: TunnelAccess
  private readonly proofs = new OriginVerifier()
  private readonly ingress: Ingress
  private readonly connectors = new LocalConnectors(CONNECT_TIMEOUT_MS)
  private readonly index: number

  private routes = new Map<string, { nextHop: string, transits: string[] }>()
  private peers = new Map<string, PeerView>()
  private neighbours = new Map<string, boolean>()
  private members = new Set<string>()
  private revoked = new Set<string>()
  private pins = new Map<string, string>()
  private legacy = false
  private routeWaiters: Array<() => void> = []

  private readonly pipes = new Map<Promise<SpliceResult>, { reset: () => void, ends: readonly string[], resumableTransit: boolean }>()
  private readonly ingressEnds = new Set<ResumableEndpoint>()
  private readonly linkBytes = new Map<string, { in: number, out: number }>()
  private readonly livePairs = new Map<number, () => { in: number, out: number }>()
  private nextPairId = 1
  private events: WorkerEvent[] = []
  private flushQueued = false
  private changed = true
  private statsTimer?: NodeJS.Timeout
  private readonly pending = new Map<number, (answer: Command) => void>()
  private nextAskId = 1
  private stopping = false

  constructor (private readonly init: InitMessage, readonly log: Logger, private readonly send: (msg: FromWorker) => void) {
    this.index = init.index
    this.selfId = init.selfId
    this.resumeSettings = init.resume
    this.signer = new TunnelSigner(privateKeyFromProtobuf(init.privateKey))
    this.gate = new MembershipGate({ has: (p) => this.members.has(p) }, init.limits, log, { has: (p) => this.revoked.has(p) })
    this.access = new TunnelAccess({
      advertisement: (peer) => this.peers.get(peer),
      isRevoked: (peer) => this.revoked.has(peer),
      legacyRoutersPresent: () => this.legacy,
      pins: { peerOf: (site) => this.pins.get(site) },
      // Signature and freshness here; the one replay guard of the site is the router's (admitOrigin).
      verifier: { check: (h, now) => this.proofs.checkSignature(h, now) },
      wallClock: () => Date.now(),
      denied: (caller, key, reason, detail) => {
        this.event({ e: 'tunnel-denied', key, reason })
        this.gate.logRefusal(`denied:${caller.peer}:${key}`, { callerPeer: caller.peer, callerSite: caller.site, key, reason, detail }, 'tunnel denied')
      }
    })
    this.ingress = new Ingress({
      selfId: this.selfId,
      // The router ranks the targets (ClientMessage.ranked): the worker only carries.
      targets: () => [],
      connectLocal: async (key) => await this.connectors.connect(key),
      openTunnel: async (key, destination, connectionId, head, options) => await openTunnel(this, key, destination, init.hopLimit, connectionId, head, options),
      trusts: () => true,
      now: () => performance.now(),
      activity: (peer, i, o) => this.activity(peer, i, o),
      track: (pipe, reset, ends) => this.track(pipe, reset, ends),
      count: (e) => {
        if ('carried' in e) this.event({ e: 'carried', key: e.carried, target: e.target })
        else if ('failed' in e) this.event({ e: 'failed', key: e.failed, reason: e.reason })
        else this.event({ e: 'reforwarded', key: e.reforwarded, reason: e.reason })
      },
      changed: () => { this.changed = true },
      logRefusal: (key, fields, msg) => this.gate.logRefusal(key, fields, msg),
      log,
      newConnectionId,
      flowEnded: (f) => this.flowEndedAt(f, 'ingress'),
      pairOpened: (key, target, live) => this.pairOpened(this.selfId, target, key, live),
      resumeFor: (key, destination, connectionId) => this.resumeFor(key, destination, connectionId),
      resumableEnd: (layer, pipe) => {
        this.ingressEnds.add(layer)
        void pipe.finally(() => this.ingressEnds.delete(layer))
      },
      openChanged: (key, target, delta) => this.event({ e: 'open', key, target, delta }),
      deniedBy: (key, target) => this.event({ e: 'denied-by', key, target })
    })
  }

  async start (): Promise<string[]> {
    this.node = await createNode({ privateKey: privateKeyFromProtobuf(this.init.privateKey), listen: this.init.listen, maxStreamsPerConnection: this.init.limits.tunnelsPerPeer + 16, log: this.log })
    this.links = new WorkerLinks(this.node, this.index, (peer) => this.peers.get(peer)?.workers ?? [], this.log)
    // Only members connect to a worker: there is nothing else to do here (joins and links are the router's).
    this.node.addEventListener('connection:open', (evt) => {
      const conn = evt.detail
      const peer = conn.remotePeer.toString()
      if (!this.gate.isMember(peer)) {
        this.gate.logRefusal(`gate:${peer}`, { peer, addr: conn.remoteAddr.toString() }, 'closing connection from a peer that is not a member')
        conn.abort(new Error('not a member'))
      }
    })
    const maxStreams = this.init.limits.tunnelsPerPeer + 16
    await this.node.handle(TUNNEL_PROTOCOL, (stream, conn) => {
      if (this.gate.admit(stream, conn) && this.gate.admitTunnel(stream, conn)) void handleTunnelStream(this, stream, conn)
    }, { maxInboundStreams: maxStreams, maxOutboundStreams: maxStreams })
    this.relayServer = await listenForRelays(this.init.relayDir, this.index, (socket, header, rest) => this.takeRelayedResume(socket, header, rest), this.log)
    this.statsTimer = setInterval(() => this.sendStats(), STATS_INTERVAL_MS)
    this.statsTimer.unref()
    const addrs = this.node.getMultiaddrs().map(a => a.toString())
    return this.init.advertise.length > 0 ? this.init.advertise : addrs.map(a => a.replace(/\/p2p\/[^/]+$/, ''))
  }

  /** A message from the router (a stop is the entry's to handle: the process exits after it). */
  onMessage (msg: StateMessage | Exclude<Command, { t: 'stop' }>): void {
    switch (msg.t) {
      case 'state': return this.applyState(msg)
      case 'revoke': return this.revoke(msg.peer)
      case 'cut-transits':
        for (const p of this.pipes.values()) if (p.resumableTransit) p.reset()
        return
      case 'replay': case 'located': {
        const answer = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        answer?.(msg)
        return
      }
      case 'locate': {
        const layer = this.held.get(msg.ingress, msg.connectionId)
        this.send({ t: 'located', id: msg.id, held: layer !== undefined && (layer.state === 'live' || layer.state === 'suspended') })
      }
    }
  }

  /** A client the router handed over, its socket paused with nothing read. */
  onClient (msg: ClientMessage, socket: Socket): void {
    if (this.stopping) {
      socket.resetAndDestroy()
      this.event({ e: 'client-done', listener: msg.listener })
      return
    }
    // The socket child_process builds around the handle ends its side at the client's FIN; the router's
    // listener allows half-open connections (a client that half-closes still gets its reply), so must this.
    socket.allowHalfOpen = true
    socket.once('close', () => this.event({ e: 'client-done', listener: msg.listener }))
    // Monotonic clocks differ between processes: the connection's age is counted from its arrival here.
    void this.ingress.carry(socket, { key: msg.key, connectionId: msg.connectionId, ranked: msg.ranked, proveDestination: msg.proveDestination, listener: msg.listener, startedAtMs: performance.now() - Math.max(0, Date.now() - msg.startedAtWallMs) })
  }

  private applyState (msg: StateMessage): void {
    this.routes = new Map(msg.routes)
    this.peers = new Map(msg.peers)
    const before = this.neighbours
    this.neighbours = new Map(msg.neighbours)
    this.members = new Set(msg.members)
    this.revoked = new Set(msg.revoked)
    this.pins = new Map(msg.pins)
    this.legacy = msg.legacy
    this.connectors.replaceAll(msg.connectors)
    // A neighbour whose link went down: its connections here go too (their tunnels resume or reset as over a link).
    for (const peer of before.keys()) if (!this.neighbours.has(peer)) this.links.closePeer(peer, 'the link to it is down')
    for (const conn of this.node.getConnections()) {
      if (!this.gate.isMember(conn.remotePeer.toString())) conn.abort(new Error('not a member'))
    }
    const waiters = this.routeWaiters
    this.routeWaiters = []
    for (const w of waiters) w()
  }

  private revoke (peer: string): void {
    this.revoked.add(peer)
    this.members.delete(peer)
    this.links.closePeer(peer, 'peer revoked here')
    for (const { reset, ends } of this.pipes.values()) if (ends.includes(peer)) reset()
  }

  /** Graceful stop: clients stop coming (the router closed its listeners); pipes get drainMs to finish, the rest are reset. */
  async stop (drainMs: number): Promise<void> {
    if (this.stopping) return
    this.stopping = true
    const until = performance.now() + drainMs
    while (this.pipes.size > 0 && performance.now() < until) {
      await Promise.race([...this.pipes.keys(), new Promise(resolve => setTimeout(resolve, Math.max(1, until - performance.now())))])
    }
    for (const { reset } of this.pipes.values()) reset()
    await new Promise(resolve => setTimeout(resolve, 20))
    this.flush()
    this.sendStats()
    clearInterval(this.statsTimer)
    this.relayServer?.close()
    rmSync(`${this.init.relayDir}/worker-${this.index}.sock`, { force: true })
    await this.node.stop()
  }

  // ---- the tunnel host ----

  nextHop (destination: string): string | undefined {
    const next = this.routes.get(destination)?.nextHop
    return next !== undefined && this.neighbours.has(next) ? next : undefined
  }

  async openTunnelStream (destination: string): Promise<{ stream: Stream, via: string }> {
    const via = this.nextHop(destination)
    if (via === undefined) throw new Error('no route')
    return { stream: await this.links.streamTo(via), via }
  }

  nextHopResponsive (destination: string): boolean {
    const next = this.nextHop(destination)
    return next !== undefined && this.neighbours.get(next) === true
  }

  wallClock (): number {
    return Date.now()
  }

  async admitOrigin (header: TunnelHeader, from: string): Promise<OriginAdmission> {
    const admission = this.access.admitOrigin(header, from)
    if (!admission.ok || header.originProof.length === 0) return admission
    const answer = await this.ask<Extract<Command, { t: 'replay' }>>((id) => ({ t: 'replay?', id, proof: header.originProof, expiresAt: header.issuedAt + ORIGIN_PROOF_WINDOW_MS }))
    if (answer?.ok === true) return admission
    const reason = answer?.reason ?? 'busy'
    const detail = answer?.detail ?? 'the router did not answer the replay check'
    this.event({ e: 'tunnel-denied', key: header.routingKey, reason })
    this.gate.logRefusal(`denied:${header.ingress}:${header.routingKey}`, { callerPeer: header.ingress, key: header.routingKey, reason, detail }, 'tunnel denied')
    return { ok: false, reason: detail }
  }

  async deliver (routingKey: string, caller: TunnelCaller): Promise<DeliveredConnection> {
    return await deliverToConnector(this.connectors, this.access, this.selfId, routingKey, caller, (from, to, key, live) => this.pairOpened(from, to, key, live))
  }

  activity (peer: string, bytesIn: number, bytesOut: number): void {
    let c = this.linkBytes.get(peer)
    if (c === undefined) {
      c = { in: 0, out: 0 }
      this.linkBytes.set(peer, c)
    }
    c.in += bytesIn
    c.out += bytesOut
  }

  track (pipe: Promise<SpliceResult>, reset: () => void, ends?: readonly string[], info?: TrackInfo): void {
    this.pipes.set(pipe, { reset, ends: ends ?? [], resumableTransit: info?.resumableTransit === true })
    this.changed = true
    void pipe.then(() => { this.pipes.delete(pipe); this.changed = true })
  }

  flowEnded (f: FlowEnd): void {
    this.flowEndedAt(f, 'destination')
  }

  private flowEndedAt (f: FlowEnd, side: 'ingress' | 'destination'): void {
    // Sent with its age: the router's monotonic clock is not this process's.
    this.event({ e: 'flow', side, flow: { ...f, startedAtMs: performance.now() - f.startedAtMs } })
  }

  async relayResume (stream: Stream, rest: Uint8Array, header: TunnelHeader, log: Logger): Promise<boolean> {
    const answer = await this.ask<Extract<Command, { t: 'located' }>>((id) => ({ t: 'locate?', id, ingress: header.ingress, connectionId: header.connectionId }))
    const holder = answer?.holder
    if (holder === undefined || holder === this.index) return false
    let socket: Socket
    try {
      socket = await relayTo(this.init.relayDir, holder, header, rest)
    } catch (err) {
      log.warn({ holder, err: (err as Error).message }, 'cannot hand a resume to the worker holding its connection')
      return false
    }
    const pipe = splice(streamEndpoint(stream, 'resumed tunnel'), socketEndpoint(socket, `relay to worker ${holder}`))
    this.track(pipe, () => { stream.abort(new Error('router stopping')); socket.resetAndDestroy() }, [header.ingress])
    log.info({ holder }, 'resume handed to the worker holding the connection')
    return true
  }

  // ---- resumption (the ingress's side) ----

  private resumeDriver?: ResumeDriver

  /** Every router on the worker route to `peer`, and `peer`, can carry a resume, and has workers. */
  private resumablePath (peer: string): boolean {
    const route = this.routes.get(peer)
    if (route === undefined) return false
    return [...route.transits, peer].every(p => {
      const view = this.peers.get(p)
      return view !== undefined && (view.features & FEATURE_RESUME) !== 0 && view.workers.length > 0
    })
  }

  private resumeFor (routingKey: string, destination: string, connectionId: number): TunnelOptions['resumable'] {
    const settings = this.resumeSettings
    if (settings === undefined || !this.resumablePath(destination)) return undefined
    const driver = this.resumeDriver ??= {
      settings,
      reachable: (peer) => this.nextHop(peer) !== undefined,
      resumablePath: (peer) => this.resumablePath(peer),
      routeChangeOr: async (ms) => await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        this.routeWaiters.push(() => { clearTimeout(timer); resolve() })
      }),
      now: () => performance.now(),
      reopen: async (t, received) => await reopenTunnel(this, t.routingKey, t.destination, this.init.hopLimit, t.connectionId, received),
      log: this.log
    }
    return { onBroken: (layer, reason) => { void resumeFromIngress(driver, layer, { routingKey, destination, connectionId }, reason).then(result => this.event({ e: 'resume', result })) } }
  }

  /** The holder's side of a resume another worker of this site relays. */
  private takeRelayedResume (socket: Socket, header: TunnelHeader, rest: Uint8Array): boolean {
    const layer = this.held.get(header.ingress, header.connectionId)
    if (layer === undefined || layer.state === 'closed' || layer.state === 'reset') return false
    resumeHeld(this, layer, (status) => { socket.write(status) }, socketEndpoint(socket, 'relay'), header, rest, this.log.child({ conn: header.connectionId, key: header.routingKey, ingress: header.ingress }), 'another worker of this site')
    return true
  }

  // ---- what goes back to the router ----

  private pairOpened (from: string, to: string, key: string, live: () => { in: number, out: number }): (final?: { in: number, out: number }) => void {
    const id = this.nextPairId++
    this.livePairs.set(id, live)
    this.event({ e: 'pair-open', id, from, to, key })
    let ended = false
    return (final = live()) => {
      if (ended) return
      ended = true
      this.livePairs.delete(id)
      this.event({ e: 'pair-close', id, in: final.in, out: final.out })
    }
  }

  private event (e: WorkerEvent): void {
    this.events.push(e)
    this.changed = true
    if (this.flushQueued) return
    this.flushQueued = true
    setImmediate(() => this.flush())
  }

  private flush (): void {
    this.flushQueued = false
    if (this.events.length === 0) return
    const events = this.events
    this.events = []
    this.send({ t: 'events', events })
  }

  private sendStats (): void {
    if (!this.changed && this.livePairs.size === 0) return
    this.changed = false
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
    const cpu = process.cpuUsage()
    const stats: WorkerStats = {
      openPipes: this.pipes.size,
      openStreams: this.node.getConnections().reduce((n, c) => n + c.streams.length, 0),
      resume: { ends, suspended, bufferedBytes },
      linkBytes: [...this.linkBytes],
      keyBytes: [...this.ingress.bytesByKey],
      pairs: [...this.livePairs].map(([id, live]) => [id, live()]),
      dataConnections: this.links.counts(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6
    }
    this.send({ t: 'stats', stats })
  }

  /** Asks the router something and waits for its answer (undefined after ROUTER_ANSWER_TIMEOUT_MS). */
  private async ask<A extends Command> (question: (id: number) => FromWorker): Promise<A | undefined> {
    const id = this.nextAskId++
    return await new Promise<A | undefined>((resolve) => {
      const timer = setTimeout(() => { this.pending.delete(id); resolve(undefined) }, ROUTER_ANSWER_TIMEOUT_MS)
      this.pending.set(id, (answer) => { clearTimeout(timer); resolve(answer as A) })
      this.send(question(id))
    })
  }
}
