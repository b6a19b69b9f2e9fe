import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rankTargets, type Candidate } from '../../src/core/select-target.js'

const c = (id: string, pathCost: number, open = 0, ownCost = 0): Candidate<string> => ({ id, pathCost, ownCost, open, value: id })

/** Simulates n client connections that stay open; returns how many each target got. */
function distribute (targets: Array<Candidate<string>>, n: number): Record<string, number> {
  const got: Record<string, number> = {}
  for (let i = 0; i < n; i++) {
    const best = rankTargets(targets, i)[0]
    got[best.id] = (got[best.id] ?? 0) + 1
    best.open++
  }
  return got
}

test('two equal targets share held connections evenly', () => {
  assert.deepEqual(distribute([c('east', 2), c('north', 2)], 100), { east: 50, north: 50 })
})

test('equal targets share short connections too (rotation breaks ties)', () => {
  const got: Record<string, number> = {}
  for (let i = 0; i < 100; i++) {
    const best = rankTargets([c('east', 1), c('north', 1)], i)[0].id
    got[best] = (got[best] ?? 0) + 1
  }
  assert.deepEqual(got, { east: 50, north: 50 })
})

test('a backup behind cost 9999 gets nothing while the primary is up', () => {
  const got = distribute([c('primary', 2), c('backup', 9999)], 1000)
  assert.deepEqual(got, { primary: 1000 })
})

test('open connections tip the choice towards a costlier target', () => {
  // near costs 1, far costs 3: far starts to get connections once near has 2 open.
  assert.equal(rankTargets([c('near', 1, 2), c('far', 3)], 0).map(t => t.id).join(','), 'far,near')
  assert.deepEqual(distribute([c('near', 1), c('far', 3)], 6), { near: 4, far: 2 })
})

test('a connector\'s own cost adds to the path cost', () => {
  assert.equal(rankTargets([c('a', 1, 0, 5), c('b', 2, 0, 0)], 0)[0].id, 'b')
  assert.equal(rankTargets([c('a', 1, 0, 0), c('b', 2, 0, 0)], 0)[0].id, 'a')
})

test('the ranking lists every target, best first, for re-forwarding', () => {
  assert.deepEqual(rankTargets([c('c', 3), c('a', 1), c('b', 2)], 7).map(t => t.id), ['a', 'b', 'c'])
  assert.deepEqual(rankTargets([], 0), [])
})

const w = (id: string, pathCost: number, weight: number, ownCost = 0): Candidate<string> => ({ id, pathCost, ownCost, open: 0, weight, value: id })

test('held connections are shared by weight at equal cost; a cost-9999 backup gets none', () => {
  const got = distribute([w('heavy', 2, 3), w('light', 2, 1), w('backup', 2, 1, 9999)], 200)
  assert.equal(got.backup, undefined)
  assert.ok(Math.abs(got.heavy - 150) <= 20 && Math.abs(got.light - 50) <= 20, JSON.stringify(got))
  assert.equal(got.heavy + got.light, 200)
})

test('short connections are shared by weight too (rotation weighted)', () => {
  const got: Record<string, number> = {}
  for (let i = 0; i < 400; i++) {
    const best = rankTargets([w('heavy', 1, 3), w('light', 1, 1)], i)[0].id
    got[best] = (got[best] ?? 0) + 1
  }
  assert.deepEqual(got, { heavy: 300, light: 100 })
})

test('weighted costs tie exactly: 0 + 4/3 equals 1 + 1/3', () => {
  const a = { ...w('a', 0, 3), open: 4 }
  const b = { ...w('b', 1, 3), open: 1 }
  assert.deepEqual(new Set([0, 1, 2, 3, 4, 5].map(r => rankTargets([a, b], r)[0].id)), new Set(['a', 'b']))
})
