import type { Logger } from 'pino'
import type { Endpoint, EndpointSink } from './splice.js'
import type { Chunk } from '../wire/frames.js'
import { resumableEndpoint, type ResumableEndpoint } from './resume.js'
import { StatusCode } from '../wire/codec.js'

/**
 * Resuming a tunnel whose path broke (issue #13): the ingress's side keeps
 * trying to reopen it over the current best path until the destination
 * answers with how much it holds, the destination is unreachable for
 * `unreachableMs` (it died, or no path is left), or `timeoutMs` is over; the
 * destination's side keeps the connections it holds by (ingress, connection
 * id) and gives one up when its ingress is unreachable as long. The resumable
 * layer (resume.ts) does the byte accounting; this is the owner it calls.
 */

export interface ResumeSettings {
  /** A suspended tunnel not resumed within this is reset at both ends. */
  timeoutMs: number
  /** The far end unreachable (no route) for this long: reset at once, as without resumption. */
  unreachableMs: number
  /** Unacknowledged bytes kept per direction per tunnel end. */
  bufferBytes: number
}

/** A tunnel end's resumable layer with this router's settings (its bound and its timeout). */
export function resumableTunnelEnd (inner: Endpoint, settings: ResumeSettings, options: { initialInbound?: Uint8Array, onBroken: (reason: string) => void }): ResumableEndpoint {
  return resumableEndpoint(inner, { maxBufferedBytes: settings.bufferBytes, resumeTimeoutMs: settings.timeoutMs, ...options })
}

/** The first retry after a failed resume attempt; doubled up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 25
const RETRY_MAX_MS = 500

/**
 * An endpoint whose sink gets `lead()` (bytes already read behind a status,
 * known by the time it starts) before anything from `inner`. A class: one is
 * kept per resumable tunnel at its ingress for the tunnel's life.
 */
export function withLeadingBytes (inner: Endpoint, lead: () => Uint8Array): Endpoint {
  return new LeadingBytes(inner, lead)
}

class LeadingBytes implements Endpoint {
  constructor (private readonly inner: Endpoint, private lead: (() => Uint8Array) | undefined) {}

  get label (): string { return this.inner.label }

  start (sink: EndpointSink): void {
    const bytes = this.lead?.() ?? new Uint8Array(0)
    this.lead = undefined
    if (bytes.byteLength > 0) sink.data(bytes)
    this.inner.start(sink)
  }

  write (data: Chunk): boolean { return this.inner.write(data) }
  onDrain (fn: () => void): void { this.inner.onDrain(fn) }
  pause (): void { this.inner.pause() }
  resume (): void { this.inner.resume() }
  end (): void { this.inner.end() }
  reset (): void { this.inner.reset() }
}

/** What the ingress's resume loop needs from its router. */
export interface ResumeDriver {
  settings: ResumeSettings
  /** A route to `peer` exists now. */
  reachable: (peer: string) => boolean
  /** Every router on the current route to `peer`, and `peer`, can carry a resume. */
  resumablePath: (peer: string) => boolean
  /** Resolves at the next route change or after `ms`, whichever is first. */
  routeChangeOr: (ms: number) => Promise<void>
  /** Monotonic ms. */
  now: () => number
  /** Reopens the tunnel over the current route, saying we hold `received` of the destination's bytes. */
  reopen: (t: ResumedTunnel, received: number) => Promise<{ endpoint: Endpoint, received: number, rest: Uint8Array, via: string }>
  log: Logger
}

export interface ResumedTunnel {
  routingKey: string
  destination: string
  connectionId: number
}

/** Thrown by `reopen` when the destination answered: GONE (it holds no such connection) or DENIED end the loop. */
export function isFinalRefusal (err: unknown): boolean {
  const code = (err as { code?: number }).code
  return code === StatusCode.GONE || code === StatusCode.DENIED
}

/**
 * The ingress's side, called from the layer's onBroken: reopens the tunnel
 * until it is live again or given up (the layer then resets the client).
 * Returns when done; never throws.
 */
export async function resumeFromIngress (d: ResumeDriver, layer: ResumableEndpoint, t: ResumedTunnel, why: string): Promise<'resumed' | 'reset'> {
  const log = d.log.child({ conn: t.connectionId, key: t.routingKey, destination: t.destination })
  const began = d.now()
  let unreachableSince: number | undefined
  let retryMs = RETRY_MIN_MS
  let attempts = 0
  log.info({ reason: why }, 'tunnel path broke; resuming over another')
  while (layer.state === 'suspended') {
    const now = d.now()
    if (now - began >= d.settings.timeoutMs) {
      layer.abandon(`no path back to the destination within ${d.settings.timeoutMs} ms`)
      break
    }
    if (!d.reachable(t.destination)) {
      unreachableSince ??= now
      if (now - unreachableSince >= d.settings.unreachableMs) {
        layer.abandon(`the destination is unreachable (${Math.round(now - unreachableSince)} ms)`)
        break
      }
      await d.routeChangeOr(Math.max(1, unreachableSince + d.settings.unreachableMs - now))
      continue
    }
    unreachableSince = undefined
    if (!d.resumablePath(t.destination)) {
      // The only route crosses a router of an earlier release, which cannot carry a resume: wait for another.
      await d.routeChangeOr(RETRY_MAX_MS)
      continue
    }
    attempts++
    log.debug({ attempts, sinceBreakMs: Math.round(d.now() - began) }, 'resume attempt')
    try {
      const opened = await d.reopen(t, layer.received)
      if (layer.state !== 'suspended' || !layer.reattach(opened.endpoint, opened.received, opened.rest)) {
        opened.endpoint.reset()
        break
      }
      log.info({ via: opened.via, pauseMs: Math.round(d.now() - began), attempts }, 'tunnel resumed')
      return 'resumed'
    } catch (err) {
      if (isFinalRefusal(err)) {
        layer.abandon(`the destination refused the resume: ${(err as Error).message}`)
        break
      }
      log.debug({ err: (err as Error).message, attempts }, 'resume attempt failed; trying again')
      await d.routeChangeOr(retryMs)
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2)
    }
  }
  if (layer.state !== 'live') log.info({ state: layer.state, attempts, afterMs: Math.round(d.now() - began) }, 'tunnel not resumed')
  return layer.state === 'live' ? 'resumed' : 'reset'
}

/**
 * The destination's connections that can be resumed, by ingress and
 * connection id. A held connection is dropped when its pipe ends.
 */
export class HeldTunnels {
  private readonly held = new Map<string, { layer: ResumableEndpoint, ingress: string }>()

  private static id (ingress: string, connectionId: number): string {
    return `${ingress}/${connectionId}`
  }

  get size (): number {
    return this.held.size
  }

  add (ingress: string, connectionId: number, layer: ResumableEndpoint): () => void {
    const id = HeldTunnels.id(ingress, connectionId)
    this.held.set(id, { layer, ingress })
    return () => { if (this.held.get(id)?.layer === layer) this.held.delete(id) }
  }

  * layers (): IterableIterator<ResumableEndpoint> {
    for (const h of this.held.values()) yield h.layer
  }

  /** Only the ingress that opened it finds it: the key is its proven identity. */
  get (ingress: string, connectionId: number): ResumableEndpoint | undefined {
    return this.held.get(HeldTunnels.id(ingress, connectionId))?.layer
  }

  /** Suspended connections whose ingress is unreachable: given up (their workload sockets reset). */
  abandonUnreachable (reachable: (peer: string) => boolean, why: string): number {
    let n = 0
    for (const { layer, ingress } of this.held.values()) {
      if (layer.state === 'suspended' && !reachable(ingress)) {
        layer.abandon(why)
        n++
      }
    }
    return n
  }
}
