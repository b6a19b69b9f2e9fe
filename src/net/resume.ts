import { ChunkQueue } from './chunk-queue.js'
import {
  COPY_BELOW_BYTES, DATA_HEADER_BYTES, RETAIN_COPY_FROM_BYTES, DEFAULT_ACK_DELAY_MS, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_RESUME_TIMEOUT_MS,
  FRAME_ACK, FRAME_DATA, FRAME_DATA_ACK, FRAME_END, FRAME_RESET, FRAME_SYNC, MAX_DATA_FRAME_BYTES, MAX_RESET_REASON_BYTES,
  MAX_SEQ, MIN_MAX_BUFFERED_BYTES, RESET_HEADER_BYTES, RESET_LINGER_MS, SEQ_FRAME_BYTES, WRITE_HEADROOM_BYTES
} from './resume-constants.js'
import type { Endpoint, EndpointSink } from './splice.js'
import type { Chunk } from '../wire/frames.js'

/**
 * Resumable tunnels (issue #13): an Endpoint for the two ends of a tunnel,
 * the ingress and the destination, on top of the tunnel stream's endpoint and
 * below the optional e2e sealing (so a resent byte is the same ciphertext).
 * Transit hops never see it: they splice its frames as bytes.
 *
 * Each end numbers the bytes it sends and keeps them until the far end
 * acknowledges them, up to `maxBufferedBytes`. When the stream breaks, the
 * app side (client or workload socket) is not reset: the layer suspends and
 * tells its owner (`onBroken`), which finds a new path, swaps `received`
 * counts with the far end and calls `reattach(newInner, peerReceived)`; both
 * ends resend from there. A RESET frame (the far end reset on purpose, or
 * refused a malformed frame) still resets; so does `resumeTimeoutMs` without a
 * path back. Frames and the sequence space: resume-constants.ts.
 *
 * Flow control is this layer's window, not the stream's: inbound bytes the
 * app side cannot take yet are queued here (at most what the far end may have
 * unacknowledged, i.e. its bound) and the stream keeps being read, so
 * acknowledgements are never stuck behind data in a paused stream and each
 * direction flows independently, as over plain TCP. Only a peer that sends
 * past `maxBufferedBytes` unacknowledged makes this end pause the stream.
 *
 * Memory per tunnel end: at most `maxBufferedBytes` outbound (the same
 * buffers the stream's send queue holds, by reference: nothing is copied but
 * payloads under 4 KiB) plus at most the far end's bound queued inbound while
 * the app side is slower than the path; both are 0 once idle and
 * acknowledged.
 */

/** Why a resumable endpoint reset its pipe (splice's resetReason); details follow in parentheses. */
export const ResumeResetReason = {
  unknownType: 'resume: frame of unknown type',
  badLength: 'resume: data frame length is 0 or over the cap',
  countTooLarge: 'resume: byte count over 2^53',
  ackBeyondSent: 'resume: acknowledgement of bytes never sent',
  endMismatch: 'resume: end frame count differs from the bytes received',
  afterEnd: 'resume: data or a second end after the end frame',
  missingSync: 'resume: resumed stream does not start with its sync frame',
  syncMismatch: 'resume: resumed stream starts elsewhere than the bytes received',
  unexpectedSync: 'resume: sync frame in the middle of a stream',
  cannotResume: 'resume: the far end asks to resume from bytes not held here',
  timeout: 'resume: no path back in time',
  abandoned: 'resume: abandoned by its owner',
  peerReset: 'resume: the far end reset the tunnel'
} as const

/** What a RESET frame says when the app side reset the connection (splice reset this end). */
const APP_RESET_REASON = 'connection reset'

/** reattach() on a tunnel that is live or not started: an owner's mistake, not the network's. */
export class ResumeStateError extends Error {
  override name = 'ResumeStateError'
}

export type ResumableState = 'live' | 'suspended' | 'closed' | 'reset'

export interface ResumableOptions {
  /** Unacknowledged bytes kept for the far end; write() returns false near it. Default 4 MiB (see resume-constants.ts). */
  maxBufferedBytes?: number
  /** A suspended tunnel not resumed within this is reset. Default 10 s. */
  resumeTimeoutMs?: number
  /** Longest delay before received bytes are acknowledged. Default 20 ms. */
  ackDelayMs?: number
  /** Bytes read from the first inner endpoint before this existed (behind the tunnel status). */
  initialInbound?: Uint8Array
  /** The path broke (or suspend() was called): reattach() or abandon() within resumeTimeoutMs. */
  onBroken?: (reason: string) => void
}

export interface ResumableEndpoint extends Endpoint {
  readonly state: ResumableState
  /**
   * Bytes written and not yet acknowledged (sent or waiting for a path). Never
   * above maxBufferedBytes while the writer stops when write() says so and
   * writes at most the headroom (128 KiB, or a quarter of a bound under
   * 512 KiB) at a time, as a socket source does (64 KiB reads).
   */
  readonly bufferedBytes: number
  /** Bytes received and not yet taken by the app side. */
  readonly queuedInboundBytes: number
  /**
   * How many of the far end's bytes arrived here (its END counts one): what
   * the owner sends in its resume handshake. Read it while suspended, so no
   * byte arrives after it is read.
   */
  readonly received: number
  /** Times reattach() succeeded. */
  readonly resumes: number
  /** The owner knows the path is gone (or a resume request came over a new one) before the stream says so. */
  suspend (reason: string): void
  /**
   * Continues over `inner`, the far end having received `peerReceived` of our
   * bytes. False (and `inner` reset) when this end is no longer resumable:
   * reset, timed out or closed meanwhile; also when `peerReceived` is outside
   * what was sent and is still held, which resets the tunnel. `initialInbound`:
   * bytes already read from `inner` (behind the owner's handshake).
   */
  reattach (inner: Endpoint, peerReceived: number, initialInbound?: Uint8Array): boolean
  /** Gives up: resets the app side with `reason` (and tells the far end, if a path is up). */
  abandon (reason: string): void
}

/**
 * Wraps `inner`, the tunnel stream's endpoint. Must be created on both ends
 * of the tunnel (a transit hop splices it raw). The far end's layer must use
 * a bound no larger than this end's, or this end pauses the stream when it
 * falls behind (still correct, no longer independent per direction).
 */
export function resumableEndpoint (first: Endpoint, options: ResumableOptions = {}): ResumableEndpoint {
  return new ResumableEnd(first, options)
}

/**
 * One resumable tunnel end. A class rather than a closure because every held
 * connection has one at each end: its methods are shared on the prototype and
 * an idle end is only its fields (a few hundred bytes; the closure it replaced
 * cost over 5 KiB). Callbacks handed out (timers, an inner endpoint's onDrain)
 * are made when they are armed, not per end; what the inner endpoint gets as
 * its sink is an InnerSink holding (this, generation).
 */
class ResumableEnd implements ResumableEndpoint {
  /** The first inner endpoint's label (read once: the endpoint itself is not kept past its path). */
  private readonly innerLabel: string
  private readonly maxBuffered: number
  private readonly resumeTimeoutMs: number
  private readonly ackDelayMs: number
  /** write() returns false from here on, so the write in hand when the source pauses still fits under the bound. */
  private readonly pauseAt: number
  /** The sender asks for an acknowledgement every quarter of its bound, so its window reopens before it fills. */
  private readonly ackRequestEvery: number
  private readonly onBroken: ((reason: string) => void) | undefined
  /** Bytes read from the first inner endpoint before this existed; parsed by start(), then dropped. */
  private initialInbound: Uint8Array | undefined

  private inner: Endpoint | undefined
  /** Generation of the attached inner endpoint; events from earlier ones are ignored. */
  private gen = 0
  /** What `state` says. */
  private phase: ResumableState = 'live'
  private started = false
  private sink: EndpointSink | undefined = undefined
  private pendingFailure: string | undefined = undefined
  private resumeCount = 0

  // Outbound. retained holds data bytes [min(ackedSeq, written), written).
  private retained = NO_CHUNKS
  private written = 0
  private writeEnded = false
  private ackedSeq = 0
  /** Next seq the current inner gets; transmittedSeq: the most any inner got (what an ack may cover). */
  private transmitPos = 0
  private transmittedSeq = 0
  private lastAckRequestSeq = 0
  private innerBlocked = false
  /** Writers waiting for onDrain; made by the first onDrain() that has to wait. */
  private drainFns: Array<() => void> | undefined = undefined

  // Inbound.
  private inQueue = NO_CHUNKS
  private receivedData = 0
  private deliveredData = 0
  private peerEnded = false
  private endDelivered = false
  private appPaused = false
  private innerPausedForQueue = false
  private lastAckSent = 0
  /** Acknowledge without delay once delivery reaches this seq (the sender asked). */
  private ackWantedAt = 0
  private ackTimer: ReturnType<typeof setTimeout> | undefined = undefined

  // Frame parser; starts over on each inner endpoint (frames never span two).
  /**
   * A frame header split across chunks: its bytes so far (headerFill of them),
   * sized for its type. A header within one chunk is read in place, so this
   * exists only while one is incomplete.
   */
  private header: Uint8Array | undefined = undefined
  private headerFill = 0
  private dataLeft = 0
  private dataAckWanted = false
  private reason: Uint8Array | undefined = undefined
  private reasonFill = 0
  private expectSync = false

  /** inner.end() was called: this stream carries nothing more from us (sentAll); our END may await its acknowledgement. */
  private finishing = false
  private resumeTimer: ReturnType<typeof setTimeout> | undefined = undefined
  private lingerTimer: ReturnType<typeof setTimeout> | undefined = undefined

  constructor (first: Endpoint, options: ResumableOptions) {
    const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
    if (!Number.isSafeInteger(maxBuffered) || maxBuffered < MIN_MAX_BUFFERED_BYTES) throw new RangeError(`maxBufferedBytes must be an integer of at least ${MIN_MAX_BUFFERED_BYTES}`)
    this.maxBuffered = maxBuffered
    this.resumeTimeoutMs = options.resumeTimeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS
    this.ackDelayMs = options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS
    this.pauseAt = maxBuffered - Math.min(WRITE_HEADROOM_BYTES, maxBuffered / 4)
    this.ackRequestEvery = Math.floor(maxBuffered / 4)
    this.onBroken = options.onBroken
    this.initialInbound = options.initialInbound
    this.innerLabel = first.label
    this.inner = first
  }

  get label (): string { return `${this.innerLabel} (resumable)` }
  get state (): ResumableState { return this.phase }
  get bufferedBytes (): number { return this.retained.bytes }
  get queuedInboundBytes (): number { return this.inQueue.bytes }
  get received (): number { return this.receivedSeq() }
  get resumes (): number { return this.resumeCount }

  start (s: EndpointSink): void {
    if (this.started) return
    this.started = true
    this.sink = s
    const initial = this.initialInbound
    this.initialInbound = undefined
    if (this.pendingFailure !== undefined) {
      s.reset(this.pendingFailure)
      return
    }
    if (this.phase === 'live' && this.inner !== undefined) this.attach(this.inner, initial)
  }

  write (data: Chunk): boolean {
    if (this.terminal() || this.writeEnded) return true
    if (data instanceof Uint8Array) this.take(data)
    else for (const piece of data) this.take(piece)
    return !this.blocked()
  }

  onDrain (fn: () => void): void {
    (this.drainFns ??= []).push(fn)
    if (!this.blocked()) queueMicrotask(() => { this.maybeDrain() })
  }

  pause (): void { this.appPaused = true }

  resume (): void {
    this.appPaused = false
    this.flushQueue()
  }

  end (): void {
    if (this.terminal() || this.writeEnded) return
    this.writeEnded = true
    if (this.phase === 'live') this.sendEnd()
    this.maybeFinish()
  }

  reset (): void {
    if (this.terminal()) return
    const wasLive = this.phase === 'live' && this.inner !== undefined
    this.phase = 'reset'
    if (wasLive) this.sendResetAndClose(APP_RESET_REASON)
    this.cleanup()
  }

  suspend (why: string): void {
    if (this.phase === 'live') this.breakPath(why)
  }

  reattach (next: Endpoint, peerReceived: number, initialInbound?: Uint8Array): boolean {
    if (this.phase === 'live' || !this.started) throw new ResumeStateError(this.phase === 'live' ? 'reattach() on a live tunnel: suspend() it first' : 'reattach() before start()')
    if (this.phase !== 'suspended') {
      next.reset()
      return false
    }
    if (this.resumeTimer !== undefined) clearTimeout(this.resumeTimer)
    this.resumeTimer = undefined
    this.inner = next
    this.gen++
    this.phase = 'live'
    this.expectSync = true
    this.innerPausedForQueue = this.inQueue.bytes >= this.maxBuffered
    if (!Number.isSafeInteger(peerReceived) || peerReceived < this.ackedSeq || peerReceived > this.transmittedSeq) {
      // Told on the new stream, so the far end resets with the reason rather than waiting for its timeout.
      this.fail(`${ResumeResetReason.cannotResume} (from ${peerReceived}; sent ${this.transmittedSeq}, held from ${this.ackedSeq})`)
      next.start(new InnerSink(this, this.gen))
      return false
    }
    this.resumeCount++
    // Bytes before peerReceived are not resent, but stay held (and count against the bound) until
    // acknowledged: the far end may have them only queued for its app side, not delivered, and its
    // queue is bounded by what this end holds.
    this.transmitPos = peerReceived
    this.lastAckRequestSeq = peerReceived
    this.writeInner(seqFrame(FRAME_SYNC, peerReceived))
    // Our last acknowledgement may have been lost with the old path, and the far end waits for it now that
    // reattach no longer counts peerReceived as acknowledged: repeat it (a repeat is ignored).
    const delivered = this.deliveredSeq()
    if (delivered > 0) {
      this.lastAckSent = Math.max(this.lastAckSent, delivered)
      this.clearAckTimer()
      this.writeInner(seqFrame(FRAME_ACK, delivered))
    }
    if (peerReceived < this.written) this.retained.forEachFrom(peerReceived - Math.min(this.ackedSeq, this.written), (piece) => { this.sendData(piece, false) })
    if (this.writeEnded && peerReceived <= this.written) this.sendEnd()
    this.attach(next, initialInbound)
    this.maybeDrain()
    this.maybeFinish()
    return !this.terminal()
  }

  abandon (why: string): void {
    this.fail(`${ResumeResetReason.abandoned}: ${why}`)
  }

  // The inner endpoint's events, through the InnerSink of its generation `g`.

  innerData (g: number, chunk: Chunk): void {
    if (g !== this.gen || this.phase !== 'live') return
    if (chunk instanceof Uint8Array) this.parse(chunk, g)
    else for (const piece of chunk) this.parse(piece, g)
    if (g === this.gen) this.afterInbound()
  }

  innerEnd (g: number): void {
    if (g !== this.gen || this.phase !== 'live' || this.finishing) return
    // The far end closes its side once it has sent its END and acknowledged ours (that acknowledgement comes
    // first on the stream); we may still owe it acknowledgements. Earlier, something in between closed it.
    if (this.peerEnded && this.ourEndAcked()) return
    this.breakPath('the path closed before the tunnel finished')
  }

  innerReset (g: number, why: string): void {
    if (g !== this.gen) return
    if (this.phase === 'live') this.breakPath(`path broke: ${why}`)
    else this.clearLinger()
  }

  innerClosed (g: number): void {
    if (g !== this.gen) return
    if (this.phase !== 'live') {
      this.clearLinger()
    } else if (this.finishing && this.done()) {
      this.phase = 'closed'
      this.cleanup()
      this.sink?.closed()
    } else {
      this.breakPath('the path closed before the tunnel finished')
    }
  }

  private terminal (): boolean { return this.phase === 'closed' || this.phase === 'reset' }
  private receivedSeq (): number { return this.receivedData + (this.peerEnded ? 1 : 0) }
  private deliveredSeq (): number { return this.deliveredData + (this.endDelivered ? 1 : 0) }
  private ourEndAcked (): boolean { return this.writeEnded && this.ackedSeq === this.written + 1 }
  /** Nothing is left to move either way, and the far end has our acknowledgement of its end. */
  private done (): boolean { return this.endDelivered && this.ourEndAcked() && this.lastAckSent >= this.deliveredSeq() }
  /**
   * This stream will carry nothing more from us: our END is on it and the far
   * end's END is delivered and acknowledged. Our END may still be
   * unacknowledged: the far end acknowledges it before it closes its side, and
   * a stream that closes without that is a broken path (resumed, END resent).
   */
  private sentAll (): boolean { return this.endDelivered && this.writeEnded && this.transmitPos > this.written && this.lastAckSent >= this.deliveredSeq() }
  private blocked (): boolean { return this.retained.bytes >= this.pauseAt || (this.phase === 'live' && this.innerBlocked) }

  private report (why: string): void {
    if (this.started && this.sink !== undefined) this.sink.reset(why)
    else this.pendingFailure ??= why
  }

  private clearAckTimer (): void {
    if (this.ackTimer === undefined) return
    clearTimeout(this.ackTimer)
    this.ackTimer = undefined
  }

  private clearLinger (): void {
    if (this.lingerTimer === undefined) return
    clearTimeout(this.lingerTimer)
    this.lingerTimer = undefined
  }

  /** Drops everything held; the state is terminal. */
  private cleanup (): void {
    this.clearAckTimer()
    if (this.resumeTimer !== undefined) clearTimeout(this.resumeTimer)
    this.resumeTimer = undefined
    this.retained = NO_CHUNKS
    this.inQueue = NO_CHUNKS
    this.drainFns = undefined
    this.reason = undefined
    this.header = undefined
  }

  private writeInner (chunk: Uint8Array): void {
    const target = this.inner
    if (target === undefined) return
    if (!target.write(chunk) && !this.innerBlocked) {
      this.innerBlocked = true
      const g = this.gen
      target.onDrain(() => {
        if (g !== this.gen) return
        this.innerBlocked = false
        this.maybeDrain()
      })
    }
  }

  /** The acknowledgement to send now, if one is owed (it rides with the next data frame when there is one). */
  private takeAck (): number {
    const d = this.deliveredSeq()
    if (d <= this.lastAckSent) return -1
    this.lastAckSent = d
    this.clearAckTimer()
    return d
  }

  private sendAck (): void {
    if (this.phase !== 'live') return
    const v = this.takeAck()
    if (v < 0) return
    this.writeInner(seqFrame(FRAME_ACK, v))
    this.maybeFinish()
  }

  /** Sends `piece` (the next bytes after transmitPos) as DATA frames; `fresh`: just written by the app, not a resend. */
  private sendData (piece: Uint8Array, fresh: boolean): void {
    const total = piece.byteLength
    for (let at = 0; at < total && this.inner !== undefined; at += MAX_DATA_FRAME_BYTES) {
      const part = total <= MAX_DATA_FRAME_BYTES ? piece : piece.subarray(at, at + MAX_DATA_FRAME_BYTES)
      const n = part.byteLength
      const end = this.transmitPos + n
      let type = FRAME_DATA
      if (end - this.lastAckRequestSeq >= this.ackRequestEvery || (fresh && this.retained.bytes >= this.pauseAt)) {
        type = FRAME_DATA_ACK
        this.lastAckRequestSeq = end
      }
      const ack = this.takeAck()
      const headerBytes = (ack >= 0 ? SEQ_FRAME_BYTES : 0) + DATA_HEADER_BYTES
      const buf = Buffer.allocUnsafe(headerBytes + (n <= COPY_BELOW_BYTES ? n : 0))
      let h = 0
      if (ack >= 0) {
        putSeq(buf, 0, FRAME_ACK, ack)
        h = SEQ_FRAME_BYTES
      }
      buf[h] = type
      buf[h + 1] = n >>> 16
      buf[h + 2] = (n >>> 8) & 0xff
      buf[h + 3] = n & 0xff
      this.transmitPos = end
      if (end > this.transmittedSeq) this.transmittedSeq = end
      if (n <= COPY_BELOW_BYTES) {
        buf.set(part, headerBytes)
        this.writeInner(buf)
      } else {
        this.writeInner(buf)
        this.writeInner(part)
      }
    }
  }

  /** END, behind the acknowledgement owed, if any (the far end's END often waits for ours: see deliverEnd). */
  private sendEnd (): void {
    const ack = this.takeAck()
    if (ack < 0) {
      this.writeInner(seqFrame(FRAME_END, this.written))
    } else {
      const buf = Buffer.allocUnsafe(2 * SEQ_FRAME_BYTES)
      putSeq(buf, 0, FRAME_ACK, ack)
      putSeq(buf, SEQ_FRAME_BYTES, FRAME_END, this.written)
      this.writeInner(buf)
    }
    this.transmitPos = this.written + 1
    if (this.transmitPos > this.transmittedSeq) this.transmittedSeq = this.transmitPos
  }

  private maybeDrain (): void {
    const fns = this.drainFns
    if (fns === undefined || fns.length === 0 || this.terminal() || this.blocked()) return
    this.drainFns = undefined
    for (const fn of fns) fn()
  }

  /** Closes our side of the stream once there is nothing more to send: with the END that completes it, when we are the second to end. */
  private maybeFinish (): void {
    if (this.phase !== 'live' || this.finishing || !this.sentAll()) return
    this.finishing = true
    this.inner?.end()
  }

  /** After inbound progress: acknowledge now if the sender asked, else within ackDelayMs. */
  private afterInbound (): void {
    if (this.phase !== 'live') return
    const d = this.deliveredSeq()
    if (d <= this.lastAckSent) return
    if (this.ackWantedAt > this.lastAckSent && d >= this.ackWantedAt) this.sendAck()
    else this.ackTimer ??= setTimeout(() => { this.ackTimer = undefined; this.sendAck() }, this.ackDelayMs)
  }

  /**
   * The far end's END reached the app side. Once our own END is out, nothing
   * else will carry its acknowledgement: send it now, so both ends can close.
   * Before that it waits (at most ackDelayMs): an app that answers a close
   * with its own, as most do, sends its END soon, and the acknowledgement
   * rides with it, one frame fewer per connection.
   */
  private deliverEnd (): void {
    this.endDelivered = true
    if (this.writeEnded) this.ackWantedAt = this.deliveredSeq()
    this.sink?.end()
  }

  private takeData (bytes: Uint8Array): void {
    this.receivedData += bytes.byteLength
    if (!this.appPaused && this.inQueue.bytes === 0) {
      this.deliveredData += bytes.byteLength
      this.sink?.data(bytes)
      return
    }
    if (this.inQueue === NO_CHUNKS) this.inQueue = new ChunkQueue()
    this.inQueue.push(bytes)
    if (this.inQueue.bytes >= this.maxBuffered && !this.innerPausedForQueue) {
      this.innerPausedForQueue = true
      this.inner?.pause()
    }
  }

  private flushQueue (): void {
    while (!this.appPaused && this.inQueue.bytes > 0 && !this.terminal()) {
      const c = this.inQueue.shift() as Uint8Array
      this.deliveredData += c.byteLength
      this.sink?.data(c)
    }
    if (this.inQueue.bytes === 0) this.inQueue = NO_CHUNKS
    if (this.terminal()) return
    if (this.inQueue.bytes === 0 && this.peerEnded && !this.endDelivered) this.deliverEnd()
    if (this.innerPausedForQueue && this.inQueue.bytes <= this.maxBuffered / 2) {
      this.innerPausedForQueue = false
      this.inner?.resume()
    }
    this.afterInbound()
    this.maybeFinish()
  }

  /** A frame the far end sent is wrong: reset with `why`, and tell the far end why. */
  private fail (why: string): void {
    if (this.terminal()) return
    const wasLive = this.phase === 'live' && this.inner !== undefined
    this.phase = 'reset'
    if (wasLive) this.sendResetAndClose(why)
    this.cleanup()
    this.report(why)
  }

  /** RESET, then a clean close so that it is not discarded with the stream; aborted if it does not go in time. */
  private sendResetAndClose (why: string): void {
    const target = this.inner as Endpoint
    const text = Buffer.from(why, 'utf8').subarray(0, MAX_RESET_REASON_BYTES)
    const buf = Buffer.allocUnsafe(RESET_HEADER_BYTES + text.byteLength)
    buf[0] = FRAME_RESET
    buf[1] = text.byteLength
    buf.set(text, RESET_HEADER_BYTES)
    target.write(buf)
    target.end()
    this.lingerTimer = setTimeout(() => { this.lingerTimer = undefined; target.reset() }, RESET_LINGER_MS)
  }

  private peerReset (bytes: Uint8Array): void {
    // Printable text only: the reason ends up in logs.
    const text = Buffer.from(bytes).toString('utf8').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?')
    this.phase = 'reset'
    this.cleanup()
    this.inner?.reset()
    this.report(`${ResumeResetReason.peerReset} (${text})`)
  }

  private onAck (v: number): void {
    if (v > this.transmittedSeq) return this.fail(`${ResumeResetReason.ackBeyondSent} (${v} of ${this.transmittedSeq})`)
    if (v <= this.ackedSeq) return
    this.retained.drop(Math.min(v, this.written) - Math.min(this.ackedSeq, this.written))
    if (this.retained.bytes === 0) this.retained = NO_CHUNKS
    this.ackedSeq = v
    this.maybeDrain()
    this.maybeFinish()
  }

  /** A complete frame header, at `h[o]` on (in the chunk it arrived in, or in `header` if it was split). */
  private onHeader (h: Uint8Array, o: number): void {
    const type = h[o]
    if (type === FRAME_RESET) {
      if (h[o + 1] === 0) return this.peerReset(new Uint8Array(0))
      this.reason = new Uint8Array(h[o + 1])
      this.reasonFill = 0
      return
    }
    if (type === FRAME_SYNC) {
      if (!this.expectSync) return this.fail(ResumeResetReason.unexpectedSync)
      const at = readSeq(h, o)
      if (at !== this.receivedSeq()) return this.fail(`${ResumeResetReason.syncMismatch} (at ${at}, received ${this.receivedSeq()})`)
      this.expectSync = false
      return
    }
    if (this.expectSync) return this.fail(ResumeResetReason.missingSync)
    if (type === FRAME_ACK) {
      const v = readSeq(h, o)
      return v < 0 ? this.fail(ResumeResetReason.countTooLarge) : this.onAck(v)
    }
    if (type === FRAME_END) {
      const total = readSeq(h, o)
      if (this.peerEnded) return this.fail(ResumeResetReason.afterEnd)
      if (total !== this.receivedData) return this.fail(`${ResumeResetReason.endMismatch} (${total}, received ${this.receivedData})`)
      this.peerEnded = true
      if (this.inQueue.bytes === 0) this.deliverEnd()
      return
    }
    // DATA or DATA_ACK.
    const n = (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]
    if (n === 0 || n > MAX_DATA_FRAME_BYTES) return this.fail(`${ResumeResetReason.badLength} (${n})`)
    if (this.peerEnded) return this.fail(ResumeResetReason.afterEnd)
    if (this.receivedData + n > MAX_SEQ - 1) return this.fail(ResumeResetReason.countTooLarge)
    this.dataLeft = n
    this.dataAckWanted = type === FRAME_DATA_ACK
  }

  /** Feeds one contiguous piece from inner generation `g` through the frame parser. */
  private parse (piece: Uint8Array, g: number): void {
    const len = piece.byteLength
    let at = 0
    while (at < len && g === this.gen && this.phase === 'live') {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, len - at)
        const part = n === len ? piece : piece.subarray(at, at + n)
        at += n
        this.dataLeft -= n
        if (this.dataLeft === 0 && this.dataAckWanted) this.ackWantedAt = this.receivedData + n
        this.takeData(part)
        continue
      }
      const reason = this.reason
      if (reason !== undefined) {
        const n = Math.min(reason.byteLength - this.reasonFill, len - at)
        reason.set(piece.subarray(at, at + n), this.reasonFill)
        this.reasonFill += n
        at += n
        if (this.reasonFill === reason.byteLength) this.peerReset(reason)
        continue
      }
      let header = this.header
      if (header === undefined) {
        const need = headerSize(piece[at])
        // Refused on its first byte: nothing of an unknown frame is buffered.
        if (need === 0) return this.fail(`${ResumeResetReason.unknownType} (${piece[at]})`)
        if (len - at >= need) {
          const h = at
          at += need
          this.onHeader(piece, h)
          continue
        }
        header = this.header = new Uint8Array(need)
      }
      const n = Math.min(header.byteLength - this.headerFill, len - at)
      for (let i = 0; i < n; i++) header[this.headerFill + i] = piece[at + i]
      this.headerFill += n
      at += n
      if (this.headerFill < header.byteLength) return
      this.header = undefined
      this.headerFill = 0
      this.onHeader(header, 0)
    }
  }

  private resetParser (): void {
    this.header = undefined
    this.headerFill = 0
    this.dataLeft = 0
    this.dataAckWanted = false
    this.reason = undefined
  }

  private breakPath (why: string): void {
    const old = this.inner
    this.inner = undefined
    this.gen++
    this.phase = 'suspended'
    this.finishing = false
    this.innerBlocked = false
    this.innerPausedForQueue = false
    this.clearAckTimer()
    this.resetParser()
    old?.reset()
    this.resumeTimer = setTimeout(() => { this.onResumeTimeout() }, this.resumeTimeoutMs)
    // Writers waiting for the old stream to drain may go on, into the buffer, up to the bound.
    this.maybeDrain()
    const onBroken = this.onBroken
    onBroken?.(why)
  }

  private onResumeTimeout (): void {
    this.resumeTimer = undefined
    if (this.phase !== 'suspended') return
    if (this.endDelivered && this.ourEndAcked()) {
      // Every byte went both ways; only the far end may lack our last acknowledgement.
      this.phase = 'closed'
      this.cleanup()
      this.sink?.closed()
      return
    }
    this.fail(`${ResumeResetReason.timeout} (${this.resumeTimeoutMs} ms)`)
  }

  /** One piece the app side wrote: kept until acknowledged, sent at once while a path is up. */
  private take (p: Uint8Array): void {
    const n = p.byteLength
    if (n === 0 || this.terminal()) return
    if (this.written + n > MAX_SEQ - 1) return this.fail(ResumeResetReason.countTooLarge)
    if (this.retained === NO_CHUNKS) this.retained = new ChunkQueue()
    if (n >= RETAIN_COPY_FROM_BYTES) this.retained.pushCopy(p)
    else this.retained.push(p)
    this.written += n
    if (this.phase === 'live') this.sendData(p, true)
  }

  private attach (next: Endpoint, initial: Uint8Array | undefined): void {
    const g = this.gen
    if (initial !== undefined && initial.byteLength > 0) {
      this.parse(initial, g)
      this.afterInbound()
    }
    // Started even after a failure in `initial`, so its close clears the linger timer.
    if (g === this.gen) next.start(new InnerSink(this, g))
    if (g === this.gen && this.phase === 'live' && this.innerPausedForQueue) next.pause()
  }
}

/** The sink a resumable end gives its inner endpoint of generation `gen`: forwards every event with it. */
/**
 * What an end holds while it holds nothing, shared by every end: an idle
 * tunnel keeps no queue objects (or their arrays) of its own. Only the two
 * push sites replace it with an own queue, and an own queue is given back
 * once empty; this one is never pushed to.
 */
const NO_CHUNKS = new ChunkQueue()

class InnerSink implements EndpointSink {
  private readonly owner: ResumableEnd
  private readonly gen: number

  constructor (owner: ResumableEnd, gen: number) {
    this.owner = owner
    this.gen = gen
  }

  data (chunk: Chunk): void { this.owner.innerData(this.gen, chunk) }
  end (): void { this.owner.innerEnd(this.gen) }
  reset (why: string): void { this.owner.innerReset(this.gen, why) }
  closed (): void { this.owner.innerClosed(this.gen) }
}

function putSeq (buf: Uint8Array, at: number, type: number, value: number): void {
  buf[at] = type
  const hi = Math.floor(value / 2 ** 32)
  const lo = value >>> 0
  buf[at + 1] = hi >>> 24; buf[at + 2] = (hi >>> 16) & 0xff; buf[at + 3] = (hi >>> 8) & 0xff; buf[at + 4] = hi & 0xff
  buf[at + 5] = lo >>> 24; buf[at + 6] = (lo >>> 16) & 0xff; buf[at + 7] = (lo >>> 8) & 0xff; buf[at + 8] = lo & 0xff
}

function seqFrame (type: number, value: number): Uint8Array {
  const buf = Buffer.allocUnsafe(SEQ_FRAME_BYTES)
  putSeq(buf, 0, type, value)
  return buf
}

/** The count in the seq frame header at `h[o]`, or -1 if over 2^53. */
function readSeq (h: Uint8Array, o: number): number {
  const hi = h[o + 1] * 0x1000000 + ((h[o + 2] << 16) | (h[o + 3] << 8) | h[o + 4])
  const lo = h[o + 5] * 0x1000000 + ((h[o + 6] << 16) | (h[o + 7] << 8) | h[o + 8])
  // 2^53 - 1 = 0x1fffff ffffffff: a larger count is not exact as a number.
  if (hi > 0x1fffff) return -1
  return hi * 2 ** 32 + lo
}

function headerSize (type: number): number {
  switch (type) {
    case FRAME_DATA: case FRAME_DATA_ACK: return DATA_HEADER_BYTES
    case FRAME_ACK: case FRAME_END: case FRAME_SYNC: return SEQ_FRAME_BYTES
    case FRAME_RESET: return RESET_HEADER_BYTES
    default: return 0
  }
}
