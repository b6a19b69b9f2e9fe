import { admits, resolveEntries } from '../core/access.js'
import { FEATURE_ORIGIN_PROOF, type Advertisement } from '../core/types.js'
import type { ConnectorAdmission } from '../edge/connector.js'
import type { OriginVerifier } from '../net/origin-proof.js'
import type { OriginAdmission, TunnelCaller } from '../net/tunnel.js'
import type { TunnelHeader } from '../wire/codec.js'
import type { SitePins } from './site-pins.js'

export interface AccessDeps {
  /** The verified advertisement of a peer, if this site holds one. */
  advertisement: (peer: string) => Pick<Advertisement, 'site' | 'features'> | undefined
  isRevoked: (peer: string) => boolean
  /** Some reachable router is of an earlier release (it drops the proof of the headers it forwards). */
  legacyRoutersPresent: () => boolean
  pins: Pick<SitePins, 'peerOf'>
  verifier: Pick<OriginVerifier, 'check'>
  /** Wall-clock Unix ms. */
  wallClock: () => number
  /** A refused tunnel: logged at most once per caller and key per interval, counted by reason. */
  denied: (caller: { peer: string, site: string }, routingKey: string, reason: string, detail: string) => void
}

/**
 * This site's access decisions, on proven identities: who opened a tunnel
 * (the destination's side), which connectors admit that caller (`allow`, and
 * `e2e` needing an encrypted tunnel), and which targets a listener may use
 * (`trust`, the ingress's side).
 */
export class TunnelAccess {
  constructor (private readonly deps: AccessDeps) {}

  readonly pinned = (site: string): string | undefined => this.deps.pins.peerOf(site)

  private siteOf (peer: string): string {
    return this.deps.advertisement(peer)?.site ?? ''
  }

  /**
   * Who opened this tunnel. The ingress is proven by its origin proof, or,
   * when it is the neighbour the stream came from, by the link's Noise
   * handshake. A header without a proof is taken only where a signed one
   * could not have arrived: from a router whose advertisement says it cannot
   * sign (an earlier release), or while such a router is in the mesh (it
   * re-encodes the headers it forwards without the proof). That caller
   * counts as unproven: connectors with `allow` refuse it.
   */
  admitOrigin (header: TunnelHeader, from: string): OriginAdmission {
    const { deps } = this
    const peer = header.ingress
    const deny = (reason: string, detail: string): OriginAdmission => {
      deps.denied({ peer, site: this.siteOf(peer) }, header.routingKey, reason, detail)
      return { ok: false, reason: detail }
    }
    if (peer === '') return deny('unsigned', 'the tunnel request names no ingress')
    if (deps.isRevoked(peer)) return deny('revoked', 'the ingress is revoked at this site')
    const ad = deps.advertisement(peer)
    if (header.originProof.length === 0) {
      if (peer === from) return { ok: true, proven: true }
      if (ad !== undefined && ((ad.features ?? 0) & FEATURE_ORIGIN_PROOF) === 0) return { ok: true, proven: false }
      if (deps.legacyRoutersPresent()) return { ok: true, proven: false }
      return deny('unsigned', 'the tunnel request carries no origin proof')
    }
    if (ad === undefined && peer !== from) return deny('unknown', 'the ingress is not a member this site knows')
    const check = deps.verifier.check(header, deps.wallClock())
    if (!check.ok) return deny(check.reason, check.detail)
    return { ok: true, proven: true }
  }

  /** Every connector for the key refused the caller: logged and counted like an origin refusal. */
  denyDelivery (caller: TunnelCaller, routingKey: string, detail: string): void {
    this.deps.denied({ peer: caller.peer, site: this.siteOf(caller.peer) }, routingKey, 'not-allowed', detail)
  }

  /** Which of a key's connectors take this caller; the reason for each that does not. */
  connectorAdmission (caller: TunnelCaller): ConnectorAdmission {
    return (c) => {
      if (c.allow.length > 0) {
        if (!caller.proven) return 'the caller cannot prove its identity (a router of an earlier release)'
        if (!admits(c.allow, caller.peer, this.pinned)) return 'the caller is not in the connector\'s allow list'
      }
      if (c.e2e && !caller.e2e) return 'the connector takes end-to-end encrypted tunnels only'
      return undefined
    }
  }

  /** Whether a listener with these `trust` entries may use `target` (this site itself always may). */
  trusts (trust: readonly string[], target: string, selfId: string): boolean {
    return target === selfId || admits(trust, target, this.pinned)
  }

  /** A rule's entries with the identity each stands for now, for status. */
  resolve (entries: readonly string[]): Array<{ entry: string, peerId?: string }> {
    return resolveEntries(entries, this.pinned)
  }
}
