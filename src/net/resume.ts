import { ChunkQueue } from './chunk-queue.js'
import {
  COPY_BELOW_BYTES, DATA_HEADER_BYTES, DEFAULT_ACK_DELAY_MS, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_RESUME_TIMEOUT_MS,
  FRAME_ACK, FRAME_DATA, FRAME_DATA_ACK, FRAME_END, FRAME_RESET, FRAME_SYNC, MAX_DATA_FRAME_BYTES, MAX_RESET_REASON_BYTES,
  MAX_SEQ, MIN_MAX_BUFFERED_BYTES, RESET_HEADER_BYTES, RESET_LINGER_MS, SEQ_FRAME_BYTES, WRITE_HEADROOM_BYTES
} from './resume-constants.js'
import type { Endpoint, EndpointSink } from './splice.js'

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
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
  if (!Number.isSafeInteger(maxBuffered) || maxBuffered < MIN_MAX_BUFFERED_BYTES) throw new RangeError(`maxBufferedBytes must be an integer of at least ${MIN_MAX_BUFFERED_BYTES}`)
  const resumeTimeoutMs = options.resumeTimeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS
  const ackDelayMs = options.ackDelayMs ?? DEFAULT_ACK_DELAY_MS
  /** write() returns false from here on, so the write in hand when the source pauses still fits under the bound. */
  const pauseAt = maxBuffered - Math.min(WRITE_HEADROOM_BYTES, maxBuffered / 4)
  /** The sender asks for an acknowledgement every quarter of its bound, so its window reopens before it fills. */
  const ackRequestEvery = Math.floor(maxBuffered / 4)

  let inner: Endpoint | undefined = first
  /** Generation of the attached inner endpoint; events from earlier ones are ignored. */
  let gen = 0
  let state: ResumableState = 'live'
  let started = false
  let sink: EndpointSink | undefined
  let pendingFailure: string | undefined
  let resumes = 0

  // Outbound. retained holds data bytes [min(ackedSeq, written), written).
  const retained = new ChunkQueue()
  let written = 0
  let writeEnded = false
  let ackedSeq = 0
  /** Next seq the current inner gets; transmittedSeq: the most any inner got (what an ack may cover). */
  let transmitPos = 0
  let transmittedSeq = 0
  let lastAckRequestSeq = 0
  let innerBlocked = false
  let drainFns: Array<() => void> = []

  // Inbound.
  const inQueue = new ChunkQueue()
  let receivedData = 0
  let deliveredData = 0
  let peerEnded = false
  let endDelivered = false
  let appPaused = false
  let innerPausedForQueue = false
  let lastAckSent = 0
  /** Acknowledge without delay once delivery reaches this seq (the sender asked). */
  let ackWantedAt = 0
  let ackTimer: ReturnType<typeof setTimeout> | undefined

  // Frame parser; starts over on each inner endpoint (frames never span two).
  const header = new Uint8Array(SEQ_FRAME_BYTES)
  let headerFill = 0
  let headerNeed = 0
  let dataLeft = 0
  let dataAckWanted = false
  let reason: Uint8Array | undefined
  let reasonFill = 0
  let expectSync = false

  /** inner.end() was called: both directions are finished and acknowledged. */
  let finishing = false
  let resumeTimer: ReturnType<typeof setTimeout> | undefined
  let lingerTimer: ReturnType<typeof setTimeout> | undefined

  const terminal = (): boolean => state === 'closed' || state === 'reset'
  const receivedSeq = (): number => receivedData + (peerEnded ? 1 : 0)
  const deliveredSeq = (): number => deliveredData + (endDelivered ? 1 : 0)
  const ourEndAcked = (): boolean => writeEnded && ackedSeq === written + 1
  /** Nothing is left to move either way, and the far end has our acknowledgement of its end. */
  const done = (): boolean => endDelivered && ourEndAcked() && lastAckSent >= deliveredSeq()
  const blocked = (): boolean => retained.bytes >= pauseAt || (state === 'live' && innerBlocked)

  const report = (why: string): void => {
    if (started && sink !== undefined) sink.reset(why)
    else pendingFailure ??= why
  }

  const clearAckTimer = (): void => {
    if (ackTimer === undefined) return
    clearTimeout(ackTimer)
    ackTimer = undefined
  }

  const clearLinger = (): void => {
    if (lingerTimer === undefined) return
    clearTimeout(lingerTimer)
    lingerTimer = undefined
  }

  /** Drops everything held; the state is terminal. */
  const cleanup = (): void => {
    clearAckTimer()
    if (resumeTimer !== undefined) clearTimeout(resumeTimer)
    resumeTimer = undefined
    retained.clear()
    inQueue.clear()
    drainFns = []
    reason = undefined
  }

  const writeInner = (chunk: Uint8Array): void => {
    const target = inner
    if (target === undefined) return
    if (!target.write(chunk) && !innerBlocked) {
      innerBlocked = true
      const g = gen
      target.onDrain(() => {
        if (g !== gen) return
        innerBlocked = false
        maybeDrain()
      })
    }
  }

  const putSeq = (buf: Uint8Array, at: number, type: number, value: number): void => {
    buf[at] = type
    const hi = Math.floor(value / 2 ** 32)
    const lo = value >>> 0
    buf[at + 1] = hi >>> 24; buf[at + 2] = (hi >>> 16) & 0xff; buf[at + 3] = (hi >>> 8) & 0xff; buf[at + 4] = hi & 0xff
    buf[at + 5] = lo >>> 24; buf[at + 6] = (lo >>> 16) & 0xff; buf[at + 7] = (lo >>> 8) & 0xff; buf[at + 8] = lo & 0xff
  }

  const seqFrame = (type: number, value: number): Uint8Array => {
    const buf = Buffer.allocUnsafe(SEQ_FRAME_BYTES)
    putSeq(buf, 0, type, value)
    return buf
  }

  /** The acknowledgement to send now, if one is owed (it rides with the next data frame when there is one). */
  const takeAck = (): number => {
    const d = deliveredSeq()
    if (d <= lastAckSent) return -1
    lastAckSent = d
    clearAckTimer()
    return d
  }

  const sendAck = (): void => {
    if (state !== 'live') return
    const v = takeAck()
    if (v < 0) return
    writeInner(seqFrame(FRAME_ACK, v))
    maybeFinish()
  }

  /** Sends `piece` (the next bytes after transmitPos) as DATA frames; `fresh`: just written by the app, not a resend. */
  const sendData = (piece: Uint8Array, fresh: boolean): void => {
    const total = piece.byteLength
    for (let at = 0; at < total && inner !== undefined; at += MAX_DATA_FRAME_BYTES) {
      const part = total <= MAX_DATA_FRAME_BYTES ? piece : piece.subarray(at, at + MAX_DATA_FRAME_BYTES)
      const n = part.byteLength
      const end = transmitPos + n
      let type = FRAME_DATA
      if (end - lastAckRequestSeq >= ackRequestEvery || (fresh && retained.bytes >= pauseAt)) {
        type = FRAME_DATA_ACK
        lastAckRequestSeq = end
      }
      const ack = takeAck()
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
      transmitPos = end
      if (end > transmittedSeq) transmittedSeq = end
      if (n <= COPY_BELOW_BYTES) {
        buf.set(part, headerBytes)
        writeInner(buf)
      } else {
        writeInner(buf)
        writeInner(part)
      }
    }
  }

  const sendEnd = (): void => {
    writeInner(seqFrame(FRAME_END, written))
    transmitPos = written + 1
    if (transmitPos > transmittedSeq) transmittedSeq = transmitPos
  }

  const maybeDrain = (): void => {
    if (drainFns.length === 0 || terminal() || blocked()) return
    const fns = drainFns
    drainFns = []
    for (const fn of fns) fn()
  }

  const maybeFinish = (): void => {
    if (state !== 'live' || finishing || !done()) return
    finishing = true
    inner?.end()
  }

  /** After inbound progress: acknowledge now if the sender asked, else within ackDelayMs. */
  const afterInbound = (): void => {
    if (state !== 'live') return
    const d = deliveredSeq()
    if (d <= lastAckSent) return
    if (ackWantedAt > lastAckSent && d >= ackWantedAt) sendAck()
    else ackTimer ??= setTimeout(() => { ackTimer = undefined; sendAck() }, ackDelayMs)
  }

  const deliverEnd = (): void => {
    endDelivered = true
    ackWantedAt = deliveredSeq()
    sink?.end()
  }

  const takeData = (bytes: Uint8Array): void => {
    receivedData += bytes.byteLength
    if (!appPaused && inQueue.bytes === 0) {
      deliveredData += bytes.byteLength
      sink?.data(bytes)
      return
    }
    inQueue.push(bytes)
    if (inQueue.bytes >= maxBuffered && !innerPausedForQueue) {
      innerPausedForQueue = true
      inner?.pause()
    }
  }

  const flushQueue = (): void => {
    while (!appPaused && inQueue.bytes > 0 && !terminal()) {
      const c = inQueue.shift() as Uint8Array
      deliveredData += c.byteLength
      sink?.data(c)
    }
    if (terminal()) return
    if (inQueue.bytes === 0 && peerEnded && !endDelivered) deliverEnd()
    if (innerPausedForQueue && inQueue.bytes <= maxBuffered / 2) {
      innerPausedForQueue = false
      inner?.resume()
    }
    afterInbound()
    maybeFinish()
  }

  /** A frame the far end sent is wrong: reset with `why`, and tell the far end why. */
  const fail = (why: string): void => {
    if (terminal()) return
    const wasLive = state === 'live' && inner !== undefined
    state = 'reset'
    if (wasLive) sendResetAndClose(why)
    cleanup()
    report(why)
  }

  /** RESET, then a clean close so that it is not discarded with the stream; aborted if it does not go in time. */
  const sendResetAndClose = (why: string): void => {
    const target = inner as Endpoint
    const text = Buffer.from(why, 'utf8').subarray(0, MAX_RESET_REASON_BYTES)
    const buf = Buffer.allocUnsafe(RESET_HEADER_BYTES + text.byteLength)
    buf[0] = FRAME_RESET
    buf[1] = text.byteLength
    buf.set(text, RESET_HEADER_BYTES)
    target.write(buf)
    target.end()
    lingerTimer = setTimeout(() => { lingerTimer = undefined; target.reset() }, RESET_LINGER_MS)
  }

  const peerReset = (bytes: Uint8Array): void => {
    // Printable text only: the reason ends up in logs.
    const text = Buffer.from(bytes).toString('utf8').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?')
    state = 'reset'
    cleanup()
    inner?.reset()
    report(`${ResumeResetReason.peerReset} (${text})`)
  }

  const onAck = (v: number): void => {
    if (v > transmittedSeq) return fail(`${ResumeResetReason.ackBeyondSent} (${v} of ${transmittedSeq})`)
    if (v <= ackedSeq) return
    retained.drop(Math.min(v, written) - Math.min(ackedSeq, written))
    ackedSeq = v
    maybeDrain()
    maybeFinish()
  }

  const readSeq = (): number => {
    const hi = header[1] * 0x1000000 + ((header[2] << 16) | (header[3] << 8) | header[4])
    const lo = header[5] * 0x1000000 + ((header[6] << 16) | (header[7] << 8) | header[8])
    // 2^53 - 1 = 0x1fffff ffffffff: a larger count is not exact as a number.
    if (hi > 0x1fffff) return -1
    return hi * 2 ** 32 + lo
  }

  const headerSize = (type: number): number => {
    switch (type) {
      case FRAME_DATA: case FRAME_DATA_ACK: return DATA_HEADER_BYTES
      case FRAME_ACK: case FRAME_END: case FRAME_SYNC: return SEQ_FRAME_BYTES
      case FRAME_RESET: return RESET_HEADER_BYTES
      default: return 0
    }
  }

  const onHeader = (): void => {
    const type = header[0]
    if (type === FRAME_RESET) {
      if (header[1] === 0) return peerReset(new Uint8Array(0))
      reason = new Uint8Array(header[1])
      reasonFill = 0
      return
    }
    if (type === FRAME_SYNC) {
      if (!expectSync) return fail(ResumeResetReason.unexpectedSync)
      const at = readSeq()
      if (at !== receivedSeq()) return fail(`${ResumeResetReason.syncMismatch} (at ${at}, received ${receivedSeq()})`)
      expectSync = false
      return
    }
    if (expectSync) return fail(ResumeResetReason.missingSync)
    if (type === FRAME_ACK) {
      const v = readSeq()
      return v < 0 ? fail(ResumeResetReason.countTooLarge) : onAck(v)
    }
    if (type === FRAME_END) {
      const total = readSeq()
      if (peerEnded) return fail(ResumeResetReason.afterEnd)
      if (total !== receivedData) return fail(`${ResumeResetReason.endMismatch} (${total}, received ${receivedData})`)
      peerEnded = true
      if (inQueue.bytes === 0) deliverEnd()
      return
    }
    // DATA or DATA_ACK.
    const n = (header[1] << 16) | (header[2] << 8) | header[3]
    if (n === 0 || n > MAX_DATA_FRAME_BYTES) return fail(`${ResumeResetReason.badLength} (${n})`)
    if (peerEnded) return fail(ResumeResetReason.afterEnd)
    if (receivedData + n > MAX_SEQ - 1) return fail(ResumeResetReason.countTooLarge)
    dataLeft = n
    dataAckWanted = type === FRAME_DATA_ACK
  }

  /** Feeds one contiguous piece from inner generation `g` through the frame parser. */
  const parse = (piece: Uint8Array, g: number): void => {
    const len = piece.byteLength
    let at = 0
    while (at < len && g === gen && state === 'live') {
      if (dataLeft > 0) {
        const n = Math.min(dataLeft, len - at)
        const part = n === len ? piece : piece.subarray(at, at + n)
        at += n
        dataLeft -= n
        if (dataLeft === 0 && dataAckWanted) ackWantedAt = receivedData + n
        takeData(part)
        continue
      }
      if (reason !== undefined) {
        const n = Math.min(reason.byteLength - reasonFill, len - at)
        reason.set(piece.subarray(at, at + n), reasonFill)
        reasonFill += n
        at += n
        if (reasonFill === reason.byteLength) peerReset(reason)
        continue
      }
      if (headerFill === 0) {
        headerNeed = headerSize(piece[at])
        // Refused on its first byte: nothing of an unknown frame is buffered.
        if (headerNeed === 0) return fail(`${ResumeResetReason.unknownType} (${piece[at]})`)
      }
      const n = Math.min(headerNeed - headerFill, len - at)
      for (let i = 0; i < n; i++) header[headerFill + i] = piece[at + i]
      headerFill += n
      at += n
      if (headerFill < headerNeed) return
      headerFill = 0
      onHeader()
    }
  }

  const resetParser = (): void => {
    headerFill = 0
    dataLeft = 0
    dataAckWanted = false
    reason = undefined
  }

  const innerSinkFor = (g: number): EndpointSink => ({
    data (chunk) {
      if (g !== gen || state !== 'live') return
      if (chunk instanceof Uint8Array) parse(chunk, g)
      else for (const piece of chunk) parse(piece, g)
      if (g === gen) afterInbound()
    },
    end () {
      if (g !== gen || state !== 'live' || finishing) return
      // The far end closes its side only when everything is acknowledged both ways; earlier, something in between did.
      breakPath('the path closed before the tunnel finished')
    },
    reset (why) {
      if (g !== gen) return
      if (state === 'live') breakPath(`path broke: ${why}`)
      else clearLinger()
    },
    closed () {
      if (g !== gen) return
      if (state !== 'live') {
        clearLinger()
      } else if (finishing && done()) {
        state = 'closed'
        cleanup()
        sink?.closed()
      } else {
        breakPath('the path closed before the tunnel finished')
      }
    }
  })

  const breakPath = (why: string): void => {
    const old = inner
    inner = undefined
    gen++
    state = 'suspended'
    finishing = false
    innerBlocked = false
    innerPausedForQueue = false
    clearAckTimer()
    resetParser()
    old?.reset()
    resumeTimer = setTimeout(onResumeTimeout, resumeTimeoutMs)
    // Writers waiting for the old stream to drain may go on, into the buffer, up to the bound.
    maybeDrain()
    options.onBroken?.(why)
  }

  const onResumeTimeout = (): void => {
    resumeTimer = undefined
    if (state !== 'suspended') return
    if (endDelivered && ourEndAcked()) {
      // Every byte went both ways; only the far end may lack our last acknowledgement.
      state = 'closed'
      cleanup()
      sink?.closed()
      return
    }
    fail(`${ResumeResetReason.timeout} (${resumeTimeoutMs} ms)`)
  }

  /** One piece the app side wrote: kept until acknowledged, sent at once while a path is up. */
  const take = (p: Uint8Array): void => {
    const n = p.byteLength
    if (n === 0 || terminal()) return
    if (written + n > MAX_SEQ - 1) return fail(ResumeResetReason.countTooLarge)
    retained.push(p)
    written += n
    if (state === 'live') sendData(p, true)
  }

  const attach = (next: Endpoint, initial: Uint8Array | undefined): void => {
    const g = gen
    if (initial !== undefined && initial.byteLength > 0) {
      parse(initial, g)
      afterInbound()
    }
    // Started even after a failure in `initial`, so its close clears the linger timer.
    if (g === gen) next.start(innerSinkFor(g))
    if (g === gen && state === 'live' && innerPausedForQueue) next.pause()
  }

  return {
    get label () { return `${first.label} (resumable)` },
    get state () { return state },
    get bufferedBytes () { return retained.bytes },
    get queuedInboundBytes () { return inQueue.bytes },
    get received () { return receivedSeq() },
    get resumes () { return resumes },

    start (s) {
      if (started) return
      started = true
      sink = s
      if (pendingFailure !== undefined) {
        s.reset(pendingFailure)
        return
      }
      if (state === 'live' && inner !== undefined) attach(inner, options.initialInbound)
    },

    write (data) {
      if (terminal() || writeEnded) return true
      if (data instanceof Uint8Array) take(data)
      else for (const piece of data) take(piece)
      return !blocked()
    },

    onDrain (fn) {
      drainFns.push(fn)
      if (!blocked()) queueMicrotask(maybeDrain)
    },

    pause () { appPaused = true },

    resume () {
      appPaused = false
      flushQueue()
    },

    end () {
      if (terminal() || writeEnded) return
      writeEnded = true
      if (state === 'live') sendEnd()
      maybeFinish()
    },

    reset () {
      if (terminal()) return
      const wasLive = state === 'live' && inner !== undefined
      state = 'reset'
      if (wasLive) sendResetAndClose(APP_RESET_REASON)
      cleanup()
    },

    suspend (why) {
      if (state === 'live') breakPath(why)
    },

    reattach (next, peerReceived, initialInbound) {
      if (state === 'live' || !started) throw new ResumeStateError(state === 'live' ? 'reattach() on a live tunnel: suspend() it first' : 'reattach() before start()')
      if (state !== 'suspended') {
        next.reset()
        return false
      }
      if (resumeTimer !== undefined) clearTimeout(resumeTimer)
      resumeTimer = undefined
      inner = next
      gen++
      state = 'live'
      expectSync = true
      innerPausedForQueue = inQueue.bytes >= maxBuffered
      if (!Number.isSafeInteger(peerReceived) || peerReceived < ackedSeq || peerReceived > transmittedSeq) {
        // Told on the new stream, so the far end resets with the reason rather than waiting for its timeout.
        fail(`${ResumeResetReason.cannotResume} (from ${peerReceived}; sent ${transmittedSeq}, held from ${ackedSeq})`)
        next.start(innerSinkFor(gen))
        return false
      }
      resumes++
      // Bytes before peerReceived are not resent, but stay held (and count against the bound) until
      // acknowledged: the far end may have them only queued for its app side, not delivered, and its
      // queue is bounded by what this end holds.
      transmitPos = peerReceived
      lastAckRequestSeq = peerReceived
      writeInner(seqFrame(FRAME_SYNC, peerReceived))
      // Our last acknowledgement may have been lost with the old path, and the far end waits for it now that
      // reattach no longer counts peerReceived as acknowledged: repeat it (a repeat is ignored).
      if (deliveredSeq() > 0) {
        lastAckSent = Math.max(lastAckSent, deliveredSeq())
        clearAckTimer()
        writeInner(seqFrame(FRAME_ACK, deliveredSeq()))
      }
      if (peerReceived < written) retained.forEachFrom(peerReceived - Math.min(ackedSeq, written), (piece) => sendData(piece, false))
      if (writeEnded && peerReceived <= written) sendEnd()
      attach(next, initialInbound)
      maybeDrain()
      maybeFinish()
      return !terminal()
    },

    abandon (why) {
      fail(`${ResumeResetReason.abandoned}: ${why}`)
    }
  }
}
