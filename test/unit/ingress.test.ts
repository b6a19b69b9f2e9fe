import { test } from 'node:test'
import { connect } from 'node:net'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import type { Target } from '../../src/core/link-state.js'
import { LocalConnectors } from '../../src/edge/connector.js'
import { Listener } from '../../src/edge/listener.js'
import { TunnelLostError, TunnelRefusedError } from '../../src/net/tunnel.js'
import { StatusCode } from '../../src/wire/codec.js'
import { Ingress, type IngressDeps } from '../../src/router/ingress.js'
import { closed, dial, echoServer, readLine, type TestServer } from '../helpers/tcp.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The ingress in one process: a real listener and a real local connector
 * (echo workload on loopback); remote targets are tunnels that this test
 * refuses or loses, so what is checked is the ingress's own logic: ranking,
 * open counts, re-forwarding order, first bytes replayed after a refusal.
 */

const SELF = 'self'
const KEY = 'svc'

interface Bed {
  ingress: Ingress
  port: number
  /** Remote targets in the order the ingress tried to open tunnels to them. */
  tried: string[]
  /** The routing key of each tunnel opened, in order. */
  keys: string[]
  counts: string[]
  listener: Listener
  close: () => Promise<void>
}

async function bed (targets: Target[] | ((key: string) => Target[]), tunnel: (destination: string, firstBytes: Buffer) => Error, maxConnections = 100, trust: string[] = [], fallback: string[] = []): Promise<Bed> {
  const workload: TestServer = await echoServer()
  const connectors = new LocalConnectors(1000)
  connectors.add({ name: KEY, routingKey: KEY, host: '127.0.0.1', port: workload.port, cost: 0, allow: [], e2e: false })
  const tried: string[] = []
  const keys: string[] = []
  const counts: string[] = []
  const deps: IngressDeps = {
    selfId: SELF,
    targets: (key) => typeof targets === 'function' ? targets(key) : targets,
    connectLocal: async (key) => await connectors.connect(key),
    openTunnel: async (key, destination, _id, head) => {
      tried.push(destination)
      keys.push(key)
      // As openTunnel does over a responsive link: the first bytes go into the tunnel, then it is refused or lost.
      await head.firstBytes()
      const sent: Buffer[] = []
      head.attach((chunk) => sent.push(Buffer.from(chunk)))
      head.detach()
      throw tunnel(destination, Buffer.concat(sent))
    },
    activity: () => {},
    track: () => {},
    count: (e) => counts.push('carried' in e ? 'carried' : 'failed' in e ? `failed:${e.reason}` : `reforwarded:${e.reason}`),
    changed: () => {},
    logRefusal: () => {},
    trusts: (entries, t) => entries.includes(t),
    now: () => performance.now(),
    log: pino({ level: 'silent' }),
    newConnectionId: (() => { let n = 0; return () => ++n })()
  }
  const ingress = new Ingress(deps)
  const listener = new Listener({ name: KEY, routingKey: KEY, host: '127.0.0.1', port: 0, maxConnections, trust, fallback }, (socket, l) => { void ingress.onClient(socket, l) })
  await listener.start()
  return {
    ingress,
    port: listener.boundPort,
    tried,
    keys,
    counts,
    listener,
    close: async () => { listener.close(); await workload.close() }
  }
}

const target = (id: string, pathCost: number, ownCost = 0, weight = 1): Target => ({ id, site: id, pathCost, ownCost, e2e: false, weight })

test('targets are tried best first; each refusal moves on, and the client\'s first bytes reach the target that accepts', async () => {
  // a (cost 1) and b (cost 2) refuse; this site's own connector (cost 3) takes the connection.
  const b = await bed([target(SELF, 3), target('b', 2), target('a', 1)], (d) => new TunnelRefusedError(StatusCode.CONNECT_FAILED, `${d} refuses`))
  try {
    const client = await dial(b.port)
    client.write('sent with the connect\n')
    assert.equal(await readLine(client), 'sent with the connect')
    assert.deepEqual(b.tried, ['a', 'b'])
    assert.deepEqual(b.counts, ['reforwarded:connect_failed', 'reforwarded:connect_failed', 'carried'])
    client.write('and after\n')
    assert.equal(await readLine(client), 'and after')
    client.destroy()
  } finally {
    await b.close()
  }
})

test('open connections per target rise while held and fall when closed, and tilt the ranking', async () => {
  // Two equal-cost targets: this site (0 + own cost 1) and r (path 1). r refuses, so every connection lands here.
  const b = await bed([target(SELF, 0, 1), target('r', 1)], () => new TunnelRefusedError(StatusCode.NO_ROUTE, 'no'))
  try {
    const clients = []
    for (let i = 0; i < 3; i++) {
      const c = await dial(b.port)
      c.write(`hello ${i}\n`)
      assert.equal(await readLine(c), `hello ${i}`)
      clients.push(c)
    }
    const open = (): number | undefined => b.ingress.candidates(KEY).find(c => c.id === SELF)?.open
    assert.equal(open(), 3)
    // Perceived cost now 1 + 3 = 4 here against 1 at r: r ranks first.
    assert.deepEqual(b.ingress.rank(KEY).map(c => c.id), ['r', SELF])
    for (const c of clients) c.destroy()
    await waitFor('open count back to 0', () => open() === 0)
    assert.deepEqual(b.ingress.rank(KEY).map(c => c.id).sort(), ['r', SELF].sort())
  } finally {
    await b.close()
  }
})

test('a tunnel lost after client bytes went into it is not re-forwarded: the client is reset', async () => {
  const b = await bed([target('a', 1), target(SELF, 5)], () => new TunnelLostError('lost'))
  try {
    const client = await dial(b.port)
    client.write('maybe delivered')
    assert.equal(await closed(client), 'reset')
    assert.deepEqual(b.tried, ['a'])
    assert.deepEqual(b.counts, ['reforwarded:connect_failed', 'failed:all_targets_failed'])
  } finally {
    await b.close()
  }
})

test('no target: the client is reset at once and the failure counted', async () => {
  const b = await bed([], () => new Error('unused'))
  try {
    // The reset may come before the connect completes, so the socket is watched from the start.
    const client = connect({ port: b.port, host: '127.0.0.1' })
    assert.equal(await closed(client), 'reset')
    assert.deepEqual(b.counts, ['failed:no_target'])
  } finally {
    await b.close()
  }
})

test('a refused target sees the same first bytes as the next one (replayed, not consumed)', async () => {
  const seen: string[] = []
  const b = await bed([target('a', 1), target(SELF, 2)], (d, first) => {
    seen.push(`${d}:${first.toString()}`)
    return new TunnelRefusedError(StatusCode.NO_ROUTE, 'no')
  })
  try {
    const client = await dial(b.port)
    client.write('GET /\n')
    assert.equal(await readLine(client), 'GET /')
    assert.deepEqual(seen, ['a:GET /\n'])
    client.destroy()
  } finally {
    await b.close()
  }
})

test('a target that answers DENIED ends the attempt at once (no other target), and is left out of the next choices', async () => {
  // a (cost 1) denies; this site's own connector (cost 2) would take it, but a denial is about who we are: the client is closed.
  const b = await bed([target('a', 1), target(SELF, 2)], () => new TunnelRefusedError(StatusCode.DENIED, 'not allowed'))
  try {
    const client = await dial(b.port)
    client.write('hello\n')
    assert.equal(await closed(client), 'reset')
    assert.deepEqual(b.tried, ['a'])
    assert.deepEqual(b.counts, ['failed:denied'])
    assert.deepEqual(b.ingress.rank(KEY).map(c => c.id), [SELF])
    assert.equal(b.ingress.candidates(KEY).find(c => c.id === 'a')?.value.denied, true)
    // The next client goes straight to the target that does not deny.
    const next = await dial(b.port)
    next.write('again\n')
    assert.equal(await readLine(next), 'again')
    assert.deepEqual(b.tried, ['a'])
    next.destroy()
  } finally {
    await b.close()
  }
})

test('a listener with trust never tries a target outside it, however cheap', async () => {
  const b = await bed([target('rogue', 1), target('good', 3)], (d) => new TunnelRefusedError(StatusCode.NO_ROUTE, `${d} refuses`), 100, ['good'])
  try {
    assert.deepEqual(b.ingress.rank(KEY, ['good']).map(c => c.id), ['good'])
    const client = await dial(b.port)
    client.write('x\n')
    assert.equal(await closed(client), 'reset')
    assert.deepEqual(b.tried, ['good'])
  } finally {
    await b.close()
  }
})

test('a listener with fallback keys: new connections go to its own key while it has a usable target, else to the first fallback that has one', async () => {
  // Per key, the targets the link-state engine would give; the test switches them.
  const byKey = new Map<string, Target[]>([[KEY, [target('primary', 1)]], ['replica', [target('replica', 1)]], ['dr', [target('dr', 1)]]])
  const b = await bed((key) => byKey.get(key) ?? [], (d) => new TunnelRefusedError(StatusCode.NO_ROUTE, `${d} refuses`), 100, ['primary', 'dr'], ['replica', 'dr'])
  const connectOnce = async (): Promise<void> => {
    const n = b.tried.length
    const client = await dial(b.port)
    client.write('x')
    await closed(client)
    await waitFor('a tunnel attempt', () => b.tried.length > n)
  }
  try {
    assert.equal(b.ingress.activeKey(b.listener), KEY)
    await connectOnce()
    assert.deepEqual(b.keys, [KEY])
    byKey.set(KEY, [])
    // 'replica' has a target, but not one this listener trusts: 'dr' is the first usable fallback.
    assert.equal(b.ingress.activeKey(b.listener), 'dr')
    await connectOnce()
    assert.deepEqual(b.keys, [KEY, 'dr'])
    byKey.set('replica', [target('replica', 1), target('primary', 9)])
    assert.equal(b.ingress.activeKey(b.listener), 'replica')
    byKey.set(KEY, [target('primary', 1)])
    await connectOnce()
    assert.deepEqual(b.keys, [KEY, 'dr', KEY])
    // No key has a usable target: its own key (and the client gets "no target").
    for (const k of byKey.keys()) byKey.set(k, [])
    assert.equal(b.ingress.activeKey(b.listener), KEY)
  } finally {
    await b.close()
  }
})

test('the active key change is logged once per change, however often it is asked', () => {
  const lines: string[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push((JSON.parse(line) as { msg: string, to: string }).to) } })
  let primaryUp = true
  const ingress = new Ingress({ selfId: SELF, targets: (key: string) => key === KEY ? (primaryUp ? [target('p', 1)] : []) : [target('r', 1)], trusts: () => true, now: () => 0, log } as unknown as IngressDeps)
  const listener = { config: { routingKey: KEY, maxConnections: 10, trust: [], fallback: ['replica'] }, openConnections: 0 }
  for (let i = 0; i < 3; i++) ingress.activeKey(listener)
  primaryUp = false
  for (let i = 0; i < 3; i++) assert.equal(ingress.activeKey(listener), 'replica')
  primaryUp = true
  for (let i = 0; i < 3; i++) assert.equal(ingress.activeKey(listener), KEY)
  assert.deepEqual(lines, ['replica', KEY])
})
