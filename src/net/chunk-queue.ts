/**
 * A FIFO of byte chunks, held by reference (never copied): what a resumable
 * tunnel end keeps until the far end acknowledges it, or what it received
 * while its reader was paused. Removing from the front is O(1) per chunk.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = []
  private head = 0
  /** Bytes of chunks[head] already removed. */
  private headOffset = 0
  private total = 0

  get bytes (): number { return this.total }

  push (chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.total += chunk.byteLength
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
      this.advance()
    }
    if (this.total === 0) this.clear()
  }

  /** Removes and returns the front chunk (what is left of it). */
  shift (): Uint8Array | undefined {
    if (this.total === 0) return undefined
    const c = this.chunks[this.head]
    const piece = this.headOffset === 0 ? c : c.subarray(this.headOffset)
    this.total -= piece.byteLength
    this.advance()
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

  clear (): void {
    // A new array rather than length = 0: a queue that once held many chunks should not keep their slots.
    if (this.chunks.length > 64) this.chunks = []
    else this.chunks.length = 0
    this.head = 0
    this.headOffset = 0
    this.total = 0
  }

  private advance (): void {
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
