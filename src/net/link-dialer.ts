import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { LinkConfig } from '../config/config.js'
import type { LinkSession } from './link-session.js'

export const BACKOFF_INITIAL_MS = 100
export const BACKOFF_MAX_MS = 5_000

/** What a dialer needs from its router. */
export interface LinkOwner {
  openLink (conn: Awaited<ReturnType<Libp2p['dial']>>, configuredCost: number): Promise<LinkSession>
}

/** Next delay: doubling up to the cap, with ±25 % jitter so restarted sites do not redial in lockstep. */
export function nextBackoff (previousMs: number, random = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_INITIAL_MS, previousMs * 2))
  return Math.round(base * (0.75 + random() * 0.5))
}

/**
 * Keeps one configured link up: dials, runs the link, and when it goes down
 * dials again with capped, jittered backoff, for as long as the router runs.
 */
export class LinkDialer {
  /** Known from the address's /p2p/ part, or learned on the first connect. */
  peerId: string | undefined
  state: 'connecting' | 'up' | 'retrying' = 'connecting'
  private readonly address: Multiaddr
  private readonly expectedPeer: string | undefined
  private stopped = false
  private readonly abort = new AbortController()
  private wakeDown: (() => void) | undefined
  private lastError = ''

  constructor (readonly config: LinkConfig, private readonly node: Libp2p, private readonly owner: LinkOwner, private readonly log: Logger) {
    this.address = multiaddr(config.address)
    this.expectedPeer = this.address.getComponents().find(c => c.name === 'p2p')?.value
    this.peerId = this.expectedPeer
  }

  start (): void {
    void this.run()
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

  private async run (): Promise<void> {
    let delayMs = 0
    while (!this.stopped) {
      if (delayMs > 0) {
        this.state = 'retrying'
        await this.sleep(delayMs)
        if (this.stopped) return
      }
      try {
        const down = new Promise<void>((resolve) => { this.wakeDown = resolve })
        const conn = await this.node.dial(this.address, { signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]) })
        const remote = conn.remotePeer.toString()
        if (this.expectedPeer !== undefined && remote !== this.expectedPeer) {
          await conn.close().catch(() => {})
          throw new Error(`peer at ${this.config.address} is ${remote}, not the expected peer`)
        }
        this.peerId = remote
        const session = await this.owner.openLink(conn, this.config.cost)
        if (!session.isOpen) throw new Error('link closed during setup')
        this.state = 'up'
        this.lastError = ''
        delayMs = 0
        await down
        if (this.stopped) return
        // A link that just went down is redialed quickly, then with growing backoff.
        delayMs = BACKOFF_INITIAL_MS
      } catch (err) {
        if (this.stopped) return
        const message = (err as Error).message
        if (message !== this.lastError) {
          this.log.warn({ address: this.config.address, err: message }, 'cannot link; retrying with backoff')
          this.lastError = message
        }
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
