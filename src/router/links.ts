import type { EventEmitter } from 'node:events'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { LinkConfig, TimersConfig } from '../config/config.js'
import { effectiveLinkCost } from '../core/types.js'
import { LinkDialer, type LinkOwner } from '../net/link-dialer.js'
import { exchangeHello, LinkSession } from '../net/link-session.js'
import type { AuthorizedPeers } from '../net/membership.js'
import { LINK_PROTOCOL } from '../wire/constants.js'
import type { Routing } from './routing.js'

export interface LinksOptions {
  selfId: string
  site: string
  epoch: number
  timers: TimersConfig
  routing: Routing
  events: EventEmitter
  log: Logger
}

/**
 * This site's links: the dialers that keep configured links up, the link
 * sessions (one per neighbour, duplicates resolved the same way at both
 * ends), and what tunnels ask of them (the next hop's connection, whether it
 * is answering). Sessions going up and down are handed to routing, which
 * owns link state.
 */
export class Links implements LinkOwner {
  readonly selfId: string
  readonly site: string
  /** By name. Names are what `delete` takes. */
  readonly dialers = new Map<string, LinkDialer>()
  /** Bytes over each link, by peer, counted on the tunnel streams as they move. */
  readonly bytesByPeer = new Map<string, { in: number, out: number }>()
  private node!: Libp2p
  private authorized!: AuthorizedPeers
  private revoked: (peer: string) => boolean = () => false
  private stopping = false

  constructor (private readonly o: LinksOptions) {
    this.selfId = o.selfId
    this.site = o.site
  }

  /** The libp2p node to dial from, the members it may link with and those it never may (all exist only once the router starts). */
  attach (node: Libp2p, authorized: AuthorizedPeers, revoked?: (peer: string) => boolean): void {
    this.node = node
    this.authorized = authorized
    if (revoked !== undefined) this.revoked = revoked
  }

  /** Open sessions, one per neighbour. */
  sessions (): IterableIterator<LinkSession> {
    return this.o.routing.engine.neighbours()
  }

  session (peer: string): LinkSession | undefined {
    const s = this.o.routing.engine.neighbour(peer)
    return s?.isOpen === true ? s : undefined
  }

  startLink (cfg: LinkConfig, name?: string): { name: string, dialer: LinkDialer } {
    const dialer = new LinkDialer(cfg, this.node, this, this.o.log)
    const chosen = name ?? cfg.name ?? uniqueName(dialer.suggestedName, new Set(this.dialers.keys()))
    this.dialers.set(chosen, dialer)
    dialer.start()
    return { name: chosen, dialer }
  }

  /** Stops redialling a link and closes it unless another configured link wants the same peer. */
  stopLink (name: string): string | undefined {
    const dialer = this.dialers.get(name)
    if (dialer === undefined) return undefined
    dialer.stop()
    this.dialers.delete(name)
    const peer = dialer.peerId
    if (peer !== undefined && ![...this.dialers.values()].some(d => d.peerId === peer)) this.session(peer)?.close('link deleted')
    return peer
  }

  /**
   * `peer` was revoked: every dialer that targets it stops for good (and shows
   * as revoked), and the link to it closes with every tunnel on it. Returns
   * the names of the links stopped.
   */
  revokePeer (peer: string, reason: string): string[] {
    const stopped: string[] = []
    for (const [name, d] of this.dialers) {
      if (d.peerId !== peer) continue
      d.revoke()
      stopped.push(name)
    }
    this.session(peer)?.close(reason, true)
    return stopped
  }

  stop (): void {
    this.stopping = true
    for (const d of this.dialers.values()) d.stop()
  }

  /** Every open session, once per hello interval (the router's ticker). */
  tick (now: number): void {
    for (const s of [...this.sessions()]) s.tick(now)
  }

  // ---- LinkOwner: what a dialer asks of its router ----

  isAuthorized (peer: string): boolean {
    return this.authorized.has(peer) && !this.revoked(peer)
  }

  isRevoked (peer: string): boolean {
    return this.revoked(peer)
  }

  async authorize (peer: string, site: string, note: string): Promise<void> {
    await this.authorized.add(peer, site, note)
  }

  linkRefused (link: { address: string }, sentence: string): void {
    this.o.log.error({ address: link.address, reason: sentence }, `link refused: ${sentence}`)
    process.stderr.write(`portmesh: cannot link to ${link.address}: ${sentence}\n`)
  }

  /** Opens the link stream on a connection we dialed; resolves with the running session. */
  async openLink (conn: Connection, configuredCost: number): Promise<LinkSession> {
    const stream = await conn.newStream(LINK_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
    return await this.establish(stream, conn, Math.max(configuredCost, this.configuredCostFor(conn.remotePeer.toString())), this.selfId)
  }

  async acceptLink (stream: Stream, conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    try {
      await this.establish(stream, conn, this.configuredCostFor(peer), peer)
    } catch (err) {
      this.o.log.warn({ peer, err: (err as Error).message }, 'link handshake failed')
      if (stream.status === 'open') stream.abort(err as Error)
    }
  }

  /** The configured cost this router has for a link to `peer` (0 when it has none). */
  private configuredCostFor (peer: string): number {
    let cost = 0
    for (const d of this.dialers.values()) if (d.peerId === peer) cost = Math.max(cost, d.config.cost)
    return cost
  }

  private async establish (stream: Stream, conn: Connection, configuredCost: number, opener: string): Promise<LinkSession> {
    if (this.stopping) throw new Error('router is stopping')
    const peer = conn.remotePeer.toString()
    if (this.revoked(peer)) throw new Error('peer is revoked here')
    const { hello, rest } = await exchangeHello(stream, { site: this.site, epoch: this.o.epoch, configuredCost })
    const cost = effectiveLinkCost(configuredCost, hello.configuredCost)
    const session = new LinkSession(peer, hello.site, hello.epoch, opener, cost, conn, stream, this.o.timers, {
      advertisement: (s, raw) => { void this.o.routing.receive(s, raw) },
      down: (s, reason) => this.onSessionDown(s, reason)
    }, this.o.log)

    const existing = this.session(peer)
    if (existing !== undefined && !supersedes(session, existing)) {
      stream.abort(new Error('duplicate link'))
      return existing
    }
    // Routing learns of the new session (database exchange) before the old one ends unreported.
    session.start(rest)
    this.o.routing.linkUp(session)
    existing?.replace()
    if (existing === undefined) {
      this.o.log.info({ peer, site: hello.site, cost, direction: conn.direction }, 'link up')
      this.o.events.emit('change', 'link')
    }
    return session
  }

  private onSessionDown (session: LinkSession, reason: string): void {
    if (this.o.routing.engine.neighbour(session.peer) !== session) return
    if (!this.stopping) this.o.log.info({ peer: session.peer, site: session.site, reason }, 'link down')
    this.o.routing.linkDown(session)
    this.o.events.emit('change', 'link')
    for (const d of this.dialers.values()) if (d.peerId === session.peer) d.linkDown()
  }

  /** The open link session to the next hop towards `destination`, if there is a route. */
  nextHop (destination: string): LinkSession | undefined {
    const route = this.o.routing.engine.routes().get(destination)
    return route !== undefined ? this.session(route.nextHop) : undefined
  }

  /** Bytes moved over the link to `peer`; any arrival is proof that the link is alive. */
  activity (peer: string, bytesIn: number, bytesOut: number): void {
    if (bytesIn > 0) this.session(peer)?.touch()
    let c = this.bytesByPeer.get(peer)
    if (c === undefined) {
      c = { in: 0, out: 0 }
      this.bytesByPeer.set(peer, c)
    }
    c.in += bytesIn
    c.out += bytesOut
  }
}

/** `base`, or `base-2`, `base-3`… whichever is not taken. */
export function uniqueName (base: string, taken: Set<string>): string {
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
