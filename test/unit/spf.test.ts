import { test } from 'node:test'
import assert from 'node:assert/strict'
import { computeRoutes, transitsTo } from '../../src/core/spf.js'
import { effectiveLinkCost } from '../../src/core/types.js'
import { drawMesh } from '../helpers/ascii-topology.js'

function table (self: string, drawing: string): Record<string, string> {
  const routes = computeRoutes(self, drawMesh(drawing))
  const out: Record<string, string> = {}
  for (const [dest, r] of [...routes].sort()) out[dest] = `${r.cost} via ${r.nextHop}`
  return out
}

test('a link costs the larger of the two configured costs, at least 1', () => {
  assert.equal(effectiveLinkCost(0, 0), 1)
  assert.equal(effectiveLinkCost(3, 0), 3)
  assert.equal(effectiveLinkCost(0, 9999), 9999)
  assert.equal(effectiveLinkCost(2, 7), 7)
})

test('chain: path cost is the sum of link costs', () => {
  assert.deepEqual(table('A', `
    A --1-- B --1-- C --5-- D
  `), { B: '1 via B', C: '2 via B', D: '7 via B' })
})

test('diamond: the cheaper side wins', () => {
  assert.deepEqual(table('A', `
    A --1-- B --1-- D
    A --1-- C --3-- D
  `), { B: '1 via B', C: '1 via C', D: '2 via B' })
})

test('equal-cost paths: tie broken by peer id order, the same every run', () => {
  const drawing = `
    S --1-- Y --1-- T
    S --1-- X --1-- T
  `
  assert.deepEqual(table('S', drawing), { T: '2 via X', X: '1 via X', Y: '1 via Y' })
  for (let i = 0; i < 5; i++) assert.deepEqual(table('S', drawing), table('S', drawing))
})

test('asymmetric configured costs: the larger one counts, seen the same from both ends', () => {
  const drawing = `
    A --2/7-- B
    A --3-- C --3-- B
  `
  assert.deepEqual(table('A', drawing), { B: '6 via C', C: '3 via C' })
  assert.deepEqual(table('B', drawing), { A: '6 via C', C: '3 via C' })
})

test('a one-way link (only one end advertises it) is not used', () => {
  assert.deepEqual(table('A', `
    A --1-> B
    A --5-- C --5-- B
  `), { B: '10 via C', C: '5 via C' })
  assert.deepEqual(table('A', `
    A --1-> B
  `), {})
})

test('a dead router\'s stale advertisement attracts nothing once its neighbours drop it', () => {
  // B died: A and C re-advertised without it, B's old advertisement still claims both links.
  const ads = drawMesh(`
    A --1-- C
  `)
  ads.push({ origin: 'B', epoch: 1, seq: 9, site: 'B', links: [{ peer: 'A', cost: 1 }, { peer: 'C', cost: 1 }], services: [] })
  const routes = computeRoutes('A', ads)
  assert.equal(routes.has('B'), false)
  assert.equal(routes.get('C')?.cost, 1)
})

test('ring of four: losing the middle of the shortest path goes round the other side', () => {
  const ring = `
    W --1-- N --1-- E
    W --2-- S --2-- E
  `
  assert.equal(table('W', ring).E, '2 via N')
  const withoutN = drawMesh(ring).filter(a => a.origin !== 'N').map(a => ({ ...a, links: a.links.filter(l => l.peer !== 'N') }))
  const routes = computeRoutes('W', withoutN)
  assert.equal(`${routes.get('E')?.cost} via ${routes.get('E')?.nextHop}`, '4 via S')
})

test('all routers agree: every next hop is strictly closer to the destination', () => {
  const ads = drawMesh(`
    A --1-- B --2-- C --1-- D
    A --3-- E --1-- D
    B --1-- E
    C --4-- F --1-- A
  `)
  const names = ads.map(a => a.origin)
  const tables = new Map(names.map(n => [n, computeRoutes(n, ads)]))
  for (const from of names) {
    for (const to of names) {
      if (from === to) continue
      // Walk hop by hop using each router's own table: must arrive, never loop.
      let at = from
      const seen = new Set<string>()
      let cost = 0
      while (at !== to) {
        assert.equal(seen.has(at), false, `loop from ${from} to ${to}`)
        seen.add(at)
        const r = tables.get(at)?.get(to)
        assert.ok(r, `${at} has no route to ${to}`)
        const link = ads.find(a => a.origin === at)?.links.find(l => l.peer === r.nextHop)
        cost += link?.cost ?? NaN
        at = r.nextHop
      }
      assert.equal(cost, tables.get(from)?.get(to)?.cost, `hop-by-hop cost ${from}->${to}`)
    }
  }
})

test('unreachable routers have no route', () => {
  assert.deepEqual(table('A', `
    A --1-- B
    C --1-- D
  `), { B: '1 via B' })
})

test('the whole path of a route: the routers it passes through, in order', () => {
  const ads = drawMesh(`
    W --1-- N --1-- E --1-- F
    W --2-- S --9-- F
  `)
  const routes = computeRoutes('W', ads)
  assert.deepEqual(transitsTo(routes, 'F'), ['N', 'E'])
  assert.deepEqual(transitsTo(routes, 'E'), ['N'])
  assert.deepEqual(transitsTo(routes, 'N'), [])
  assert.equal(transitsTo(routes, 'nowhere'), undefined)
})
