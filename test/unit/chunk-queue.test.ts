import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { ChunkQueue } from '../../src/net/chunk-queue.js'
import { acquireSlab, freeSlabCount, releaseSlab, SLAB_BYTES } from '../../src/net/slab-pool.js'

/** What the queue holds, as one buffer. */
function held (q: ChunkQueue, from = 0): Buffer {
  const parts: Uint8Array[] = []
  q.forEachFrom(from, (p) => parts.push(p))
  return Buffer.concat(parts)
}

/**
 * Every slab the pool hands out from now on is filled with garbage at once:
 * a slab given back while the queue still held bytes in it shows as changed
 * bytes in the queue.
 */
function scribbleOnFreeSlabs (): void {
  const taken: Uint8Array[] = []
  while (freeSlabCount() > 0) taken.push(acquireSlab())
  for (const s of taken) s.fill(0xee)
  for (const s of taken) releaseSlab(s.buffer)
}

test('chunk-queue: a copied chunk is the queue\'s own; the caller may overwrite its buffer at once', () => {
  const q = new ChunkQueue()
  const data = randomBytes(100_000)
  const expected = Buffer.from(data)
  q.pushCopy(data)
  data.fill(0)
  assert.equal(q.bytes, 100_000)
  assert.deepEqual(held(q), expected)
  assert.deepEqual(held(q, 70_000), expected.subarray(70_000))
})

test('chunk-queue: copied and referenced chunks, interleaved, keep their order and content while dropped bit by bit; a slab goes back only once none of its bytes is held', () => {
  const q = new ChunkQueue()
  const pieces: Buffer[] = []
  // Copies that pack into shared slabs and span slab ends, with small chunks held by reference in between.
  const sizes = [20_000, 50_000, 30, 40_000, 70_000, 16_384, 5, 65_536, 1, 33_333]
  for (const [i, n] of sizes.entries()) {
    const p = randomBytes(n)
    pieces.push(Buffer.from(p))
    if (n >= 1000) {
      q.pushCopy(p)
      // The caller's buffer is free again (a socket reuses it, say).
      if (i % 3 === 0) p.fill(0)
    } else {
      q.push(p)
    }
  }
  const all = Buffer.concat(pieces)
  assert.equal(q.bytes, all.length)
  let dropped = 0
  const step = 7_919
  while (dropped < all.length) {
    const n = Math.min(step, all.length - dropped)
    q.drop(n)
    dropped += n
    // Anything given back too early is reused and overwritten here.
    scribbleOnFreeSlabs()
    for (let i = 0; i < 3; i++) acquireSlab().fill(0xaa)
    assert.equal(q.bytes, all.length - dropped)
    assert.deepEqual(held(q), all.subarray(dropped), `after dropping ${dropped}`)
  }
})

test('chunk-queue: once everything is acknowledged, the slabs go back to the pool and are reused', () => {
  // Empty the pool's free list first, so the count is this test's own.
  const drained: Uint8Array[] = []
  while (freeSlabCount() > 0) drained.push(acquireSlab())
  const q = new ChunkQueue()
  q.pushCopy(randomBytes(3 * SLAB_BYTES + 100))
  assert.equal(freeSlabCount(), 0)
  q.drop(2 * SLAB_BYTES)
  assert.equal(freeSlabCount(), 2, 'the two slabs no longer held are back')
  q.drop(SLAB_BYTES + 100)
  assert.equal(freeSlabCount(), 4, 'the rest, the slab being filled included, once nothing is held')
  q.pushCopy(randomBytes(SLAB_BYTES))
  assert.equal(freeSlabCount(), 3, 'a new copy takes a slab from the pool')
  for (const s of drained) releaseSlab(s.buffer)
})

test('chunk-queue: a chunk taken with shift() keeps its bytes, whatever is copied into the queue after it', () => {
  const q = new ChunkQueue()
  const first = randomBytes(30_000)
  q.pushCopy(first)
  // A chunk by reference behind it: the copy's slab is no longer the one being filled.
  q.push(randomBytes(10))
  const taken = q.shift() as Uint8Array
  const copyOfTaken = Buffer.from(taken)
  q.pushCopy(randomBytes(SLAB_BYTES))
  scribbleOnFreeSlabs()
  for (let i = 0; i < 3; i++) acquireSlab().fill(0xaa)
  assert.deepEqual(Buffer.from(taken), copyOfTaken)
  assert.deepEqual(Buffer.from(taken), first)
})
