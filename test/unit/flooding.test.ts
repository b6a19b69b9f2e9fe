import { test } from 'node:test'
import assert from 'node:assert/strict'
import { acceptAdvertisement, isHeldCopy, ownFlood } from '../../src/core/flooding.js'
import { LinkStateDb } from '../../src/core/lsdb.js'
import type { Advertisement } from '../../src/core/types.js'
import { ConvergenceSim, geometricMesh } from '../../bench/converge-sim.js'

const ad = (origin: string, epoch: number, seq: number): Advertisement => ({ origin, epoch, seq, site: origin, links: [], services: [] })
const bytes = (n: number): Uint8Array => new Uint8Array([n])

test('a newer advertisement is stored and flooded to every neighbour but the sender', () => {
  const db = new LinkStateDb('self', 60_000)
  const d = acceptAdvertisement(db, ad('B', 1, 2), bytes(2), 0, 'n1', ['n1', 'n2', 'n3'], 0)
  assert.deepEqual(d, { result: 'newer', forwardTo: ['n2', 'n3'], recompute: true })
  assert.equal(isHeldCopy(db, 'B', bytes(2)), true)
  assert.equal(isHeldCopy(db, 'B', bytes(3)), false)
})

test('an older advertisement is answered with the newer copy; the same one changes nothing', () => {
  const db = new LinkStateDb('self', 60_000)
  acceptAdvertisement(db, ad('B', 1, 5), bytes(5), 0, 'n1', ['n1', 'n2'], 0)
  assert.deepEqual(acceptAdvertisement(db, ad('B', 1, 4), bytes(4), 1, 'n2', ['n1', 'n2'], 0), { result: 'older', forwardTo: [], answer: bytes(5), recompute: false })
  assert.deepEqual(acceptAdvertisement(db, ad('B', 1, 5), bytes(5), 2, 'n2', ['n1', 'n2'], 0), { result: 'same', forwardTo: [], recompute: false })
})

test('our own advertisement from an earlier run is outbid; an older copy of ours is ignored', () => {
  const db = new LinkStateDb('self', 60_000)
  db.offer(ad('self', 7, 3), bytes(3), 0)
  assert.deepEqual(acceptAdvertisement(db, ad('self', 7, 40), bytes(40), 0, 'n1', ['n1'], 3), { forwardTo: [], recompute: false, outbidSeq: 41 })
  assert.deepEqual(acceptAdvertisement(db, ad('self', 7, 3), bytes(3), 0, 'n1', ['n1'], 3), { forwardTo: [], recompute: false, outbidSeq: 4 })
  assert.deepEqual(acceptAdvertisement(db, ad('self', 6, 99), bytes(99), 0, 'n1', ['n1'], 3), { forwardTo: [], recompute: false })
  assert.deepEqual(ownFlood(db, ['n1', 'n2']), { raw: bytes(3), to: ['n1', 'n2'] })
})

test('simulated mesh: after every kind of change all routers agree with the true tables', async () => {
  // 16 routers, each linked to its 3–5 nearest; each one the production
  // link-state engine (core/link-state.ts) with the real codec (Ed25519).
  const spec = geometricMesh(16, 7)
  const sim = await ConvergenceSim.create(spec, { linkLatencyMs: 0.5 })
  const link = spec.links.find(l => sim.staysConnected({ link: l })) as { a: number, b: number, cost: number }
  const results = [
    await sim.changeCost(link.a, link.b, link.cost * 10),
    await sim.linkDown(link.a, link.b),
    await sim.linkUp(link.a, link.b, link.cost)
  ]
  // A service appears at one router and goes again: every table's targets follow.
  const added = await sim.changeServices(link.a, [{ routingKey: 'web', connectors: 1, cost: 0 }])
  assert.equal(added.routersAffected, 16, 'every router gains a target for the key')
  assert.deepEqual(sim.servicesOf(link.a), [{ routingKey: 'web', connectors: 1, cost: 0 }])
  const removed = await sim.changeServices(link.a, [])
  assert.equal(removed.originated, 1, 'one advertisement floods')
  results.push(added, removed)
  const victim = Array.from({ length: 16 }, (_, i) => i).find(i => sim.staysConnected({ router: i })) as number
  const downAt = results.length
  results.push(await sim.routerDown(victim), await sim.routerUp(victim))
  // A restart that lost its epoch must outbid its own earlier advertisements
  // to be heard: first push the victim's sequence number well past where a
  // fresh run would start.
  const own = spec.links.find(l => l.a === victim || l.b === victim) as { a: number, b: number, cost: number }
  for (let i = 0; i < 5; i++) {
    await sim.changeCost(own.a, own.b, own.cost * 2)
    await sim.changeCost(own.a, own.b, own.cost)
  }
  results.push(await sim.routerDown(victim))
  const outbidsBefore = sim.outbids
  results.push(await sim.routerUp(victim, true))
  assert.ok(sim.outbids > outbidsBefore)
  assert.deepEqual(sim.disagreeingRouters(), [])
  for (const r of results) {
    assert.ok(r.advertisements > 0 && r.bytes > 0)
    // Each change settles within a few link latencies per hop, not on a timer.
    assert.ok(r.convergedMs < 1000, `converged after ${r.convergedMs} ms`)
  }
  assert.equal(results[downAt].routersAffected, 15, 'a dead router leaves every other table')
})
