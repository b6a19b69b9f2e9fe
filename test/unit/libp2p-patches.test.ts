import '../../src/polyfill.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { Writable } from 'node:stream'
import type { Libp2p } from 'libp2p'
import { StreamMessageEvent, TypedEventEmitter, type Connection, type Stream, type StreamMuxer } from '@libp2p/interface'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { pino, type Logger } from 'pino'
import { createNode } from '../../src/net/node.js'
import { streamEndpoint } from '../../src/net/splice.js'
import { Metrics } from '../../src/api/metrics.js'
import type { RouterStatus } from '../../src/api/types.js'
import { TUNNEL_PROTOCOL } from '../../src/wire/constants.js'
import {
  acceptsWithoutWaiting, batchesSends, batchesWindowUpdates, canKeepReceiveWindowShut, decodeNoiseLength, decryptsWithoutCopies, directListenerCount, dispatchesDirectly, isAwaitingEcho,
  isCoalescingWrites, libp2pPatchStates, skipsRepeatedProtocolMerges, usesQuietLengthDecoder
} from '../../src/net/libp2p-patches/index.js'
import { Patch } from '../../src/net/libp2p-patches/registry.js'
import { waitFor } from '../helpers/wait.js'
import { readAll, reverser, sendAll } from '../helpers/streams.js'
import { countWrites } from '../helpers/tcp.js'

/**
 * One contract test per libp2p patch, each through createNode: two real
 * nodes over loopback TCP with real Noise and Yamux. Each fails when its
 * patch stops applying; the checks the patches report with are asserted on
 * the same real objects.
 */

const OTHER = '/test/other/1.0.0'

/** Writes pino's JSON lines into `lines`. */
function capturingLog (lines: Array<Record<string, unknown>>): Logger {
  return pino({ level: 'info' }, new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>)
      done()
    }
  }))
}

async function node (log?: Logger): Promise<Libp2p> {
  return await createNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], maxStreamsPerConnection: 64, log })
}

async function pair (): Promise<{ a: Libp2p, b: Libp2p, stop: () => Promise<void> }> {
  const a = await node()
  const b = await node()
  return { a, b, stop: async () => { await a.stop(); await b.stop() } }
}

/** What libp2p's Connection holds: the muxer, and the transport's own connection object. */
const muxerOf = (conn: Connection): StreamMuxer => (conn as unknown as { muxer: StreamMuxer }).muxer
const tcpConnOf = (conn: Connection): { socket: unknown } => (conn as unknown as { maConn: { socket: unknown } }).maConn
/** The secured (Noise) connection the muxer reads and writes. */
interface NoiseConn { decoder: { lengthDecoder: unknown }, close: () => Promise<void> }
const noiseConnOf = (conn: Connection): NoiseConn => (muxerOf(conn) as unknown as { maConn: NoiseConn }).maConn

/** A tunnel stream from a to b that has carried 'first'; `far`: everything b reads on it, once it ends. */
async function tunnelWithFirstBytes (a: Libp2p, b: Libp2p): Promise<{ conn: Connection, stream: Stream, far: Promise<Buffer> }> {
  let far: Promise<Buffer> | undefined
  await b.handle(TUNNEL_PROTOCOL, (stream) => { far = readAll(stream) })
  const conn = await a.dial(b.getMultiaddrs()[0])
  const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
  stream.send(Buffer.from('first'))
  // Wrapped: waitFor would wait for a promise it is handed, and this one settles only when the stream ends.
  const at = await waitFor('the stream at b', () => far !== undefined ? { far } : undefined)
  return { conn, stream, far: at.far }
}

/** Resolves once `stream` has received `n` more bytes. */
async function received (stream: Stream, n: number): Promise<void> {
  let got = 0
  await new Promise<void>((resolve) => {
    const onMessage = (evt: Event & { data?: { byteLength: number } }): void => {
      got += evt.data?.byteLength ?? 0
      if (got >= n) { stream.removeEventListener('message', onMessage); resolve() }
    }
    stream.addEventListener('message', onMessage)
  })
}

const sendWindow = (stream: Stream): number => (stream as unknown as { sendWindowCapacity: number }).sendWindowCapacity

test('the registry: every patch is in effect and tested on the installed packages, createNode warns about none, /metrics shows each at 1', async () => {
  const lines: Array<Record<string, unknown>> = []
  const n = await node(capturingLog(lines))
  try {
    const states = libp2pPatchStates()
    assert.deepEqual(states.map(s => s.name).sort(), [
      'fast-negotiation-inbound', 'fast-negotiation-outbound', 'noise-decrypt', 'noise-length-decoder', 'noise-send-batching', 'peer-store-protocol-merges',
      'stream-event-dispatch', 'tcp-write-coalescing', 'yamux-send-pause', 'yamux-window-updates'
    ])
    for (const s of states) {
      assert.ok(s.active, `${s.name} inactive: ${s.reason ?? ''}`)
      assert.ok(s.tested, `${s.name} untested: ${JSON.stringify(s.untested)}`)
      assert.ok(s.installedVersion !== undefined && s.testedVersions.includes(s.installedVersion), `${s.name}: ${s.package} ${s.installedVersion ?? 'not found'}`)
    }
    assert.deepEqual(lines.filter(l => l.level === 40), [], 'warnings at start-up')
    const status = { links: [], routers: [], services: [], listeners: [], workers: [] } as unknown as RouterStatus
    const metrics = new Metrics({ status: () => status, keyBytes: () => new Map(), linkBytes: () => new Map() })
    const text = await metrics.registry.metrics()
    for (const s of states) assert.match(text, new RegExp(`^portmesh_libp2p_patch_active\\{patch="${s.name}"\\} 1$`, 'm'))
  } finally {
    await n.stop()
  }
})

test('the registry: a patch that is refused or runs on an untested version logs exactly one warning naming the patch, the package and the version', () => {
  const lines: Array<Record<string, unknown>> = []
  const log = capturingLog(lines)
  const untested = new Patch({ name: 'probe-untested', packages: [{ name: '@libp2p/yamux', testedVersions: ['0.0.1'] }], applies: 'nowhere' })
  untested.observe(true, '')
  const refused = new Patch({ name: 'probe-refused', packages: [{ name: '@libp2p/yamux', testedVersions: ['8.0.3'] }], applies: 'nowhere' })
  refused.observe(false, 'an internal is missing')
  refused.observe(false, 'and another')
  const fine = new Patch({ name: 'probe-fine', packages: [{ name: '@libp2p/yamux', testedVersions: ['8.0.3'] }], applies: 'nowhere' })
  fine.observe(true, '')
  for (const p of [untested, refused, fine]) p.report(log)
  log.flush()
  const warnings = lines.filter(l => l.level === 40)
  assert.deepEqual(warnings.map(w => w.patch), ['probe-untested', 'probe-refused'])
  for (const w of warnings) {
    assert.match(String(w.msg), new RegExp(`${String(w.patch)}.*@libp2p/yamux 8\\.0\\.3`))
    assert.equal(w.package, '@libp2p/yamux')
    assert.equal(w.installedVersion, '8.0.3')
  }
  assert.deepEqual([untested.state().active, untested.state().tested, refused.state().active, refused.state().reason], [true, false, false, 'an internal is missing'])
})

test('yamux-window-updates: a stream that has received less than half its window sends no window update; past half it sends one', async () => {
  const { a, b, stop } = await pair()
  try {
    // b answers with one byte once it has received `want` bytes in all.
    let want = 1024
    let got = 0
    await b.handle(TUNNEL_PROTOCOL, async (stream) => {
      stream.addEventListener('message', (evt) => {
        got += evt.data.byteLength
        if (got >= want) stream.send(Buffer.from('k'))
      })
    })
    const conn = await a.dial(b.getMultiaddrs()[0])
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    assert.ok(batchesWindowUpdates(stream), 'the stream\'s sendWindowUpdate is not the batching one')
    const initial = sendWindow(stream)
    // b's reply travels behind any window update it sent first, so when it arrives a's view is current.
    let reply = received(stream, 1)
    stream.send(randomBytes(1024))
    await reply
    assert.equal(sendWindow(stream), initial - 1024, 'a window update came back for 1 KiB')
    want = 1024 + initial / 2 + 1
    reply = received(stream, 1)
    await sendAll(stream, randomBytes(initial / 2 + 1))
    await reply
    assert.ok(sendWindow(stream) >= initial, 'no window update after more than half the window')
  } finally {
    await stop()
  }
})

test('fast-negotiation-outbound: a tunnel stream is usable before the far end has seen it, and carries bytes exactly both ways', async () => {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.handle(TUNNEL_PROTOCOL, reverser(calls))
    const conn = await a.dial(b.getMultiaddrs()[0])
    await waitFor('b to see the connection', () => b.getConnections(a.peerId).length === 1)
    const far = b.getConnections(a.peerId)[0]
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    // Not one byte of the stream can have reached b yet: libp2p's negotiation would have waited for b's echo.
    assert.equal(far.streams.length, 0, 'newStream waited for the far end')
    assert.equal(calls.length, 0)
    assert.equal(stream.protocol, TUNNEL_PROTOCOL)
    assert.ok(isAwaitingEcho(stream, TUNNEL_PROTOCOL), 'the stream does not read through the echo filter')
    const payload = randomBytes(300 * 1024)
    const [, back] = await Promise.all([sendAll(stream, payload), readAll(stream)])
    assert.ok(back.equals(Buffer.from(payload).reverse()), 'bytes differ after the round trip')
    assert.deepEqual(calls, [TUNNEL_PROTOCOL])
  } finally {
    await stop()
  }
})

test('fast-negotiation-inbound: bytes and a FIN right behind the proposal reach the handler (libp2p\'s own negotiation resets such a stream), other protocols still negotiate', async () => {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.handle(TUNNEL_PROTOCOL, reverser(calls))
    await b.handle(OTHER, reverser(calls))
    const conn = await a.dial(b.getMultiaddrs()[0])
    await waitFor('b to see the connection', () => b.getConnections(a.peerId).length === 1)
    assert.ok(acceptsWithoutWaiting(muxerOf(b.getConnections(a.peerId)[0])), 'b\'s muxer does not read proposals first')
    assert.ok(acceptsWithoutWaiting(muxerOf(conn)), 'a\'s muxer does not read proposals first')
    for (let i = 0; i < 5; i++) {
      const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
      stream.send(Buffer.from(`request ${i}`))
      const closing = stream.close()
      const back = await readAll(stream)
      await closing
      assert.equal(back.toString(), Buffer.from(`request ${i}`).reverse().toString())
    }
    const other = await conn.newStream(OTHER)
    const [, back] = await Promise.all([sendAll(other, Buffer.from('abc')), readAll(other)])
    assert.equal(back.toString(), 'cba')
    assert.equal(calls.filter(c => c === TUNNEL_PROTOCOL).length, 5)
  } finally {
    await stop()
  }
})

/**
 * Holds b's side of the next connection between its muxer and libp2p's
 * Connection (which is what listens for the muxer's streams), through the
 * connection gater libp2p consults in between, until `release` is called.
 */
function holdInboundUpgrade (b: Libp2p): { muxers: StreamMuxer[], release: () => void } {
  const components = (b as unknown as { components: { connectionGater: Record<string, unknown>, upgrader: { streamMuxers: Map<string, { createStreamMuxer: (c: unknown) => StreamMuxer }> } } }).components
  const muxers: StreamMuxer[] = []
  for (const factory of components.upgrader.streamMuxers.values()) {
    const create = factory.createStreamMuxer.bind(factory)
    factory.createStreamMuxer = (c) => { const m = create(c); muxers.push(m); return m }
  }
  let release = (): void => {}
  const released = new Promise<void>(resolve => { release = resolve })
  components.connectionGater.denyInboundUpgradedConnection = async () => { await released; return false }
  return { muxers, release }
}

test('fast-negotiation-inbound keeps libp2p\'s maxEarlyStreams guard: up to 10 streams opened before anyone listens wait and work; an 11th aborts the muxer, as libp2p does', async () => {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.handle(TUNNEL_PROTOCOL, reverser(calls))
    const MAX_EARLY_STREAMS = 10 // @libp2p/utils' default, which createNode keeps

    // Exactly the limit: the streams wait as early streams and are handled once libp2p listens.
    const held = holdInboundUpgrade(b)
    const conn = await a.dial(b.getMultiaddrs()[0])
    const streams = await Promise.all(Array.from({ length: MAX_EARLY_STREAMS }, async () => await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })))
    for (const [i, s] of streams.entries()) s.send(Buffer.from(`early ${i}`))
    const muxer = await waitFor('b\'s muxer', () => held.muxers[0])
    const early = (): number => (muxer as unknown as { earlyStreams: Stream[] }).earlyStreams.length
    await waitFor('10 early streams at b', () => early() === MAX_EARLY_STREAMS)
    assert.equal(muxer.status, 'open')
    held.release()
    const backs = await Promise.all(streams.map(async (s) => { const back = readAll(s); await s.close(); return (await back).toString() }))
    assert.deepEqual(backs, streams.map((_, i) => Buffer.from(`early ${i}`).reverse().toString()))
    await conn.close()

    // One more: b's muxer is aborted (libp2p's MaxEarlyStreamsError) and a's streams with it.
    const over = holdInboundUpgrade(b)
    const conn2 = await a.dial(b.getMultiaddrs()[0])
    assert.notEqual(conn2, conn)
    const streams2 = await Promise.all(Array.from({ length: MAX_EARLY_STREAMS + 1 }, async () => await conn2.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })))
    const muxer2 = await waitFor('b\'s second muxer', () => over.muxers[0])
    await waitFor('b\'s muxer to be aborted', () => muxer2.status === 'closed', 5_000)
    await waitFor('a\'s streams to be aborted', () => streams2.every(s => s.status === 'aborted' || s.status === 'reset'), 5_000)
    over.release()
    assert.equal(calls.length, MAX_EARLY_STREAMS, 'a stream past the limit reached the handler')
  } finally {
    await stop()
  }
})

test('tcp-write-coalescing: everything a connection writes in one event-loop turn leaves in one writev', async () => {
  const { a, b, stop } = await pair()
  try {
    let got = 0
    await b.handle(TUNNEL_PROTOCOL, async (stream) => { stream.addEventListener('message', (evt) => { got += evt.data.byteLength }) })
    const conn = await a.dial(b.getMultiaddrs()[0])
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    stream.send(Buffer.from('hello'))
    await waitFor('the first bytes at b', () => got === 5)
    const tcpConn = tcpConnOf(conn)
    assert.ok(isCoalescingWrites(tcpConn), 'the TCP connection does not write through the coalescing sendData')
    const counted = countWrites(tcpConn.socket as Socket)
    // Three Yamux data frames large enough for Noise to send each at once (noise-send-batching), each
    // a Noise message of two buffers (length, ciphertext): six socket writes.
    for (const size of [9000, 10_000, 11_000]) stream.send(randomBytes(size))
    assert.equal(counted.writevs() + counted.writes(), 0, 'bytes were written before the turn ended')
    await new Promise(resolve => process.nextTick(resolve))
    assert.deepEqual({ writevCalls: counted.writevs(), writeCalls: counted.writes() }, { writevCalls: 1, writeCalls: 0 })
    await waitFor('all bytes at b', () => got === 5 + 30_000)
  } finally {
    await stop()
  }
})

/**
 * Two real nodes with one Noise connection: `check` runs on the secured
 * connection at each end, then `bytes` go each way through a stream (the far
 * end sends them back reversed) and must arrive as sent.
 */
async function noiseRoundTrip (check: (secured: NoiseConn, direction: string) => void, bytes: number): Promise<void> {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.handle(TUNNEL_PROTOCOL, reverser(calls))
    const conn = await a.dial(b.getMultiaddrs()[0])
    await waitFor('b to see the connection', () => b.getConnections(a.peerId).length === 1)
    for (const c of [conn, b.getConnections(a.peerId)[0]]) check(noiseConnOf(c), c.direction)
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    const payload = randomBytes(bytes)
    const [, back] = await Promise.all([sendAll(stream, payload), readAll(stream)])
    assert.ok(back.equals(Buffer.from(payload).reverse()))
  } finally {
    await stop()
  }
}

test('noise-length-decoder: the decoder a real Noise connection reads with decodes lengths with the quiet decoder, at both ends', async () => {
  // 200 KiB: reads that end inside a length and inside a message, through the decoder in use.
  await noiseRoundTrip((secured, direction) => {
    assert.equal(secured.decoder.lengthDecoder, decodeNoiseLength, `the ${direction} Noise connection decodes lengths with Noise's own decoder`)
    assert.ok(usesQuietLengthDecoder({ connection: secured }))
  }, 200 * 1024)
})

test('noise-decrypt: a real Noise connection decrypts with the copy-free decrypt at both ends, and messages that span reads arrive whole', async () => {
  // 2 MiB each way in 64 KiB messages: TCP reads end inside most of them, so most reach decrypt as lists.
  await noiseRoundTrip((secured, direction) => {
    assert.ok(decryptsWithoutCopies({ connection: secured }), `the ${direction} Noise connection decrypts with Noise's own decrypt`)
  }, 2 * 1024 * 1024)
})

/** Counts the socket writes (write and writev calls) of a's TCP connection from now on. */
function countSocketWrites (conn: Connection): { writes: () => number } {
  const counted = countWrites(tcpConnOf(conn).socket as Socket)
  return { writes: () => counted.writes() + counted.writevs() }
}

/** Counts the messages a's Noise connection encrypts from now on. */
function countEncryptions (conn: Connection): { count: () => number } {
  const handshake = (noiseConnOf(conn) as unknown as { handshake: { encrypt: (...a: unknown[]) => unknown } }).handshake
  let count = 0
  const encrypt = handshake.encrypt.bind(handshake)
  handshake.encrypt = (...args) => { count++; return encrypt(...args) }
  return { count: () => count }
}

test('noise-send-batching: small frames of many streams sent in one iteration leave as one Noise message, in order; bulk goes at once', async () => {
  const { a, b, stop } = await pair()
  try {
    const got = new Map<number, Buffer>()
    let streams = 0
    await b.handle(TUNNEL_PROTOCOL, async (stream) => {
      const i = streams++
      got.set(i, Buffer.alloc(0))
      stream.addEventListener('message', (evt) => { got.set(i, Buffer.concat([got.get(i) as Buffer, evt.data.subarray()])) })
    })
    const conn = await a.dial(b.getMultiaddrs()[0])
    const tunnels: Stream[] = []
    for (let i = 0; i < 10; i++) {
      const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
      stream.send(Buffer.from([i]))
      tunnels.push(stream)
    }
    await waitFor('b to see all ten streams', () => streams === 10 && [...got.values()].every(v => v.length === 1))
    assert.ok(batchesSends({ connection: noiseConnOf(conn) }), 'the Noise connection sends with its own sendData')
    const order = [...got.entries()].sort((x, y) => x[1][0] - y[1][0]).map(([at]) => at)
    const writes = countSocketWrites(conn)
    const encryptions = countEncryptions(conn)
    // Forty small frames over ten streams in one iteration (what fifty redis clients look like).
    for (let round = 0; round < 4; round++) tunnels.forEach((t, i) => t.send(Buffer.from(`${i}:${round};`)))
    assert.equal(writes.writes(), 0, 'bytes left before the iteration ended')
    await new Promise(resolve => setImmediate(resolve))
    await new Promise(resolve => process.nextTick(resolve))
    assert.equal(writes.writes(), 1, 'forty small frames took more than one socket write')
    assert.equal(encryptions.count(), 1, 'forty small frames took more than one Noise message')
    const expected = (i: number): string => String.fromCharCode(i) + [0, 1, 2, 3].map(r => `${i}:${r};`).join('')
    await waitFor('every stream\'s bytes at b', () => tunnels.every((_, i) => got.get(order[i])?.toString('latin1') === expected(i)))
    // A bulk send goes at once: written before the iteration ends, with the small one queued before it.
    tunnels[0].send(Buffer.from('x'))
    tunnels[0].send(randomBytes(20_000))
    await new Promise(resolve => process.nextTick(resolve))
    assert.equal(writes.writes(), 2, 'a 20 KB send waited for the end of the iteration')
    await waitFor('the bulk at b', () => got.get(order[0])?.length === expected(0).length + 1 + 20_000)
    assert.equal(got.get(order[0])?.subarray(expected(0).length, expected(0).length + 1).toString(), 'x')
    // Sends from two callbacks of one iteration go as one message too: fifty clients' requests
    // arrive in fifty I/O callbacks of one poll. Two immediates queued together always run in one
    // check phase (two timers, tried first, did not always fall due in one timers phase).
    const beforeCallbacks = encryptions.count()
    await new Promise<void>(resolve => {
      setImmediate(() => tunnels[1].send(Buffer.from('t')))
      setImmediate(() => { tunnels[2].send(Buffer.from('u')); setImmediate(resolve) })
    })
    assert.equal(encryptions.count() - beforeCallbacks, 1, 'sends from two callbacks of one iteration took two Noise messages')
    await waitFor('both at b', () => got.get(order[1])?.toString('latin1').endsWith('t') === true && got.get(order[2])?.toString('latin1').endsWith('u') === true)
  } finally {
    await stop()
  }
})

test('noise-send-batching: what waits when the connection closes is sent before the close', async () => {
  const { a, b, stop } = await pair()
  try {
    const { conn, stream, far } = await tunnelWithFirstBytes(a, b)
    // A small frame, then the connection's close, in one iteration: the frame must not be lost.
    stream.send(Buffer.from('last words'))
    await noiseConnOf(conn).close()
    assert.equal((await far)?.toString(), 'firstlast words')
  } finally {
    await stop()
  }
})

test('stream-event-dispatch: every layer of a real link (TCP, Noise, Yamux) calls its plain message listeners directly; bytes arrive exactly, in order', async () => {
  const { a, b, stop } = await pair()
  try {
    let far: Stream | undefined
    await b.handle(TUNNEL_PROTOCOL, (stream) => { far = stream; void reverser([])(stream) })
    const conn = await a.dial(b.getMultiaddrs()[0])
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    const echoed = readAll(stream)
    const payload = randomBytes(300_000)
    await sendAll(stream, payload)
    assert.deepEqual(await echoed, Buffer.from(payload).reverse())
    await waitFor('the stream at b', () => far !== undefined)
    // The muxer listens on Noise's connection, Noise on the TCP connection, readAll on the stream: each directly.
    const layers = { tcp: tcpConnOf(conn), noise: noiseConnOf(conn), yamux: far as Stream }
    for (const [name, layer] of Object.entries(layers)) {
      assert.ok(dispatchesDirectly(layer), `${name}: dispatchEvent is libp2p's own`)
    }
    assert.ok(directListenerCount(layers.tcp) >= 1, 'the TCP connection\'s listener (Noise) goes through EventTarget')
    assert.ok(directListenerCount(layers.noise) >= 1, 'the Noise connection\'s listener (the muxer) goes through EventTarget')
  } finally {
    await stop()
  }
})

/**
 * Listeners that add, remove and throw, on `target`; `deliver` gets 'one', then 'two', to it.
 * Returns the calls in order, and how many uncaught exceptions the dispatches raised.
 */
async function listenerRules (target: EventTarget, deliver: (text: string) => Promise<void>): Promise<{ calls: string[], uncaught: string[] }> {
  const calls: string[] = []
  const uncaught: string[] = []
  const text = (evt: Event): string => Buffer.from((evt as Event & { data: { subarray: () => Uint8Array } }).data.subarray()).toString()
  const late = (evt: Event): void => { calls.push(`late:${text(evt)}`) }
  const third = (evt: Event): void => { calls.push(`third:${text(evt)}`) }
  const first = (evt: Event): void => { calls.push(`first:${text(evt)}`); target.addEventListener('message', late); target.removeEventListener('message', third) }
  const thrower = (evt: Event): void => { throw new Error(`listener failed on ${text(evt)}`) }
  // node:test fails a test on an uncaught exception; for these dispatches only ours sees them.
  const onUncaught = (err: Error): void => { uncaught.push(err.message) }
  const others = process.listeners('uncaughtException')
  process.removeAllListeners('uncaughtException')
  process.on('uncaughtException', onUncaught)
  try {
    target.addEventListener('message', first)
    target.addEventListener('message', first)
    target.addEventListener('message', thrower)
    target.addEventListener('message', third)
    await deliver('one')
    await deliver('two')
    await new Promise(resolve => setImmediate(resolve))
  } finally {
    process.removeListener('uncaughtException', onUncaught)
    for (const l of others) process.on('uncaughtException', l)
  }
  target.removeEventListener('message', first)
  target.removeEventListener('message', late)
  target.removeEventListener('message', thrower)
  return { calls, uncaught }
}

test('stream-event-dispatch: a send on a real link builds no \'idle\' event while nobody waits for one, and delivers it to a listener that does', async () => {
  const { a, b, stop } = await pair()
  const Original = globalThis.CustomEvent
  const built: string[] = []
  try {
    const { stream, far } = await tunnelWithFirstBytes(a, b)
    // main-event builds safeDispatchEvent's events with the global CustomEvent.
    globalThis.CustomEvent = class Counting<T> extends Original<T> {
      constructor (type: string, init?: CustomEventInit<T>) { super(type, init); built.push(type) }
    }
    assert.equal(stream.listenerCount('idle'), 0)
    stream.send(Buffer.from('second'))
    assert.deepEqual(built.filter(t => t === 'idle'), [], 'an idle event was built that nobody listens to')
    let idle = 0
    stream.addEventListener('idle', () => { idle++ }, { once: true })
    stream.send(Buffer.from('third'))
    assert.equal(idle, 1, 'the idle listener missed the event')
    assert.deepEqual(built.filter(t => t === 'idle'), ['idle'])
    globalThis.CustomEvent = Original
    await stream.close()
    assert.equal((await far)?.toString(), 'firstsecondthird')
  } finally {
    globalThis.CustomEvent = Original
    await stop()
  }
})

test('stream-event-dispatch keeps Node\'s EventTarget rules on a real stream (order, no double add, add or remove during a dispatch, a throwing listener), and listeners with options still get every chunk', async () => {
  // What libp2p's own TypedEventEmitter does with the same listeners.
  const emitter = new TypedEventEmitter()
  const expected = await listenerRules(emitter, async (text) => { emitter.dispatchEvent(new StreamMessageEvent(Buffer.from(text))) })
  assert.deepEqual(expected.calls, ['first:one', 'late:one', 'first:two', 'late:two'], 'Node\'s EventTarget changed its rules')
  assert.deepEqual(expected.uncaught, ['listener failed on one', 'listener failed on two'])

  const { a, b, stop } = await pair()
  try {
    let far: Stream | undefined
    await b.handle(TUNNEL_PROTOCOL, (stream) => { far = stream; stream.pause() })
    const conn = await a.dial(b.getMultiaddrs()[0])
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    stream.send(Buffer.from('one'))
    await waitFor('the stream at b', () => far !== undefined)
    const s = far as Stream
    const withOptions: string[] = []
    s.addEventListener('message', (evt) => { withOptions.push(Buffer.from(evt.data.subarray()).toString()) }, { signal: new AbortController().signal })
    let delivered = 0
    s.addEventListener('message', () => { delivered++ })
    // 'one' waits in the paused stream: resuming delivers it; 'two' comes over the link.
    const got = await listenerRules(s as unknown as EventTarget, async (text) => {
      const before = delivered
      if (text === 'one') s.resume()
      else stream.send(Buffer.from(text))
      await waitFor(`${text} delivered`, () => delivered > before)
    })
    assert.deepEqual(got, expected)
    assert.deepEqual(withOptions, ['one', 'two'])
    assert.ok(dispatchesDirectly(s))
    assert.equal(directListenerCount(s), 1, 'the counting listener is left, called directly')
    assert.equal(s.listenerCount('message'), 2, 'listenerCount counts direct listeners and the one with options')
  } finally {
    await stop()
  }
})

test('peer-store-protocol-merges: a second protocol-only merge into the peer store libp2p\'s connections use is skipped', async () => {
  const { a, b, stop } = await pair()
  try {
    await b.handle(TUNNEL_PROTOCOL, async () => {})
    const conn = await a.dial(b.getMultiaddrs()[0])
    assert.ok(skipsRepeatedProtocolMerges(a), 'the peer store libp2p records protocols in is not the skipping one')
    const components = (a as unknown as { components: { peerStore: Libp2p['peerStore'], datastore: Record<string, (...args: unknown[]) => unknown> } }).components
    let datastoreCalls = 0
    for (const method of ['get', 'put', 'has']) {
      const original = components.datastore[method].bind(components.datastore)
      components.datastore[method] = (...args: unknown[]) => { datastoreCalls++; return original(...args) }
    }
    // What Connection.newStream does for every stream it opens.
    const first = await components.peerStore.merge(b.peerId, { protocols: [TUNNEL_PROTOCOL] })
    const afterFirst = datastoreCalls
    assert.ok(afterFirst > 0, 'the first merge did not reach the datastore')
    const second = await components.peerStore.merge(b.peerId, { protocols: [TUNNEL_PROTOCOL] })
    assert.equal(datastoreCalls, afterFirst, 'the second merge read or wrote the datastore')
    assert.equal(second, first)
    // Through libp2p's own stream code: the protocol is recorded.
    await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    assert.ok((await a.peerStore.get(b.peerId)).protocols.includes(TUNNEL_PROTOCOL))
  } finally {
    await stop()
  }
})

test('peer-store-protocol-merges: protocol-only merges made together (the first tunnels over a new link) reach the datastore once', async () => {
  const { a, b, stop } = await pair()
  try {
    await b.handle(TUNNEL_PROTOCOL, async () => {})
    await a.dial(b.getMultiaddrs()[0])
    const components = (a as unknown as { components: { peerStore: Libp2p['peerStore'], datastore: Record<string, (...args: unknown[]) => unknown> } }).components
    let datastoreCalls = 0
    for (const method of ['get', 'put', 'has']) {
      const original = components.datastore[method].bind(components.datastore)
      components.datastore[method] = (...args: unknown[]) => { datastoreCalls++; return original(...args) }
    }
    // One merge of a protocol not yet recorded, for scale.
    await components.peerStore.merge(b.peerId, { protocols: ['/portmesh/test-one/1'] })
    const one = datastoreCalls
    assert.ok(one > 0, 'a merge did not reach the datastore')
    datastoreCalls = 0
    const ten = await Promise.all(Array.from({ length: 10 }, async () => await components.peerStore.merge(b.peerId, { protocols: [TUNNEL_PROTOCOL] })))
    assert.ok(datastoreCalls <= one, `ten merges made together: ${datastoreCalls} datastore calls, one alone: ${one}`)
    assert.ok(ten.every(p => p.protocols.includes(TUNNEL_PROTOCOL)))
    assert.ok((await a.peerStore.get(b.peerId)).protocols.includes(TUNNEL_PROTOCOL))
  } finally {
    await stop()
  }
})

test('yamux-send-pause: a stream endpoint that pauses again while resume() delivers keeps its receive window shut', async () => {
  const { a, b, stop } = await pair()
  try {
    let inbound: Stream | undefined
    await b.handle(TUNNEL_PROTOCOL, (stream) => { inbound = stream })
    const conn = await a.dial(b.getMultiaddrs()[0])
    const stream = await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false })
    const far = await waitFor('the stream at b', () => inbound)
    assert.ok(canKeepReceiveWindowShut(far))
    let pauseOnData = false
    let delivered = 0
    const endpoint = streamEndpoint(far, 'test')
    endpoint.start({
      data: (chunk) => { delivered += chunk.byteLength; if (pauseOnData) endpoint.pause() },
      end: () => {},
      reset: () => {},
      closed: () => {}
    })
    endpoint.pause()
    stream.send(randomBytes(1024))
    await waitFor('1 KiB buffered at the paused end', () => far.readBufferLength === 1024)
    // resume() delivers the KiB, the sink pauses again; then libp2p re-opens the window, and the endpoint shuts it.
    pauseOnData = true
    endpoint.resume()
    assert.equal(delivered, 1024)
    assert.equal(far.readStatus, 'paused')
    // b's frames travel behind any window update it sent: after one, a's view of its window is current.
    const synced = received(stream, 1)
    far.send(Buffer.from('k'))
    await synced
    const before = sendWindow(stream)
    // More than half the window: an open window would send an update now.
    const more = before / 2 + 1
    await sendAll(stream, randomBytes(more), false)
    await waitFor('the bytes buffered at the paused end', () => far.readBufferLength === more)
    const reply = received(stream, 1)
    far.send(Buffer.from('k'))
    await reply
    assert.equal(sendWindow(stream), before - more, 'the paused end re-opened its window')
  } finally {
    await stop()
  }
})
