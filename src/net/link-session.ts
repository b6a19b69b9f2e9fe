import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { decodeControl, encodeControl, type Hello } from '../wire/codec.js'
import { encodeFrame, FrameDecoder } from '../wire/frames.js'
import { readFirstFrame } from './read-frame.js'
import { HEADER_TIMEOUT_MS, MAX_CONTROL_WRITE_BUFFER_BYTES } from './constants.js'
import { MAX_CONTROL_FRAME_BYTES, WIRE_VERSION } from '../wire/constants.js'
import { WireError } from '../wire/errors.js'
import { Liveness } from '../core/liveness.js'

/** How often a session logs its probe figures (debug level). */
const PROBE_SUMMARY_INTERVAL_MS = 10_000

export interface SessionTimers {
  helloIntervalMs: number
  livenessTimeoutMs: number
}

export interface SessionHandlers {
  /** A signed advertisement arrived (raw SignedAdvertisement bytes). */
  advertisement (session: LinkSession, raw: Uint8Array): void
  /** The session ended; `reason` says why. Not called for a session that was replaced. */
  down (session: LinkSession, reason: string): void
}

export interface HelloInfo {
  site: string
  epoch: number
  configuredCost: number
}

/**
 * Exchanges Hello on a fresh link stream. Both ends send at once and then read,
 * so the handshake costs one round trip whoever opened the stream. Anything the
 * peer sent after its Hello is returned to be decoded by the session.
 */
export async function exchangeHello (stream: Stream, mine: HelloInfo): Promise<{ hello: Hello, rest: Uint8Array }> {
  stream.maxWriteBufferLength = MAX_CONTROL_WRITE_BUFFER_BYTES
  stream.send(encodeFrame(encodeControl({ hello: { version: WIRE_VERSION, site: mine.site, epoch: mine.epoch, configuredCost: mine.configuredCost } })))
  const { frame, rest } = await readFirstFrame(stream, MAX_CONTROL_FRAME_BYTES, HEADER_TIMEOUT_MS)
  const msg = decodeControl(frame)
  if (!('hello' in msg)) throw new WireError('link stream did not start with hello')
  if (msg.hello.version !== WIRE_VERSION) throw new WireError(`peer speaks link version ${msg.hello.version}, this router ${WIRE_VERSION}`)
  return { hello: msg.hello, rest }
}

/** Probe round trips and silences of one session over a summary period. */
export interface ProbeSummary {
  probes: number
  rttMinMs?: number
  rttP50Ms?: number
  rttP90Ms?: number
  rttMaxMs?: number
  /** Longest silence that ended in an arrival. */
  worstSilenceMs: number
  /** The liveness timeout now (adaptive: see core/liveness.ts). */
  livenessTimeoutMs: number
}

/**
 * One live link to a neighbour: the long-lived control stream that carries
 * advertisements and liveness probes. The link is down when the stream or its
 * connection closes (at once) or when nothing was heard for the liveness
 * timeout: livenessTimeoutMs on a clean link, more on one whose arrivals have
 * been late (loss and retransmission; see core/liveness.ts).
 */
export class LinkSession {
  rttMs: number | undefined
  private readonly liveness: Liveness
  private rttSamples: number[] = []
  private lastSummaryMs: number
  private lastTickMs: number
  private ended = false
  private replaced = false
  private readonly decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES)

  constructor (
    readonly peer: string,
    readonly site: string,
    readonly peerEpoch: number,
    /** Peer id of the router that opened the stream (used to pick one of two parallel sessions). */
    readonly opener: string,
    readonly cost: number,
    readonly connection: Connection,
    readonly stream: Stream,
    private readonly timers: SessionTimers,
    private readonly handlers: SessionHandlers,
    private readonly log: Logger
  ) {
    const now = performance.now()
    this.liveness = new Liveness({ intervalMs: timers.helloIntervalMs, floorMs: timers.livenessTimeoutMs }, now)
    this.lastTickMs = now
    this.lastSummaryMs = now
  }

  /** The silence after which this link is declared down, as of now. */
  get livenessTimeoutMs (): number {
    return this.liveness.timeoutMs(performance.now())
  }

  /** Time since anything was last heard from the peer. */
  get silentForMs (): number {
    return this.liveness.silentFor(performance.now())
  }

  get isOpen (): boolean {
    return !this.ended
  }

  /** Starts reading; `rest` is what arrived behind the peer's Hello. */
  start (rest: Uint8Array): void {
    this.stream.addEventListener('message', (evt) => this.receive(evt.data))
    this.stream.addEventListener('close', (evt) => this.end(evt.error !== undefined ? `link stream closed: ${evt.error.message}` : 'link stream closed'))
    this.stream.addEventListener('end', () => this.end('peer closed the link'))
    this.connection.addEventListener('close', () => this.end('connection closed'))
    if (rest.length > 0) this.receive(rest)
    if (this.stream.readStatus === 'paused') this.stream.resume()
  }

  /** Proof of life from anything else the peer sends us (tunnel bytes). */
  touch (): void {
    this.liveness.heard(performance.now())
  }

  sendAdvertisement (raw: Uint8Array): void {
    this.send(encodeControl({ advertisement: raw }))
  }

  /** Ends the session without reporting the link down: a newer session to the same peer took over. */
  replace (): void {
    this.replaced = true
    this.end('replaced by a newer session')
  }

  /** Ends the session; with `abortConnection`, also every tunnel over its connection. */
  close (reason: string, abortConnection = false): void {
    this.end(reason)
    if (abortConnection) this.connection.abort(new Error(reason))
  }

  private send (message: Uint8Array): void {
    if (this.ended || this.stream.writeStatus !== 'writable') return
    try {
      this.stream.send(encodeFrame(message))
    } catch (err) {
      this.end(`cannot send on link stream: ${(err as Error).message}`)
    }
  }

  private receive (chunk: Parameters<FrameDecoder['push']>[0]): void {
    if (this.ended) return
    this.touch()
    let frames: Uint8Array[]
    try {
      frames = this.decoder.push(chunk)
    } catch (err) {
      this.log.warn({ peer: this.peer, site: this.site, err: (err as Error).message }, 'refusing link stream input')
      this.close('malformed link stream input', true)
      return
    }
    for (const frame of frames) {
      let msg
      try {
        msg = decodeControl(frame)
      } catch (err) {
        this.log.warn({ peer: this.peer, site: this.site, err: (err as Error).message }, 'refusing link message')
        this.close('malformed link message', true)
        return
      }
      if ('ping' in msg) this.send(encodeControl({ pong: { nonce: msg.ping.nonce } }))
      else if ('pong' in msg) {
        this.rttMs = Math.max(0, Date.now() - msg.pong.nonce)
        if (this.rttSamples.length < 10_000) this.rttSamples.push(this.rttMs)
      }
      else if ('advertisement' in msg) this.handlers.advertisement(this, msg.advertisement)
      if (this.ended) return
    }
  }

  /** Every hello interval (the router's ticker calls it): a probe out, and the liveness verdict. */
  tick (now: number): void {
    if (this.ended) return
    const sinceTick = now - this.lastTickMs
    this.lastTickMs = now
    this.send(encodeControl({ ping: { nonce: Date.now() } }))
    // If this process itself stalled (GC, a burst of work), the peer's probes may
    // be sitting unread in the socket: timers run before I/O, so judge next tick.
    if (sinceTick > this.timers.helloIntervalMs * 1.5) return
    if (this.liveness.expired(now)) {
      this.close(`nothing heard for ${Math.round(this.liveness.silentFor(now))} ms (liveness timeout ${this.liveness.timeoutMs(now)} ms)`, true)
      return
    }
    if (now - this.lastSummaryMs >= PROBE_SUMMARY_INTERVAL_MS) {
      this.lastSummaryMs = now
      this.log.debug({ peer: this.peer, site: this.site, ...this.takeProbeSummary(now) }, 'link probes')
    }
  }

  /** Round trips and silences since the last summary (logged every 10 s at debug level). */
  takeProbeSummary (now = performance.now()): ProbeSummary {
    const rtts = this.rttSamples.sort((a, b) => a - b)
    this.rttSamples = []
    const at = (q: number): number => rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))]
    return {
      probes: rtts.length,
      ...(rtts.length > 0 ? { rttMinMs: rtts[0], rttP50Ms: at(0.5), rttP90Ms: at(0.9), rttMaxMs: rtts[rtts.length - 1] } : {}),
      worstSilenceMs: Math.round(this.liveness.takeWorstSilence()),
      livenessTimeoutMs: this.liveness.timeoutMs(now)
    }
  }

  private end (reason: string): void {
    if (this.ended) return
    this.ended = true
    if (this.stream.status === 'open') this.stream.abort(new Error(reason))
    if (!this.replaced) this.handlers.down(this, reason)
  }
}

