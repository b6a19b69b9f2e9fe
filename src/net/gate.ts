import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { LimitsConfig } from '../config/config.js'
import type { AuthorizedPeers, RevokedPeers } from './membership.js'

/** Minimum time between two log lines about the same refused peer or listener. */
const REFUSAL_LOG_INTERVAL_MS = 10_000

/**
 * What a peer may do on its connections: members link and tunnel (within
 * per-peer limits); anyone else may only try to redeem a token, for a short
 * window, and is cut off before a byte is read on any other protocol. A
 * revoked peer is not a member whatever `authorized-peers` says: its join
 * attempt only hears why it is refused.
 */
export class MembershipGate {
  private readonly refusalLoggedAt = new Map<string, number>()
  private readonly tunnelsByPeer = new Map<string, number>()
  private readonly tunnelBuckets = new Map<string, { tokens: number, atMs: number }>()

  constructor (private readonly authorized: Pick<AuthorizedPeers, 'has'>, private readonly limits: LimitsConfig, private readonly log: Logger, private readonly revoked: Pick<RevokedPeers, 'has'> = { has: () => false }) {}

  /** May link and tunnel: authorised and not revoked. */
  isMember (peer: string): boolean {
    return this.authorized.has(peer) && !this.revoked.has(peer)
  }

  /** Logs a refusal at most once per key per interval, so a flood costs one line. */
  logRefusal (key: string, fields: object, msg: string): void {
    const now = performance.now()
    if (now - (this.refusalLoggedAt.get(key) ?? -Infinity) < REFUSAL_LOG_INTERVAL_MS) return
    if (this.refusalLoggedAt.size > 10_000) this.refusalLoggedAt.clear()
    this.refusalLoggedAt.set(key, now)
    this.log.warn(fields, msg)
  }

  /** A peer that is not a member gets a short window to redeem a token, then the connection is closed. */
  watchConnection (conn: Connection): void {
    const peer = conn.remotePeer.toString()
    if (this.isMember(peer)) return
    const timer = setTimeout(() => {
      if (!this.isMember(peer) && conn.status === 'open') {
        this.logRefusal(`gate:${peer}`, { peer, addr: conn.remoteAddr.toString() }, 'closing connection from a peer that is not a member')
        void conn.close().catch(() => conn.abort(new Error('not a member')))
      }
    }, this.limits.joinWindowMs)
    timer.unref()
    conn.addEventListener('close', () => clearTimeout(timer), { once: true })
  }

  /** Link and tunnel streams are for members only: anyone else is cut off before a byte is read. */
  admit (stream: Stream, conn: Connection): boolean {
    const peer = conn.remotePeer.toString()
    if (this.isMember(peer)) return true
    if (this.revoked.has(peer)) {
      this.logRefusal(`admit:${peer}`, { peer, addr: conn.remoteAddr.toString(), protocol: stream.protocol }, 'refusing a revoked peer; disconnecting it')
      stream.abort(new Error('revoked'))
      conn.abort(new Error('revoked'))
      return false
    }
    this.logRefusal(`admit:${peer}`, { peer, addr: conn.remoteAddr.toString(), protocol: stream.protocol }, 'refusing a peer that is not a member; disconnecting it')
    stream.abort(new Error('not a member'))
    conn.abort(new Error('not a member'))
    return false
  }

  /** Per-peer caps on open tunnel streams and on new ones per second. */
  admitTunnel (stream: Stream, conn: Connection): boolean {
    const peer = conn.remotePeer.toString()
    const limits = this.limits
    const open = this.tunnelsByPeer.get(peer) ?? 0
    const now = performance.now()
    const bucket = this.tunnelBuckets.get(peer) ?? { tokens: limits.newTunnelsPerSecondPerPeer * 2, atMs: now }
    bucket.tokens = Math.min(limits.newTunnelsPerSecondPerPeer * 2, bucket.tokens + (now - bucket.atMs) / 1000 * limits.newTunnelsPerSecondPerPeer)
    bucket.atMs = now
    this.tunnelBuckets.set(peer, bucket)
    if (open >= limits.tunnelsPerPeer || bucket.tokens < 1) {
      this.logRefusal(`tunnels:${peer}`, { peer, open, limit: open >= limits.tunnelsPerPeer ? 'tunnelsPerPeer' : 'newTunnelsPerSecondPerPeer' }, 'refusing tunnel streams over the per-peer limit')
      stream.abort(new Error('tunnel limit'))
      return false
    }
    bucket.tokens -= 1
    this.tunnelsByPeer.set(peer, open + 1)
    stream.addEventListener('close', () => {
      const n = (this.tunnelsByPeer.get(peer) ?? 1) - 1
      if (n <= 0) this.tunnelsByPeer.delete(peer)
      else this.tunnelsByPeer.set(peer, n)
    }, { once: true })
    return true
  }
}
