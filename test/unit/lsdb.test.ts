import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LinkStateDb } from '../../src/core/lsdb.js'
import type { Advertisement } from '../../src/core/types.js'

const ad = (origin: string, epoch: number, seq: number, links: string[] = []): Advertisement =>
  ({ origin, epoch, seq, site: origin, links: links.map(peer => ({ peer, cost: 1 })), services: [] })
const raw = new Uint8Array(1)

test('newer sequence numbers replace older; older and equal ones change nothing', () => {
  const db = new LinkStateDb('self', 60_000)
  assert.equal(db.offer(ad('B', 5, 10), raw, 0), 'newer')
  assert.equal(db.offer(ad('B', 5, 9, ['X']), raw, 1), 'older')
  assert.equal(db.offer(ad('B', 5, 10, ['X']), raw, 2), 'same')
  assert.deepEqual(db.get('B')?.ad.links, [])
  assert.equal(db.offer(ad('B', 5, 11, ['C']), raw, 3), 'newer')
  assert.deepEqual(db.get('B')?.ad.links, [{ peer: 'C', cost: 1 }])
})

test('a restarted router (new epoch) is accepted at once, whatever its sequence number', () => {
  const db = new LinkStateDb('self', 60_000)
  db.offer(ad('B', 5, 900), raw, 0)
  assert.equal(db.offer(ad('B', 6, 1, ['D']), raw, 1), 'newer')
  assert.equal(db.get('B')?.ad.epoch, 6)
  // Late copies from the old run are now stale.
  assert.equal(db.offer(ad('B', 5, 901), raw, 2), 'older')
})

test('max age: advertisements not refreshed are dropped, our own never', () => {
  const db = new LinkStateDb('self', 1000)
  db.offer(ad('self', 1, 1), raw, 0)
  db.offer(ad('B', 1, 1), raw, 0)
  db.offer(ad('C', 1, 1), raw, 0)
  assert.deepEqual(db.expire(900), [])
  db.offer(ad('C', 1, 2), raw, 900) // C refreshed
  assert.deepEqual(db.expire(1500), ['B'])
  assert.equal(db.get('self') !== undefined, true)
  assert.equal(db.get('C') !== undefined, true)
  assert.deepEqual(db.expire(2000), ['C'])
  assert.equal(db.size, 1)
})
