import { createHash, randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { dial } from './tcp.js'

/**
 * A long-lived client connection to an echo service that keeps talking: a
 * piece of fresh random bytes every `periodMs`, each echo compared with what
 * was sent, byte for byte and in order. It records the longest silence
 * between two echoes (the pause a fault caused) and whether the connection
 * was reset or any echoed byte differed.
 */
export class HeldEcho {
  /** Bytes sent that have not come back yet, oldest first. */
  private outstanding: Buffer[] = []
  private offset = 0
  sent = 0
  echoed = 0
  /** Echoed bytes that differed from what was sent at that place (lost, duplicated or reordered bytes show here). */
  wrong = 0
  reset = false
  closedCleanly = false
  /** Longest gap between two echo arrivals while the connection was talking (ms). */
  longestPauseMs = 0
  private lastEchoAt = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  /** Called after every echo and on close: conditions waiting on this connection. */
  private waiters = new Set<() => void>()

  private constructor (readonly socket: Socket, private readonly pieceBytes: number) {}

  static async open (port: number, opts: { periodMs?: number, pieceBytes?: number, host?: string } = {}): Promise<HeldEcho> {
    const h = new HeldEcho(await dial(port, opts.host), opts.pieceBytes ?? 512)
    h.socket.on('data', (d: Buffer) => h.onEcho(d))
    h.socket.on('error', () => { h.reset = true })
    h.socket.on('close', (hadError) => {
      if (hadError) h.reset = true
      else if (!h.stopped) h.reset = true
      h.halt()
      h.wake()
    })
    h.lastEchoAt = performance.now()
    h.timer = setInterval(() => h.send(), opts.periodMs ?? 20)
    return h
  }

  private send (): void {
    if (this.socket.destroyed || this.stopped) return
    // At most 64 pieces in flight: a stalled path holds the talker back rather than piling bytes up.
    if (this.outstanding.length >= 64) return
    const piece = randomBytes(this.pieceBytes)
    this.outstanding.push(piece)
    this.sent += piece.length
    this.socket.write(piece)
  }

  private wake (): void {
    for (const w of [...this.waiters]) w()
  }

  /** Resolves when `done()` holds (checked after each echo and on close), rejects when `failed()` says why or after timeoutMs. */
  private async until (done: () => boolean, failed: () => string | undefined, timeoutMs: number, what: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        const why = failed()
        if (!done() && why === undefined) return
        clearTimeout(timer)
        this.waiters.delete(check)
        if (done()) resolve()
        else reject(new Error(why))
      }
      const timer = setTimeout(() => { this.waiters.delete(check); reject(new Error(`${what}: not within ${timeoutMs} ms (${this.echoed} of ${this.sent} bytes echoed)`)) }, timeoutMs)
      this.waiters.add(check)
      check()
    })
  }

  private onEcho (d: Buffer): void {
    const now = performance.now()
    if (this.echoed > 0) this.longestPauseMs = Math.max(this.longestPauseMs, now - this.lastEchoAt)
    this.lastEchoAt = now
    let at = 0
    while (at < d.length) {
      const head = this.outstanding[0]
      if (head === undefined) {
        // More came back than was sent.
        this.wrong += d.length - at
        return
      }
      const n = Math.min(head.length - this.offset, d.length - at)
      if (!head.subarray(this.offset, this.offset + n).equals(d.subarray(at, at + n))) this.wrong += n
      at += n
      this.offset += n
      this.echoed += n
      if (this.offset === head.length) {
        this.outstanding.shift()
        this.offset = 0
      }
    }
    this.wake()
  }

  /** Resolves once `bytes` more have been echoed (or rejects after timeoutMs): the connection is talking. */
  async echoesMore (bytes: number, timeoutMs = 10_000): Promise<void> {
    const target = this.echoed + bytes
    await this.until(() => this.echoed >= target, () => this.reset ? 'the held connection was reset' : undefined, timeoutMs, `${bytes} more bytes echoed`)
  }

  /** Resolves when the connection is reset (rejects after timeoutMs, or if it closes cleanly). */
  async whenReset (timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.reset, () => undefined, timeoutMs, 'reset')
  }

  /** Resets the pause measurement (call just before the fault). */
  markFault (): void {
    this.longestPauseMs = 0
  }

  private halt (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Stops talking, waits for every byte sent to come back, then closes cleanly; says whether all of that held. */
  async finish (timeoutMs = 10_000): Promise<{ intact: boolean, sent: number, echoed: number, wrong: number, reset: boolean }> {
    this.halt()
    await this.until(() => this.echoed >= this.sent, () => this.reset ? 'reset' : undefined, timeoutMs, 'every byte echoed').catch(() => {})
    this.stopped = true
    const result = { intact: !this.reset && this.wrong === 0 && this.echoed === this.sent, sent: this.sent, echoed: this.echoed, wrong: this.wrong, reset: this.reset }
    this.socket.end()
    this.socket.destroy()
    return result
  }
}

/**
 * A bulk transfer through an echo service: `total` bytes of random content
 * sent at a steady pace (`chunk` every `periodMs`, so faults can be placed in
 * the middle of it), the echo read back; SHA-256 of each direction.
 */
export class BulkEcho {
  private readonly sentHash = createHash('sha256')
  private readonly receivedHash = createHash('sha256')
  sent = 0
  received = 0
  reset = false
  private readonly ended: Promise<void>
  private progressWaiters = new Set<() => void>()

  private constructor (readonly socket: Socket, readonly total: number) {
    this.ended = new Promise((resolve) => {
      socket.on('data', (d: Buffer) => {
        this.receivedHash.update(d)
        this.received += d.length
        for (const w of [...this.progressWaiters]) w()
      })
      socket.on('error', () => { this.reset = true })
      socket.on('close', (hadError) => {
        if (hadError) this.reset = true
        for (const w of [...this.progressWaiters]) w()
        resolve()
      })
    })
  }

  static async start (port: number, total: number, opts: { chunk?: number, periodMs?: number } = {}): Promise<BulkEcho> {
    const b = new BulkEcho(await dial(port), total)
    void b.pump(opts.chunk ?? 128 * 1024, opts.periodMs ?? 16)
    return b
  }

  private async pump (chunk: number, periodMs: number): Promise<void> {
    while (this.sent < this.total && !this.socket.destroyed) {
      const piece = randomBytes(Math.min(chunk, this.total - this.sent))
      this.sentHash.update(piece)
      this.sent += piece.length
      if (!this.socket.write(piece)) await new Promise(resolve => this.socket.once('drain', resolve))
      await new Promise(resolve => setTimeout(resolve, periodMs))
    }
    if (!this.socket.destroyed) this.socket.end()
  }

  /** Resolves once `bytes` have come back. */
  async reached (bytes: number, timeoutMs = 30_000): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.received >= bytes) { done(); resolve() } else if (this.reset || this.socket.destroyed) { done(); reject(new Error(`the transfer ended at ${this.received} bytes`)) }
      }
      const done = (): void => { clearTimeout(timer); this.progressWaiters.delete(check) }
      const timer = setTimeout(() => { done(); reject(new Error(`${this.received} of ${bytes} bytes back in ${timeoutMs} ms`)) }, timeoutMs)
      this.progressWaiters.add(check)
      check()
    })
  }

  /** Waits for the echo's end; the two directions' digests and counts. */
  async done (): Promise<{ sent: number, received: number, sentSha: string, receivedSha: string, reset: boolean }> {
    await this.ended
    return { sent: this.sent, received: this.received, sentSha: this.sentHash.digest('hex'), receivedSha: this.receivedHash.digest('hex'), reset: this.reset }
  }
}
