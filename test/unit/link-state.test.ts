import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isHeldCopy, FLOOD_BATCH_MS } from '../../src/core/flooding.js'
import { LinkStateEngine, type AdvertisementCodec, type Neighbour, type Step } from '../../src/core/link-state.js'
import type { Advertisement, ServiceAd } from '../../src/core/types.js'
import { drawMesh } from '../helpers/ascii-topology.js'

/**
 * The link-state engine on its own: a fake codec (an advertisement's bytes are
 * its JSON; no crypto), plain neighbour objects, time passed in. The real codec
 * and many engines at once are exercised by the simulated-mesh test in
 * flooding.test.ts.
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const fakeSign = (ad: Advertisement): Uint8Array => encoder.encode(JSON.stringify(ad))
const fakeCodec: AdvertisementCodec = {
  sign: async (ad) => fakeSign(ad),
  read: async (raw, lsdb) => {
    let ad: Advertisement
    try {
      ad = JSON.parse(decoder.decode(raw)) as Advertisement
    } catch (err) {
      return { kind: 'malformed', message: (err as Error).message }
    }
    if (isHeldCopy(lsdb, ad.origin, raw)) return { kind: 'held' }
    return { kind: 'verified', ad }
  }
}

const ad = (origin: string, epoch: number, seq: number, fields: Partial<Advertisement> = {}): Advertisement =>
  ({ origin, epoch, seq, site: `site-${origin}`, links: [], services: [], ...fields })
const neighbour = (peer: string, cost = 1): Neighbour => ({ peer, cost })
const service = (routingKey: string, cost = 0, connectors = 1): ServiceAd => ({ routingKey, connectors, cost })

function engine (self = 'A', o: { epoch?: number, services?: ServiceAd[], maxAgeMs?: number, refreshIntervalMs?: number, now?: number } = {}): LinkStateEngine<Neighbour> {
  return new LinkStateEngine<Neighbour>({ self, site: `site-${self}`, epoch: o.epoch ?? 1, maxAgeMs: o.maxAgeMs ?? 120_000, refreshIntervalMs: o.refreshIntervalMs ?? 30_000 }, fakeCodec, () => o.services ?? [], o.now ?? 0)
}

/** Who gets what: "peer <- origin@seq", in send order. */
function sent (step: Step<Neighbour>): string[] {
  return step.sends.map(({ to, raw }) => {
    const a = JSON.parse(decoder.decode(raw)) as Advertisement
    return `${to.peer} <- ${a.origin}@${a.seq}`
  })
}

test('a new link gets the database but our own advertisement (that follows with the flood of the version with the link), and the engine asks to originate', async () => {
  //   B --- A --- C(new)
  const e = engine('A')
  const b = neighbour('B')
  e.linkUp(b)
  await e.originate(0)
  await e.receive(b, fakeSign(ad('B', 1, 3, { links: [{ peer: 'A', cost: 1 }] })), 1)
  const c = neighbour('C')
  const step = e.linkUp(c)
  assert.deepEqual(sent(step), ['C <- B@3'])
  assert.equal(step.originate, true)
  await e.originate(2)
  assert.deepEqual(sent(e.flush()).sort(), ['B <- A@2', 'C <- A@2'])
  assert.deepEqual([...e.neighbours()], [b, c])
})

test('originate stores a new version and recomputes at once; the flood is batched: one flushAt per batch', async () => {
  //   A --1-- B
  const e = engine('A')
  const b = neighbour('B', 1)
  e.linkUp(b)
  // B's side of the link is already known, so A's own advertisement completes the route.
  await e.receive(b, fakeSign(ad('B', 1, 1, { links: [{ peer: 'A', cost: 1 }] })), 0)
  assert.equal(e.routes().size, 0)

  const first = await e.originate(10)
  assert.equal(first.flushAt, 10 + FLOOD_BATCH_MS)
  assert.equal(first.routesChanged, true)
  assert.deepEqual(first.sends, [], 'nothing floods before the batch ends')
  assert.deepEqual(e.lsdb.get('A')?.ad, { ...ad('A', 1, 1, { links: [{ peer: 'B', cost: 1 }] }), features: 0 })
  assert.deepEqual(e.routes().get('B'), { destination: 'B', cost: 1, nextHop: 'B', hops: 1, previous: 'A' })

  const second = await e.originate(12)
  assert.equal(second.flushAt, undefined, 'the batch already has a flush pending')
  assert.equal(e.lsdb.get('A')?.ad.seq, 2)

  assert.deepEqual(sent(e.flush()), ['B <- A@2'])
  assert.equal((await e.originate(20)).flushAt, 20 + FLOOD_BATCH_MS, 'a new batch after the flush')
})

test('flush sends the current own advertisement to every neighbour, once each', async () => {
  //        n1
  //        |
  //  n3 -- A -- n2
  const e = engine('A')
  assert.deepEqual(e.flush().sends, [], 'nothing to flood before the first origination')
  for (const peer of ['n1', 'n2', 'n3']) e.linkUp(neighbour(peer))
  await e.originate(0)
  assert.deepEqual(sent(e.flush()), ['n1 <- A@1', 'n2 <- A@1', 'n3 <- A@1'])
})

test('a newer advertisement is forwarded to every neighbour but the sender, and asks for a recomputation', async () => {
  //        n1 (sends B@2)
  //        |
  //  n3 -- A -- n2
  const e = engine('A')
  const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(p => neighbour(p))
  for (const n of [n1, n2, n3]) e.linkUp(n)
  const raw = fakeSign(ad('B', 1, 2))
  const step = await e.receive(n1, raw, 0)
  assert.deepEqual(sent(step), ['n2 <- B@2', 'n3 <- B@2'])
  assert.ok(step.sends.every(s => s.raw === raw), 'forwarded verbatim')
  assert.equal(step.recompute, true)
  assert.equal(step.routesChanged, false, 'recomputation is the driver\'s, batched')
  assert.deepEqual(step.notes, [{ kind: 'received', result: 'newer' }])
  // The same bytes again (from another neighbour): already held, nothing to do.
  assert.deepEqual(await e.receive(n2, raw, 1), { sends: [], originate: false, recompute: false, routesChanged: false, notes: [] })
})

test('an older advertisement is answered, to its sender only, with the newer copy held', async () => {
  //  n1 (sent B@5) -- A -- n2 (sends B@4: behind)
  const e = engine('A')
  const [n1, n2] = ['n1', 'n2'].map(p => neighbour(p))
  e.linkUp(n1)
  e.linkUp(n2)
  await e.receive(n1, fakeSign(ad('B', 1, 5)), 0)
  const step = await e.receive(n2, fakeSign(ad('B', 1, 4)), 1)
  assert.deepEqual(sent(step), ['n2 <- B@5'])
  assert.equal(step.sends[0].to, n2)
  assert.equal(step.recompute, false)
  assert.deepEqual(step.notes, [{ kind: 'received', result: 'older' }])
})

test('our own advertisement from an earlier run of this epoch is outbid; one from an earlier epoch is ignored', async () => {
  const e = engine('A', { epoch: 7 })
  const n1 = neighbour('n1')
  e.linkUp(n1)
  await e.originate(0)
  const step = await e.receive(n1, fakeSign(ad('A', 7, 40)), 1)
  assert.deepEqual(step.notes, [{ kind: 'outbid', seenEpoch: 7 }])
  assert.equal(step.originate, true)
  assert.deepEqual(step.sends, [], 'the stale copy is not forwarded')
  await e.originate(1)
  assert.ok((e.lsdb.get('A')?.ad.seq ?? 0) > 40, `own sequence ${e.sequence} is above the earlier run's`)
  assert.equal(e.lsdb.get('A')?.ad.epoch, 7)

  const earlierEpoch = await e.receive(n1, fakeSign(ad('A', 6, 999)), 2)
  assert.equal(earlierEpoch.originate, false)
  assert.deepEqual(earlierEpoch.notes, [])
})

test('tick: others\' advertisements past max age are dropped (and routes recomputed); own is re-originated every refresh interval', async () => {
  const e = engine('A', { maxAgeMs: 1000, refreshIntervalMs: 300 })
  const b = neighbour('B')
  e.linkUp(b)
  await e.originate(0)
  await e.receive(b, fakeSign(ad('B', 1, 1, { links: [{ peer: 'A', cost: 1 }] })), 0)
  assert.deepEqual(e.tick(299), { sends: [], originate: false, recompute: false, routesChanged: false, notes: [] })
  assert.equal(e.tick(300).originate, true)
  await e.originate(300)
  assert.equal(e.tick(599).originate, false, 'the refresh interval counts from the last origination')

  assert.equal(e.tick(1000).recompute, false, 'exactly max age is not past it')
  const expired = e.tick(1001)
  assert.equal(expired.recompute, true)
  assert.equal(e.lsdb.get('B'), undefined)
  assert.notEqual(e.lsdb.get('A'), undefined, 'own advertisement never expires')
})

test('targets(key): reachable routers offering the key with a connector, this one at path cost 0', async () => {
  // D claims a link to B that B does not advertise, so D is unreachable.
  const mesh = drawMesh(`
    A --1-- B --2-- C
    D --1-> B
  `)
  const offers: Record<string, ServiceAd[]> = {
    B: [service('web', 0, 0)], // no healthy connector: not a target
    C: [service('web', 3), service('db', 1)],
    D: [service('web')]
  }
  const e = engine('A', { services: [service('web')] })
  const b = neighbour('B', 1)
  e.linkUp(b)
  for (const a of mesh) if (a.origin !== 'A') await e.receive(b, fakeSign({ ...a, services: offers[a.origin] ?? [] }), 0)
  await e.originate(0)

  const view = (key: string): string[] => e.targets(key).map(t => `${t.id} at ${t.pathCost}, own ${t.ownCost}`).sort()
  assert.deepEqual(view('web'), ['A at 0, own 0', 'C at 3, own 3'])
  assert.deepEqual(view('db'), ['C at 3, own 1'])
  assert.deepEqual(view('mail'), [])
  assert.deepEqual([...e.routingKeys()].sort(), ['db', 'web'])
  assert.equal(e.targets('web').find(t => t.id === 'A')?.site, 'site-A')

  // C's newer advertisement drops "db": the index follows at the next recomputation.
  await e.receive(b, fakeSign({ ...ad('C', 1, 2), links: [{ peer: 'B', cost: 2 }], services: [service('web', 3)] }), 1)
  assert.deepEqual(view('db'), ['C at 3, own 1'], 'not before the driver recomputes')
  e.recompute()
  assert.deepEqual(view('db'), [])
})

test('a target\'s weight is the advertised summed weight; an earlier release advertises none: one per connector', async () => {
  const mesh = drawMesh(`
    A --1-- B --1-- C
  `)
  const offers: Record<string, ServiceAd[]> = {
    B: [{ routingKey: 'web', connectors: 2, cost: 0, weight: 7 }],
    C: [{ routingKey: 'web', connectors: 3, cost: 0 }] // no weight field: 3 connectors of weight 1
  }
  const e = engine('A', { services: [{ routingKey: 'web', connectors: 1, cost: 0, weight: 0 }] })
  const b = neighbour('B', 1)
  e.linkUp(b)
  for (const a of mesh) if (a.origin !== 'A') await e.receive(b, fakeSign({ ...a, services: offers[a.origin] ?? [] }), 0)
  await e.originate(0)
  assert.deepEqual(e.targets('web').map(t => `${t.id} weight ${t.weight}`).sort(), ['A weight 1', 'B weight 7', 'C weight 3'])
})

test('withdraw: the next own advertisement has no links and no services', async () => {
  const e = engine('A', { services: [service('web')] })
  e.linkUp(neighbour('B'))
  await e.originate(0)
  assert.equal(e.lsdb.get('A')?.ad.links.length, 1)
  assert.equal(e.withdraw().originate, true)
  await e.originate(1)
  const own = e.lsdb.get('A')?.ad
  assert.deepEqual({ links: own?.links, services: own?.services, seq: own?.seq }, { links: [], services: [], seq: 2 })
  assert.deepEqual(sent(e.flush()), ['B <- A@2'], 'still flooded to the neighbours')
})

test('a link that was already replaced going down changes nothing', () => {
  const e = engine('A')
  const old = neighbour('B')
  const replacement = neighbour('B')
  e.linkUp(old)
  e.linkUp(replacement)
  assert.equal(e.linkDown(old).originate, false)
  assert.equal(e.neighbour('B'), replacement)
  assert.equal(e.linkDown(replacement).originate, true)
  assert.equal(e.neighbour('B'), undefined)
})

test('an originate asked for just as another finishes is not lost: the own advertisement ends up with the new link', async () => {
  // Whatever the moment (0-7 microtask turns after the first originate began), the second request must take effect.
  for (let turns = 0; turns < 8; turns++) {
    const e = engine('A')
    const first = e.originate(0)
    for (let i = 0; i < turns; i++) await Promise.resolve()
    e.linkUp(neighbour('B'))
    const second = e.originate(1)
    await Promise.all([first, second])
    assert.deepEqual(e.lsdb.get('A')?.ad.links, [{ peer: 'B', cost: 1 }], `link up ${turns} turns after the first originate`)
  }
})

test('a refused origin (revoked here) is forgotten at once and never stored again: neither a target nor a transit, and not flooded on', async () => {
  //   A --1-- B --1-- C(web, revoked) --1-- D(web)
  //           B --------5---------------- D
  const mesh = drawMesh(`
    A --1-- B --1-- C --1-- D
    B --5-- D
  `)
  const revoked = new Set<string>()
  const e = new LinkStateEngine<Neighbour>({ self: 'A', site: 'site-A', epoch: 1, maxAgeMs: 120_000, refreshIntervalMs: 30_000, acceptOrigin: (o) => !revoked.has(o) }, fakeCodec, () => [], 0)
  const b = neighbour('B')
  const other = neighbour('E')
  e.linkUp(b)
  e.linkUp(other)
  const offers: Record<string, ServiceAd[]> = { C: [service('web')], D: [service('web')] }
  for (const a of mesh) if (a.origin !== 'A') await e.receive(b, fakeSign({ ...a, services: offers[a.origin] ?? [] }), 0)
  await e.originate(0)
  const view = (): string[] => e.targets('web').map(t => `${t.id} at ${t.pathCost}`).sort()
  assert.deepEqual(view(), ['C at 2', 'D at 3'])
  assert.equal(e.routes().get('D')?.cost, 3, 'through C')

  revoked.add('C')
  const forgot = e.forget('C')
  assert.equal(forgot.routesChanged, true)
  assert.equal(e.lsdb.get('C'), undefined)
  assert.deepEqual(view(), ['D at 6'], 'C is no target, and D is reached around it')
  assert.equal(e.routes().has('C'), false)
  assert.equal(e.forget('C').routesChanged, false, 'forgetting twice changes nothing')

  // C's next advertisement arrives through B: verified, but neither stored nor flooded on.
  const later = await e.receive(b, fakeSign({ ...ad('C', 1, 9), links: [{ peer: 'B', cost: 1 }, { peer: 'D', cost: 1 }], services: [service('web')] }), 1)
  assert.deepEqual(sent(later), [])
  assert.deepEqual(later.notes, [{ kind: 'refused-origin', from: 'B', origin: 'C' }])
  assert.equal(later.recompute, false)
  assert.equal(e.lsdb.get('C'), undefined)
  // Others' advertisements still flood as before.
  const fromD = await e.receive(b, fakeSign({ ...ad('D', 1, 9), links: [{ peer: 'B', cost: 5 }, { peer: 'C', cost: 1 }], services: [service('web')] }), 1)
  assert.deepEqual(sent(fromD), ['E <- D@9'])
  // A new link's database exchange does not hand C's advertisement on either.
  assert.equal(sent(e.linkUp(neighbour('F'))).some(s => s.includes('<- C@')), false)
})

/**
 * Engines wired back to back: every step's sends are queued and delivered in
 * order, originate is awaited where the step asks for it, and a flush is
 * queued behind the sends already waiting (the batch delay). `watch` runs
 * after every event, so a test sees each intermediate state.
 */
class TwoEngines {
  private readonly queue: Array<() => Promise<void>> = []
  constructor (readonly engines: Map<string, LinkStateEngine<Neighbour>>, private readonly watch: () => void) {}

  /** Link `a` and `b` (fresh neighbour objects on both sides, as a new session is) and run until quiet. */
  async link (a: string, b: string): Promise<{ [peer: string]: Neighbour }> {
    const sides = { [a]: neighbour(b), [b]: neighbour(a) }
    await this.apply(a, this.engine(a).linkUp(sides[a]))
    await this.apply(b, this.engine(b).linkUp(sides[b]))
    await this.run()
    return sides
  }

  async apply (at: string, s: Step<Neighbour>): Promise<void> {
    this.watch()
    const e = this.engine(at)
    for (const { to, raw } of s.sends) {
      this.queue.push(async () => {
        const receiver = this.engine(to.peer)
        const from = receiver.neighbour(at)
        if (from !== undefined) await this.apply(to.peer, await receiver.receive(from, raw, 0))
      })
    }
    if (s.recompute) await this.apply(at, e.recompute())
    if (s.flushAt !== undefined) this.queue.push(async () => await this.apply(at, e.flush()))
    if (s.originate) await this.apply(at, await e.originate(0))
  }

  async run (): Promise<void> {
    for (let n = 0; this.queue.length > 0; n++) {
      assert.ok(n < 1000, 'the exchange settles')
      await (this.queue.shift() as () => Promise<void>)()
    }
  }

  engine (name: string): LinkStateEngine<Neighbour> {
    return this.engines.get(name) as LinkStateEngine<Neighbour>
  }
}

test('a restarted neighbour never looks unreachable once its link is back: the new link\'s exchange does not carry our advertisement from before it', async () => {
  //   A --- B(db), then B restarts with a new epoch and its link comes back
  const engines = new Map([['A', engine('A')], ['B', engine('B', { epoch: 1, services: [service('db')] })]])
  const seenAtA: number[] = []
  const mesh = new TwoEngines(engines, () => seenAtA.push(engines.get('A')?.targets('db').length ?? -1))
  await mesh.apply('B', await mesh.engine('B').originate(0))
  const before = await mesh.link('A', 'B')
  assert.equal(mesh.engine('A').targets('db').length, 1)

  // B stops; A sees its link go (B's last advertisement stays held until max age).
  await mesh.apply('A', mesh.engine('A').linkDown(before.A))
  await mesh.run()
  assert.equal(mesh.engine('A').targets('db').length, 0)

  // B's new run advertises its service (and no link yet) at start, as a router does.
  engines.set('B', engine('B', { epoch: 2, services: [service('db')] }))
  await mesh.apply('B', await mesh.engine('B').originate(0))
  seenAtA.length = 0
  await mesh.link('A', 'B')
  assert.equal(mesh.engine('A').targets('db').length, 1)
  assert.equal(mesh.engine('A').lsdb.get('B')?.ad.epoch, 2)
  const reachableFrom = seenAtA.indexOf(1)
  assert.deepEqual(seenAtA.slice(reachableFrom).filter(n => n !== 1), [], `A's target count for db, event by event: ${seenAtA.join(' ')}`)
})
