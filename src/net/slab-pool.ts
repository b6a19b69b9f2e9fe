/**
 * Fixed-size byte slabs, reused by every resumable tunnel end of the process
 * for the bulk bytes it keeps until the far end acknowledges them.
 *
 * Why: a socket read is a new 64 KiB buffer outside V8's heap. Passed on and
 * dropped, it dies in the next scavenge and glibc hands its memory straight
 * back to the next read. Kept until acknowledged (milliseconds, up to 4 MiB
 * a tunnel), it outlives two scavenges, is promoted, and only a full
 * mark-compact frees it; external memory then grows until V8 asks for one.
 * With iperf3 through one hop (--trace-gc) the ingress ran 13 mark-compacts
 * per GiB with resumption on and 1 with it off, and spent 3.58 against 2.67
 * CPU-s/GiB (median of 8 alternating trials). A copy into a slab that lives
 * as long as the process costs one memcpy instead.
 */
export const SLAB_BYTES = 64 * 1024

/** Free slabs kept for reuse (16 MiB); beyond that a released slab is left to the collector. */
const MAX_FREE_SLABS = 256

const free: ArrayBuffer[] = []
const slabs = new WeakSet<ArrayBufferLike>()

export function acquireSlab (): Uint8Array {
  const buf = free.pop()
  if (buf !== undefined) return new Uint8Array(buf)
  const slab = new Uint8Array(SLAB_BYTES)
  slabs.add(slab.buffer)
  return slab
}

/** Gives `buf` (a slab's ArrayBuffer) back; nothing may read or write it after this. */
export function releaseSlab (buf: ArrayBufferLike): void {
  if (free.length < MAX_FREE_SLABS) free.push(buf as ArrayBuffer)
}

export function isSlab (buf: ArrayBufferLike): boolean {
  return slabs.has(buf)
}

/** Free slabs held for reuse (for tests). */
export function freeSlabCount (): number {
  return free.length
}
