import { test } from 'node:test'
import { stallUntilDropped } from '../helpers/stalled-reader.js'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { pino } from 'pino'
import { AdminApi, FLOW_FOLLOW_MAX_BEHIND } from '../../src/api/server.js'
import type { ApiRouter, ServiceTraffic, SitePairTraffic } from '../../src/api/types.js'
import { FlowRing, type FlowRecord } from '../../src/core/flow-ring.js'
import { projectServiceTraffic, SitePairs } from '../../src/router/site-pairs.js'

const names: Record<string, string> = { pw: 'west', pe: 'east', pn: 'north' }
const siteOf = (p: string): string => names[p] ?? ''

test('site pairs: open connections count live, finished ones add their final bytes once', () => {
  const pairs = new SitePairs()
  let a = { in: 10, out: 20 }
  const endA = pairs.opened('pw', 'pe', 'db', () => a)
  const endB = pairs.opened('pw', 'pe', 'db', () => ({ in: 1, out: 2 }))
  pairs.opened('pe', 'pn', 'db', () => ({ in: 5, out: 0 }))
  assert.deepEqual(pairs.snapshot(siteOf), [
    { fromPeer: 'pw', fromSite: 'west', toPeer: 'pe', toSite: 'east', key: 'db', bytesIn: 11, bytesOut: 22, open: 2 },
    { fromPeer: 'pe', fromSite: 'east', toPeer: 'pn', toSite: 'north', key: 'db', bytesIn: 5, bytesOut: 0, open: 1 }
  ])
  // Live: read at each snapshot.
  a = { in: 100, out: 200 }
  assert.equal(pairs.snapshot(siteOf)[0].bytesIn, 101)
  // Ended with the splice's final counts; a second end changes nothing.
  endA({ in: 150, out: 250 })
  endA({ in: 999, out: 999 })
  endB()
  assert.deepEqual(pairs.snapshot(siteOf)[0], { fromPeer: 'pw', fromSite: 'west', toPeer: 'pe', toSite: 'east', key: 'db', bytesIn: 151, bytesOut: 252, open: 0 })
})

test('site pairs: at the cap the least recently used idle pair is forgotten, never one with open connections', () => {
  const pairs = new SitePairs(2)
  pairs.opened('pw', 'pe', 'db', () => ({ in: 0, out: 0 }))
  pairs.opened('pw', 'pn', 'db', () => ({ in: 0, out: 0 }))()
  pairs.opened('pw', 'pn', 'web', () => ({ in: 0, out: 0 }))
  assert.deepEqual(pairs.snapshot(siteOf).map(p => `${p.toSite}/${p.key}`), ['east/db', 'north/web'])
})

test('service traffic: each target with its open connections, weight and bytes from here; a vanished target keeps its bytes', () => {
  const pairs: SitePairTraffic[] = [
    { fromPeer: 'pw', fromSite: 'west', toPeer: 'pe', toSite: 'east', key: 'db', bytesIn: 300, bytesOut: 30, open: 3 },
    { fromPeer: 'pw', fromSite: 'west', toPeer: 'px', toSite: 'gone', key: 'db', bytesIn: 7, bytesOut: 7, open: 0 },
    // Not from this site: not a share of its clients.
    { fromPeer: 'pn', fromSite: 'north', toPeer: 'pe', toSite: 'east', key: 'db', bytesIn: 1000, bytesOut: 1000, open: 9 }
  ]
  const candidates = (key: string): Array<{ id: string, pathCost: number, ownCost: number, open: number, weight?: number, value: { site: string } }> => key === 'db'
    ? [{ id: 'pe', pathCost: 2, ownCost: 0, open: 3, weight: 3, value: { site: 'east' } }, { id: 'pn', pathCost: 2, ownCost: 0, open: 1, value: { site: 'north' } }]
    : []
  const got: ServiceTraffic[] = projectServiceTraffic('pw', ['db', 'cache'], candidates, pairs)
  assert.deepEqual(got, [
    { key: 'cache', targets: [] },
    {
      key: 'db',
      targets: [
        { peerId: 'px', site: 'gone', cost: 0, weight: 0, open: 0, bytesIn: 7, bytesOut: 7 },
        { peerId: 'pe', site: 'east', cost: 2, weight: 3, open: 3, bytesIn: 300, bytesOut: 30 },
        { peerId: 'pn', site: 'north', cost: 2, weight: 1, open: 1, bytesIn: 0, bytesOut: 0 }
      ]
    }
  ])
})

let n = 0
const rec = (key: string, reason = ''): FlowRecord => {
  n++
  const at = new Date(1_700_000_000_000 + n).toISOString()
  return { side: 'ingress', connectionId: n, start: at, end: at, durationMs: 0, key, ingressSite: 'west', ingressPeer: 'pw', targetSite: 'east', targetPeer: 'pe', bytesIn: 1, bytesOut: 2, result: 'closed', reason }
}

const PAIR: SitePairTraffic = { fromPeer: 'pw', fromSite: 'west', toPeer: 'pe', toSite: 'east', key: 'db', bytesIn: 5, bytesOut: 6, open: 1 }
const SERVICE: ServiceTraffic = { key: 'db', targets: [{ peerId: 'pe', site: 'east', cost: 1, weight: 1, open: 1, bytesIn: 5, bytesOut: 6 }] }

async function bed (): Promise<{ api: AdminApi, ring: FlowRing, warnings: string[] }> {
  const ring = new FlowRing(100)
  const warnings: string[] = []
  const log = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(line) } })
  const router = { flows: ring, events: new EventEmitter(), keyBytes: () => new Map(), linkBytes: () => new Map(), sitePairTraffic: () => [PAIR], serviceTraffic: () => [SERVICE] } as unknown as ApiRouter
  const api = new AdminApi(router, '127.0.0.1', 0, log, { credential: 'c', credentialFile: 'f', credentialForReads: false })
  await api.start()
  return { api, ring, warnings }
}

/** Reads SSE events from a response until `want` says stop; returns them. */
async function readEvents (res: Response, want: (events: Array<{ event: string, data: unknown }>) => boolean): Promise<Array<{ event: string, data: unknown }>> {
  const events: Array<{ event: string, data: unknown }> = []
  const decoder = new TextDecoder()
  let buf = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end)
      buf = buf.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) })
    }
    if (want(events)) return events
  }
  return events
}

test('/v1/events: ticks carry the services\' shares and the site pairs; each finished flow record is a flow event', async () => {
  const { api, ring } = await bed()
  const ac = new AbortController()
  try {
    const res = await fetch(`${api.url}/v1/events`, { signal: ac.signal })
    let pushed = false
    const events = await readEvents(res, (evs) => {
      // The first tick is sent at once: the reader is subscribed, so a record pushed now is followed.
      if (!pushed && evs.some(e => e.event === 'tick')) { ring.push(rec('db', '<img src=x onerror=alert(1)>')); pushed = true }
      return evs.some(e => e.event === 'flow')
    })
    const tick = events.find(e => e.event === 'tick')?.data as { services: ServiceTraffic[], pairs: SitePairTraffic[] }
    assert.deepEqual(tick.services, [SERVICE])
    assert.deepEqual(tick.pairs, [PAIR])
    const flow = events.find(e => e.event === 'flow')?.data as FlowRecord
    assert.equal(flow.connectionId, n)
    assert.equal(flow.reason, '<img src=x onerror=alert(1)>')
  } finally {
    ac.abort()
    await api.stop()
  }
})

test('/v1/events: a reader that stops reading is dropped once too far behind, and unsubscribed', async () => {
  const { api, ring, warnings } = await bed()
  try {
    const big = 'x'.repeat(16 * 1024)
    const dropped = (): boolean => warnings.some(w => w.includes('dropping an events reader'))
    const { socket: s, pushed } = await stallUntilDropped(api.port, '/v1/events', () => ring.push(rec('k', big)), dropped)
    assert.ok(dropped(), `not dropped after ${pushed} records`)
    assert.ok(pushed > FLOW_FOLLOW_MAX_BEHIND)
    // Its follower is gone: later records cost it nothing.
    const before = warnings.length
    ring.push(rec('k'))
    assert.equal(warnings.length, before)
    assert.equal((ring as unknown as { followers: Set<unknown> }).followers.size, 0)
    s.destroy()
  } finally {
    await api.stop()
  }
})
