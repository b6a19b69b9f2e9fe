import { acquireSlab, isSlab, releaseSlab, SLAB_BYTES } from './slab-pool.js'

/**
 * A FIFO of byte chunks: what a resumable tunnel end keeps until the far end
 * acknowledges it, or what it received while its reader was paused. push()
 * holds a chunk by reference; pushCopy() copies it into pooled slabs
 * (slab-pool.ts), each given back once drop() has removed every byte in it.
 * shift() is for queues filled by push() only: it never gives a slab back,
 * since the caller holds what it returns. Removing from the front is O(1)
 * per chunk.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = []
  private head = 0
  /** Bytes of chunks[head] already removed. */
  private headOffset = 0
  private total = 0
  /**
   * The slab pushCopy() fills, and how far. A push() by reference closes it,
   * so the chunks of one slab stay contiguous in the queue and a slab can be
   * given back when its last chunk leaves.
   */
  private tail: Uint8Array | undefined = undefined
  private tailFill = 0

  get bytes (): number { return this.total }

  push (chunk: Uint8Array): void {
    this.tail = undefined
    this.chunks.push(chunk)
    this.total += chunk.byteLength
  }

  /** Holds a copy of `chunk`, packed into slabs: the caller's buffer is not kept. */
  pushCopy (chunk: Uint8Array): void {
    const n = chunk.byteLength
    let at = 0
    while (at < n) {
      if (this.tail === undefined || this.tailFill === SLAB_BYTES) {
        this.tail = acquireSlab()
        this.tailFill = 0
      }
      const take = Math.min(SLAB_BYTES - this.tailFill, n - at)
      this.tail.set(take === n ? chunk : chunk.subarray(at, at + take), this.tailFill)
      this.chunks.push(this.tail.subarray(this.tailFill, this.tailFill + take))
      this.tailFill += take
      at += take
    }
    this.total += n
  }

  /** Removes `n` bytes (at most what is held) from the front. */
  drop (n: number): void {
    n = Math.min(n, this.total)
    this.total -= n
    while (n > 0) {
      const left = this.chunks[this.head].byteLength - this.headOffset
      if (n < left) {
        this.headOffset += n
        return
      }
      n -= left
      this.advance(true)
    }
    if (this.total === 0) {
      // Every chunk of the slab being filled is gone too.
      if (this.tail !== undefined) releaseSlab(this.tail.buffer)
      this.clear()
    }
  }

  /** Removes and returns the front chunk (what is left of it). */
  shift (): Uint8Array | undefined {
    if (this.total === 0) return undefined
    const c = this.chunks[this.head]
    const piece = this.headOffset === 0 ? c : c.subarray(this.headOffset)
    this.total -= piece.byteLength
    this.advance(false)
    if (this.total === 0) this.clear()
    return piece
  }

  /** Visits the held bytes from `offset` on, in order, as subarrays. */
  forEachFrom (offset: number, fn: (piece: Uint8Array) => void): void {
    let skip = offset + this.headOffset
    for (let i = this.head; i < this.chunks.length; i++) {
      const c = this.chunks[i]
      if (skip >= c.byteLength) {
        skip -= c.byteLength
        continue
      }
      fn(skip === 0 ? c : c.subarray(skip))
      skip = 0
    }
  }

  /** Forgets everything held; slabs not yet given back are left to the collector. */
  clear (): void {
    this.tail = undefined
    // A new array rather than length = 0: a queue that once held many chunks should not keep their slots.
    if (this.chunks.length > 64) this.chunks = []
    else this.chunks.length = 0
    this.head = 0
    this.headOffset = 0
    this.total = 0
  }

  /** Drops the front chunk; `release`: give its slab back if no chunk after it is in the slab. */
  private advance (release: boolean): void {
    if (release) {
      const buf = this.chunks[this.head].buffer
      const next = this.chunks[this.head + 1] as Uint8Array | undefined
      if (next?.buffer !== buf && buf !== this.tail?.buffer && isSlab(buf)) releaseSlab(buf)
    }
    this.chunks[this.head] = EMPTY
    this.head++
    this.headOffset = 0
    // Compact once the consumed prefix is the larger part, so the array stays proportional to what is held.
    if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head)
      this.head = 0
    }
  }
}

const EMPTY = new Uint8Array(0)
