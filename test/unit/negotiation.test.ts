import '../../src/polyfill.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'
import { ProtocolRefusedError, withFastNegotiation } from '../../src/net/libp2p-patches/index.js'
import { proposal } from '../../src/wire/multistream.js'
import { waitFor } from '../helpers/wait.js'
import { readAll, reverser, sendAll } from '../helpers/streams.js'

const FAST = '/test/fast/1.0.0'
const OTHER = '/test/other/1.0.0'

/** A libp2p node on loopback with the fast negotiation for FAST; `muxers` collects its connections' muxers. */
async function node (timeoutMs = 5_000): Promise<{ node: Libp2p, muxers: StreamMuxer[] }> {
  const muxers: StreamMuxer[] = []
  const capture = (factory: () => StreamMuxerFactory) => (): StreamMuxerFactory => {
    const f = factory()
    const create = f.createStreamMuxer.bind(f)
    f.createStreamMuxer = (maConn) => {
      const m = create(maConn)
      muxers.push(m)
      return m
    }
    return f
  }
  const n = await createLibp2p({
    privateKey: await generateKeyPair('Ed25519'),
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [withFastNegotiation(capture(yamux({ enableKeepAlive: false })), [FAST], timeoutMs)],
    connectionMonitor: { enabled: false }
  })
  return { node: n, muxers }
}

/**
 * Everything the far end sends until it closes its writing side. (Events, not
 * `for await`: libp2p's iterator misses a FIN that arrived before it started,
 * which a stream used without waiting for negotiation makes common.)
 */
async function pair (timeoutMs?: number): Promise<{ a: Awaited<ReturnType<typeof node>>, b: Awaited<ReturnType<typeof node>>, stop: () => Promise<void> }> {
  const a = await node(timeoutMs)
  const b = await node(timeoutMs)
  return { a, b, stop: async () => { await a.node.stop(); await b.node.stop() } }
}

test('a stream opened with negotiateFully: false is usable before the far end has read a byte, and carries bytes exactly both ways', async () => {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.node.handle(FAST, reverser(calls))
    const conn = await a.node.dial(b.node.getMultiaddrs()[0])
    const stream = await conn.newStream(FAST, { negotiateFully: false })
    // No I/O has happened since: the far end has not even read the proposal.
    assert.equal(calls.length, 0, 'newStream waited for the far end')
    assert.equal(stream.protocol, FAST)
    const payload = randomBytes(300 * 1024)
    const [, back] = await Promise.all([sendAll(stream, payload), readAll(stream)])
    assert.ok(back.equals(Buffer.from(payload).reverse()), 'bytes differ after the round trip')
    assert.deepEqual(calls, [FAST], 'the handler saw the stream negotiated')
  } finally {
    await stop()
  }
})

test('bytes and a FIN sent right behind the proposal reach the handler (libp2p\'s own negotiation resets such a stream)', async () => {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.node.handle(FAST, reverser(calls))
    const conn = await a.node.dial(b.node.getMultiaddrs()[0])
    for (let i = 0; i < 5; i++) {
      const stream = await conn.newStream(FAST, { negotiateFully: false })
      stream.send(Buffer.from(`request ${i}`))
      const closing = stream.close()
      const back = await readAll(stream)
      await closing
      assert.equal(back.toString(), Buffer.from(`request ${i}`).reverse().toString())
    }
  } finally {
    await stop()
  }
})

test('ordinary negotiation still works both ways: full select of the fast protocol, other protocols, and an ordinary opener', async () => {
  const { a, b, stop } = await pair()
  try {
    const calls: string[] = []
    await b.node.handle(FAST, reverser(calls))
    await b.node.handle(OTHER, reverser(calls))
    await a.node.handle(FAST, reverser(calls))
    const conn = await a.node.dial(b.node.getMultiaddrs()[0])
    for (const [protocol, options] of [[FAST, {}], [OTHER, {}], [OTHER, { negotiateFully: false }]] as const) {
      const stream = await conn.newStream(protocol, options)
      const payload = randomBytes(10_000)
      const [, back] = await Promise.all([sendAll(stream, payload), readAll(stream)])
      assert.ok(back.equals(Buffer.from(payload).reverse()), `${protocol} ${JSON.stringify(options)}: bytes differ`)
    }
    // The other direction: b opens towards a over the same connection.
    const reverse = b.node.getConnections(a.node.peerId)[0]
    const stream = await reverse.newStream(FAST, { negotiateFully: false })
    const [, back] = await Promise.all([sendAll(stream, Buffer.from('abc')), readAll(stream)])
    assert.equal(back.toString(), 'cba')
    assert.deepEqual(calls, [FAST, OTHER, OTHER, FAST])
  } finally {
    await stop()
  }
})

test('a peer that does not handle the protocol refuses it: the opener\'s stream is aborted with ProtocolRefusedError', async () => {
  const { a, b, stop } = await pair()
  try {
    const conn = await a.node.dial(b.node.getMultiaddrs()[0])
    const stream = await conn.newStream(FAST, { negotiateFully: false })
    const closed = new Promise<Error | undefined>((resolve) => stream.addEventListener('close', (evt) => resolve((evt as Event & { error?: Error }).error), { once: true }))
    stream.send(Buffer.from('a header that nobody may read'))
    const err = await closed
    assert.ok(err instanceof ProtocolRefusedError, `closed with ${String(err)}`)
  } finally {
    await stop()
  }
})

test('a stream that proposes only part of a protocol and goes quiet is aborted after the negotiation timeout', async () => {
  const { a, b, stop } = await pair(300)
  try {
    const calls: string[] = []
    await b.node.handle(FAST, reverser(calls))
    await a.node.dial(b.node.getMultiaddrs()[0])
    // A raw stream from a's muxer: no negotiation at all, then half a proposal.
    const raw = await a.muxers[0].createStream()
    raw.send(proposal(FAST).subarray(0, 25))
    await waitFor('the stream to be aborted by the far end', () => raw.status !== 'open', 5_000)
    assert.equal(calls.length, 0, 'a half proposal reached the handler')
  } finally {
    await stop()
  }
})
