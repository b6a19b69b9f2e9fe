import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FlowRing, matchesFlow, parseSince, type FlowRecord } from '../../src/core/flow-ring.js'

let n = 0
const rec = (over: Partial<FlowRecord> = {}): FlowRecord => {
  n++
  return {
    side: 'ingress',
    connectionId: n,
    start: new Date(1_700_000_000_000 + n * 1000 - 10).toISOString(),
    end: new Date(1_700_000_000_000 + n * 1000).toISOString(),
    durationMs: 10,
    key: 'db',
    ingressSite: 'west',
    ingressPeer: 'peer-west',
    targetSite: 'east',
    targetPeer: 'peer-east',
    bytesIn: n,
    bytesOut: 2 * n,
    result: 'closed',
    ...over
  }
}

test('the ring keeps the newest `size` records, oldest first', () => {
  const ring = new FlowRing(3)
  assert.deepEqual(ring.query(), [])
  const pushed = Array.from({ length: 7 }, () => rec())
  for (const [i, r] of pushed.entries()) {
    ring.push(r)
    assert.equal(ring.length, Math.min(i + 1, 3))
  }
  assert.deepEqual(ring.query().map(r => r.connectionId), pushed.slice(-3).map(r => r.connectionId))
  assert.throws(() => new FlowRing(-1), RangeError)
  // Size 0: flow records are off; nothing kept, nothing followed.
  const off = new FlowRing(0)
  let followed = 0
  off.follow(() => { followed++ })
  off.push(pushed[0])
  assert.deepEqual([off.length, off.query().length, followed], [0, 0, 0])
})

test('filters: key, site at either end (name or peer id), since, limit (the newest)', () => {
  const ring = new FlowRing(10)
  const a = rec({ key: 'db' })
  const b = rec({ key: 'web', ingressSite: 'north', ingressPeer: 'peer-north' })
  const c = rec({ key: 'db', targetSite: 'south', targetPeer: 'peer-south' })
  const d = rec({ key: 'db', result: 'refused', targetSite: undefined, targetPeer: undefined })
  for (const r of [a, b, c, d]) ring.push(r)
  const ids = (f: Parameters<FlowRing['query']>[0]): number[] => ring.query(f).map(r => r.connectionId)
  assert.deepEqual(ids({ key: 'db' }), [a, c, d].map(r => r.connectionId))
  assert.deepEqual(ids({ site: 'north' }), [b.connectionId])
  assert.deepEqual(ids({ site: 'peer-south' }), [c.connectionId])
  assert.deepEqual(ids({ site: 'peer-north' }), [b.connectionId])
  assert.deepEqual(ids({ site: 'east' }), [a, b].map(r => r.connectionId))
  assert.deepEqual(ids({ site: 'west' }), [a, c, d].map(r => r.connectionId))
  assert.deepEqual(ids({ sinceMs: Date.parse(c.end) }), [c, d].map(r => r.connectionId))
  assert.deepEqual(ids({ key: 'db', limit: 2 }), [c, d].map(r => r.connectionId))
  assert.equal(matchesFlow(a, {}), true)
})

test('followers see each record as it is pushed, until they unfollow', () => {
  const ring = new FlowRing(2)
  const seen: number[] = []
  const unfollow = ring.follow((r) => seen.push(r.connectionId))
  const r1 = rec()
  ring.push(r1)
  unfollow()
  ring.push(rec())
  assert.deepEqual(seen, [r1.connectionId])
})

test('since: unix ms or an ISO time', () => {
  assert.equal(parseSince('1700000000000'), 1_700_000_000_000)
  assert.equal(parseSince('2023-11-14T22:13:20.000Z'), 1_700_000_000_000)
  assert.equal(parseSince('yesterday'), undefined)
})
