/**
 * When is a silent link dead? Pure decision logic for one link session, on
 * an injected clock (milliseconds, monotonic); no timers, no I/O.
 *
 * The peer sends a probe every `intervalMs`, and everything it sends (probes,
 * answers, advertisements, tunnel bytes) counts as heard. On a clean link the
 * longest silence is about one interval, and the link is declared down after
 * `floorMs` (the configured liveness timeout) of silence.
 *
 * Links carry everything over one TCP connection, so a lost segment holds up
 * everything behind it until TCP retransmits it: about one retransmission
 * timeout (RTO, at least 200 ms on Linux) later, and if the retransmission is
 * lost too, after twice that, then four times... On a link with 50 ms delay
 * and 5 % loss each way, silences of 0.4–0.8 s were measured several times a
 * minute on a perfectly alive link: a fixed 1 s timeout is one more lost
 * retransmission away from a false alarm there.
 *
 * So the timeout adapts to how late this link's arrivals have been: lateness
 * = silence − interval, measured at every arrival. The timeout is
 *
 *     clamp(interval + LATENESS_FACTOR × worst lateness in the last windowMs,
 *           floorMs, ceilingMs)
 *
 * A silence caused by k consecutive losses of one segment lasts about
 * (2^k − 1) RTO; four times the worst one seen leaves room for at least one
 * more consecutive loss (nearly two) than the link showed in the window.
 * A clean link (lateness ≈ 0) keeps the floor, so a silent peer is still
 * found in ≈ floorMs; a lossy one is found within the ceiling.
 */

export const LATENESS_FACTOR = 4

export interface LivenessOptions {
  /** The peer's probe interval. */
  intervalMs: number
  /** The configured liveness timeout: never declared down sooner. */
  floorMs: number
  /** Never wait longer than this (default 5 × floorMs). */
  ceilingMs?: number
  /** How long a late arrival keeps the timeout up (default 5 minutes). */
  windowMs?: number
}

/** Sliding-window maximum kept in a few fixed-width buckets (O(1) memory). */
class WindowMax {
  private readonly buckets: Array<{ start: number, max: number }> = []
  private readonly width: number

  constructor (private readonly windowMs: number, slots = 10) {
    this.width = Math.max(1, windowMs / slots)
  }

  add (now: number, value: number): void {
    const start = Math.floor(now / this.width) * this.width
    const last = this.buckets[this.buckets.length - 1]
    if (last !== undefined && last.start === start) last.max = Math.max(last.max, value)
    else this.buckets.push({ start, max: value })
    this.expire(now)
  }

  max (now: number): number {
    this.expire(now)
    let m = 0
    for (const b of this.buckets) m = Math.max(m, b.max)
    return m
  }

  private expire (now: number): void {
    while (this.buckets.length > 0 && this.buckets[0].start + this.width <= now - this.windowMs) this.buckets.shift()
  }
}

export class Liveness {
  readonly intervalMs: number
  readonly floorMs: number
  readonly ceilingMs: number
  private lastHeard: number
  private readonly lateness: WindowMax
  /** Longest silence that ended in an arrival, since the last takeStats(). */
  private worstSilence = 0

  constructor (options: LivenessOptions, now: number) {
    this.intervalMs = options.intervalMs
    this.floorMs = options.floorMs
    this.ceilingMs = Math.max(options.floorMs, options.ceilingMs ?? 5 * options.floorMs)
    this.lateness = new WindowMax(options.windowMs ?? 300_000)
    this.lastHeard = now
  }

  /** Something arrived from the peer. */
  heard (now: number): void {
    const silence = now - this.lastHeard
    if (silence <= 0) return
    this.lastHeard = now
    if (silence > this.worstSilence) this.worstSilence = silence
    const late = silence - this.intervalMs
    if (late > 0) this.lateness.add(now, late)
  }

  /** Time since anything arrived. */
  silentFor (now: number): number {
    return now - this.lastHeard
  }

  /** The silence after which the link is declared down, as of now. */
  timeoutMs (now: number): number {
    const adaptive = this.intervalMs + LATENESS_FACTOR * this.lateness.max(now)
    return Math.min(this.ceilingMs, Math.max(this.floorMs, Math.round(adaptive)))
  }

  /** True once the peer has been silent for longer than the timeout. */
  expired (now: number): boolean {
    return this.silentFor(now) > this.timeoutMs(now)
  }

  /** The longest silence that ended in an arrival since the last call; resets it. */
  takeWorstSilence (): number {
    const w = this.worstSilence
    this.worstSilence = 0
    return w
  }
}
