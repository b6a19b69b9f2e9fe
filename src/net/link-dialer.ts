import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Connection, Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { LinkConfig } from '../config/config.js'
import type { LinkSession } from './link-session.js'
import { JoinRefusedError, redeemToken } from './join.js'
import { decodeToken, type JoinToken } from '../wire/token.js'

export const BACKOFF_INITIAL_MS = 100
export const BACKOFF_MAX_MS = 5_000
/**
 * One dial attempt gives up after this long. A peer behind a partition drops
 * our SYNs silently; a short attempt means the link is back soon after the
 * network is (at most this plus one backoff step).
 */
export const DIAL_TIMEOUT_MS = 5_000

/** What a dialer needs from its router. */
export interface LinkOwner {
  readonly selfId: string
  readonly site: string
  openLink (conn: Connection, configuredCost: number): Promise<LinkSession>
  isAuthorized (peer: string): boolean
  /** Revoked here: never dialed, and dropped as soon as Noise shows it is the one at the address. */
  isRevoked (peer: string): boolean
  authorize (peer: string, site: string, note: string): Promise<void>
  /** The issuer refused our token: said once, and the link is given up. */
  linkRefused (link: LinkConfig, sentence: string): void
}

/** Next delay: doubling up to the cap, with ±25 % jitter so restarted sites do not redial in lockstep. */
export function nextBackoff (previousMs: number, random = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_INITIAL_MS, previousMs * 2))
  return Math.round(base * (0.75 + random() * 0.5))
}

function withPeer (address: string, peer: string): Multiaddr {
  const ma = multiaddr(address)
  return ma.getComponents().some(c => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${peer}`)
}

/**
 * Keeps one configured link up: dials, redeems the join token the first time
 * (if the link was given one), runs the link, and when it goes down dials again
 * with capped, jittered backoff, for as long as the router runs.
 */
export class LinkDialer {
  /** Known from the address's /p2p/ part or the token, or learned on the first connect. */
  peerId: string | undefined
  private phase: 'connecting' | 'up' | 'retrying' | 'refused' = 'connecting'
  private revoked = false
  private readonly addresses: Multiaddr[]
  private readonly expectedPeer: string | undefined
  private readonly token: JoinToken | undefined
  private stopped = false
  private readonly abort = new AbortController()
  private wakeDown: (() => void) | undefined
  private lastError = ''

  constructor (readonly config: LinkConfig, private readonly node: Libp2p, private readonly owner: LinkOwner, private readonly log: Logger) {
    if (config.token !== undefined) {
      const token = decodeToken(config.token)
      this.token = token
      this.expectedPeer = token.issuer
      this.addresses = token.addresses.map(a => withPeer(a, token.issuer))
    } else {
      const ma = multiaddr(config.address)
      this.expectedPeer = ma.getComponents().find(c => c.name === 'p2p')?.value
      this.addresses = [ma]
    }
    this.peerId = this.expectedPeer
  }

  /** A name for the link when none was given: the issuing site's name, or the address. */
  get suggestedName (): string {
    const fromToken = this.token?.issuerSite.replace(/[^A-Za-z0-9._-]/g, '-')
    if (fromToken !== undefined && /^[A-Za-z0-9]/.test(fromToken)) return fromToken
    return 'link'
  }

  /** 'revoked' once the peer was revoked here: the link stays configured (and shown) but is never dialed again. */
  get state (): 'connecting' | 'up' | 'retrying' | 'refused' | 'revoked' {
    return this.revoked ? 'revoked' : this.phase
  }

  start (): void {
    void this.run()
  }

  /** The peer was revoked here: stop for good, whatever the loop is doing. */
  revoke (): void {
    this.revoked = true
    this.stop()
  }

  /** Stops on a revoked peer (before a dial, or after Noise named it); says so once. */
  private stopIfRevoked (peer: string | undefined): boolean {
    if (peer === undefined || !this.owner.isRevoked(peer)) return false
    this.log.warn({ address: this.config.address, peer }, 'not linking: this peer is revoked here')
    this.revoke()
    return true
  }

  stop (): void {
    this.stopped = true
    this.abort.abort()
    this.wakeDown?.()
  }

  /** The router saw this link go down. */
  linkDown (): void {
    this.wakeDown?.()
  }

  private async dialAny (): Promise<Connection> {
    const errors: string[] = []
    for (const address of this.addresses) {
      try {
        return await this.node.dial(address, { signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) })
      } catch (err) {
        errors.push(`${address.toString()}: ${(err as Error).message}`)
      }
    }
    throw new Error(errors.join('; '))
  }

  private async run (): Promise<void> {
    let delayMs = 0
    while (!this.stopped) {
      if (this.stopIfRevoked(this.expectedPeer)) return
      if (delayMs > 0) {
        this.phase = 'retrying'
        await this.sleep(delayMs)
        if (this.stopped) return
      }
      let conn: Connection | undefined
      try {
        const down = new Promise<void>((resolve) => { this.wakeDown = resolve })
        conn = await this.dialAny()
        const remote = conn.remotePeer.toString()
        if (this.expectedPeer !== undefined && remote !== this.expectedPeer) {
          throw new Error(`the site at ${conn.remoteAddr.toString()} is ${remote}, not the expected peer ${this.expectedPeer}`)
        }
        this.peerId = remote
        if (this.stopIfRevoked(remote)) {
          conn.abort(new Error('peer revoked here'))
          return
        }
        if (this.token !== undefined && !this.owner.isAuthorized(remote)) {
          const site = await redeemToken(conn, this.token, this.owner.selfId, this.owner.site)
          await this.owner.authorize(remote, site, `linked-with-token ${new Date().toISOString()}`)
          this.log.info({ peer: remote, site }, 'token accepted; linked sites are now authorised to each other')
        }
        if (!this.owner.isAuthorized(remote)) {
          throw new Error(`${remote} is not authorised here: link to it with a token it issued (portmesh token issue)`)
        }
        const session = await this.owner.openLink(conn, this.config.cost)
        if (!session.isOpen) throw new Error('link closed during setup')
        this.phase = 'up'
        this.lastError = ''
        delayMs = 0
        await down
        if (this.stopped) return
        // A link that just went down is redialed quickly, then with growing backoff.
        delayMs = BACKOFF_INITIAL_MS
      } catch (err) {
        if (this.stopped) return
        if (err instanceof JoinRefusedError) {
          this.phase = 'refused'
          this.owner.linkRefused(this.config, err.message)
          await conn?.close().catch(() => {})
          return
        }
        const message = (err as Error).message
        if (message !== this.lastError) {
          this.log.warn({ address: this.config.address, err: message }, 'cannot link; retrying with backoff')
          this.lastError = message
        }
        if (conn !== undefined && !this.owner.isAuthorized(conn.remotePeer.toString())) await conn.close().catch(() => {})
        delayMs = nextBackoff(delayMs)
      }
    }
  }

  private async sleep (ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.abort.signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
    })
  }
}
