import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Liveness, LATENESS_FACTOR } from '../../src/core/liveness.js'

// A fake clock: every call passes `now` explicitly.
const opts = { intervalMs: 200, floorMs: 1000 }

/** Probes arriving every `every` ms from `from` until `to`; returns the time of the last one. */
function probes (l: Liveness, from: number, to: number, every = 200): number {
  let t = from
  for (; t + every <= to; t += every) l.heard(t + every)
  return t
}

test('a clean link keeps the configured timeout, and a silent peer is declared down right after it', () => {
  const l = new Liveness(opts, 0)
  const last = probes(l, 0, 60_000)
  assert.equal(l.timeoutMs(last), 1000)
  assert.equal(l.expired(last + 1000), false)
  assert.equal(l.expired(last + 1001), true)
})

test('arrivals that are a little early or late (jitter under one interval) do not raise the timeout', () => {
  const l = new Liveness(opts, 0)
  let t = 0
  for (let i = 0; i < 500; i++) { t += i % 2 === 0 ? 150 : 250; l.heard(t) }
  assert.equal(l.timeoutMs(t), 1000)
})

test('a lossy link: a probe held up by retransmissions raises the timeout so that a longer hold-up is not a false alarm', () => {
  const l = new Liveness(opts, 0)
  let t = probes(l, 0, 10_000)
  // One retransmission (RTO 300 ms): the next arrival comes 500 ms after the last.
  t += 500; l.heard(t)
  assert.equal(l.timeoutMs(t), 200 + LATENESS_FACTOR * 300) // 1400
  // Two in a row (300 + 600 ms) now fit within it...
  assert.equal(l.expired(t + 1100), false)
  t += 1100; l.heard(t)
  // ...and the timeout makes room for a third: 200 + 4 × 900 = 3800 ms.
  assert.equal(l.timeoutMs(t), 3800)
  assert.equal(l.expired(t + 200 + 300 + 600 + 1200), false)
  // A peer that is really gone is still declared down, after the raised timeout.
  assert.equal(l.expired(t + 3801), true)
})

test('the raised timeout is capped (5 × the configured one by default, or the given ceiling)', () => {
  const l = new Liveness(opts, 0)
  l.heard(4000) // a 4 s silence that ended: lateness 3.8 s
  assert.equal(l.timeoutMs(4000), 5000)
  const capped = new Liveness({ ...opts, ceilingMs: 2500 }, 0)
  capped.heard(4000)
  assert.equal(capped.timeoutMs(4000), 2500)
  assert.equal(capped.expired(4000 + 2501), true)
})

test('the timeout comes back down once the link has been on time for the window', () => {
  const l = new Liveness({ ...opts, windowMs: 60_000 }, 0)
  l.heard(700) // 500 ms late
  assert.ok(l.timeoutMs(700) > 1000)
  const last = probes(l, 700, 700 + 59_000)
  assert.ok(l.timeoutMs(last) > 1000, 'still raised within the window')
  const later = probes(l, last, last + 10_000)
  assert.equal(l.timeoutMs(later), 1000)
})

test('a link that was lossy long ago detects a silent peer at the floor again', () => {
  const l = new Liveness(opts, 0)
  l.heard(1000)
  const last = probes(l, 1000, 400_000)
  assert.equal(l.expired(last + 1001), true)
})

test('the longest silence is reported once and then reset', () => {
  const l = new Liveness(opts, 0)
  l.heard(200); l.heard(900); l.heard(1100)
  assert.equal(l.takeWorstSilence(), 700)
  assert.equal(l.takeWorstSilence(), 0)
})

test('arrivals at the same instant or out of clock order change nothing', () => {
  const l = new Liveness(opts, 1000)
  l.heard(1000); l.heard(900)
  assert.equal(l.silentFor(1500), 500)
  assert.equal(l.timeoutMs(1500), 1000)
})
