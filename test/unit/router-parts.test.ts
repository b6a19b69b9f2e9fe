import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Ticker } from '../../src/router/ticker.js'
import { projectStatus, projectTopology, type StatusInput } from '../../src/router/status.js'
import type { Advertisement } from '../../src/core/types.js'

test('ticker: one clock reading per beat, each task at its own period, none run twice on a late beat', () => {
  let now = 0
  const ticker = new Ticker(200, () => now)
  const runs: string[] = []
  ticker.every(200, (t) => runs.push(`hello@${t}`))
  const stopHousekeeping = ticker.every(1000, (t) => runs.push(`house@${t}`))
  for (now = 200; now <= 1000; now += 200) ticker.beat(now)
  assert.deepEqual(runs, ['hello@200', 'hello@400', 'hello@600', 'hello@800', 'hello@1000', 'house@1000'])
  runs.length = 0
  // The process stalled for 1.5 s: one beat, each due task once.
  now = 2500
  ticker.beat(now)
  assert.deepEqual(runs, ['hello@2500', 'house@2500'])
  runs.length = 0
  stopHousekeeping()
  now = 3600
  ticker.beat(now)
  assert.deepEqual(runs, ['hello@3600'])
})

test('ticker: a beat that fires a little early still runs the task due at it', () => {
  let now = 0
  const ticker = new Ticker(200, () => now)
  const runs: number[] = []
  ticker.every(200, (t) => runs.push(t))
  for (now = 199; now < 1000; now += 199) ticker.beat(now)
  assert.deepEqual(runs, [199, 398, 597, 796, 995])
})

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  site: 'west',
  peerId: 'W',
  epoch: 3,
  addresses: ['/ip4/127.0.0.1/tcp/1'],
  sessions: [{ peer: 'E', site: 'east', cost: 2, opener: 'W', rttMs: 1, livenessTimeoutMs: 1000 }],
  dialers: [{ name: 'east', peerId: 'E', state: 'up', address: '/ip4/127.0.0.1/tcp/2', cost: 2 }, { name: 'far', peerId: 'F', state: 'retrying', address: '/ip4/127.0.0.1/tcp/3', cost: 1 }],
  routes: new Map([['E', { destination: 'E', cost: 2, nextHop: 'E', hops: 1, previous: 'W' }], ['D', { destination: 'D', cost: 2, nextHop: 'E', hops: 2, previous: 'E' }]]),
  siteOf: (peer) => ({ E: 'east', D: 'dc', F: 'far-site' } as Record<string, string>)[peer] ?? '',
  services: [
    { routingKey: 'web', candidates: [{ id: 'E', pathCost: 2, ownCost: 1, open: 4, weight: 3, value: { site: 'east', e2e: true, denied: false } }, { id: 'D', pathCost: 2, ownCost: 0, open: 0, value: { site: 'dc', e2e: false, denied: true } }] },
    { routingKey: 'db', candidates: [{ id: 'W', pathCost: 0, ownCost: 0, open: 1, value: { site: 'west', e2e: false, denied: false } }] },
    { routingKey: 'gone', candidates: [] }
  ],
  listeners: [],
  connectors: [],
  nameConflicts: [],
  openPipes: 5,
  openStreams: 7,
  workers: [],
  ...over
})

test('status projection: links from sessions then dialers not up, routes and targets sorted by cost then peer id', () => {
  const s = projectStatus(input())
  assert.deepEqual(s.links.map(l => [l.name, l.peerId, l.site, l.state, l.direction]), [
    ['east', 'E', 'east', 'up', 'outbound'],
    ['far', 'F', 'far-site', 'retrying', 'outbound']
  ])
  assert.deepEqual(s.routers.map(r => [r.peerId, r.site, r.cost, r.nextHop, r.hops]), [['D', 'dc', 2, 'E', 2], ['E', 'east', 2, 'E', 1]])
  assert.deepEqual(s.services.map(x => x.routingKey), ['db', 'web'], 'keys sorted; a key without targets is left out')
  assert.deepEqual(s.services[1].targets, [
    { site: 'dc', peerId: 'D', cost: 2, openConnections: 0, weight: 1, e2e: false, denied: true },
    { site: 'east', peerId: 'E', cost: 3, openConnections: 4, weight: 3, e2e: true, denied: false }
  ])
  assert.equal(s.openPipes, 5)
  assert.equal(s.links[0].rttMs, 1)
  // A session the other side opened is inbound.
  assert.equal(projectStatus(input({ sessions: [{ peer: 'E', site: 'east', cost: 2, opener: 'E', livenessTimeoutMs: 1000 }] })).links[0].direction, 'inbound')
})

test('topology projection: reachable routers only, each two-way link once', () => {
  const ad = (origin: string, links: Array<[string, number]>): Advertisement => ({ origin, epoch: 1, seq: 1, site: origin.toLowerCase(), links: links.map(([peer, cost]) => ({ peer, cost })), services: [{ routingKey: `${origin}-svc`, connectors: 1, cost: 0 }] })
  // A - B - C, and D that claims a link to A which A does not advertise (and D is unreachable).
  const ads = [ad('A', [['B', 1]]), ad('B', [['A', 1], ['C', 3]]), ad('C', [['B', 2]]), ad('D', [['A', 1]])]
  const reach: Record<string, number> = { A: 0, B: 1, C: 4 }
  const t = projectTopology(ads, 'A', (p) => reach[p])
  assert.deepEqual(t.nodes.map(n => [n.peerId, n.self]), [['A', true], ['B', false], ['C', false]])
  assert.deepEqual(t.edges, [{ a: 'A', b: 'B', cost: 1 }, { a: 'B', b: 'C', cost: 3 }])
})
