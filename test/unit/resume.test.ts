import { afterEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { connect, createServer, type Socket } from 'node:net'
import { resumableEndpoint, ResumeResetReason, ResumeStateError, type ResumableEndpoint, type ResumableOptions } from '../../src/net/resume.js'
import {
  DEFAULT_MAX_BUFFERED_BYTES, FRAME_ACK, FRAME_DATA, FRAME_END, FRAME_RESET, FRAME_SYNC, MAX_DATA_FRAME_BYTES
} from '../../src/net/resume-constants.js'
import { socketEndpoint, splice, type Endpoint } from '../../src/net/splice.js'
import { deriveSessionKeys, newEphemeral, sealedEndpoint } from '../../src/net/e2e.js'
import { closed } from '../helpers/tcp.js'
import { recorder } from '../helpers/recorder.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The resumable layer over real loopback TCP: each tunnel end wraps a
 * socketEndpoint, and a "path" is one socket pair. Breaking the path is
 * destroying or resetting one of its sockets mid-transfer; resuming is a new
 * socket pair and reattach() on both ends with the other's `received`, as
 * the tunnel owner's resume handshake will do.
 */

const MiB = 1024 * 1024
/** A broken layer tends to wait forever for bytes; fail instead. */
const BOUNDED = { timeout: 60_000 }

/** Every socket a test opened; none may be left when it ends. */
const openSockets = new Set<Socket>()
/** Every layer a test made; none may be left holding a timer. */
const layers = new Set<ResumableEndpoint>()

afterEach(async () => {
  const leakedSockets = [...openSockets].filter(s => !s.destroyed).length
  const leakedLayers = [...layers].filter(l => l.state === 'live' || l.state === 'suspended').length
  for (const s of openSockets) s.destroy()
  await waitFor('sockets to close', () => openSockets.size === 0, 5_000)
  // Once its sockets are closed, a layer holds no timer (ack, resume or reset linger).
  const timers = process.getActiveResourcesInfo().filter(r => r === 'Timeout').length
  for (const l of layers) l.abandon('test over')
  layers.clear()
  assert.equal(leakedSockets, 0, 'a test left sockets open')
  assert.equal(leakedLayers, 0, 'a test left a layer live or suspended (its timers running)')
  assert.equal(timers, 0, 'a timer outlived its test')
})

async function socketPair (): Promise<[Socket, Socket]> {
  const server = createServer({ allowHalfOpen: true, noDelay: true })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve))
  const a = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true, noDelay: true })
  await new Promise<void>((resolve, reject) => { a.once('connect', resolve); a.once('error', reject) })
  const b = await accepted
  server.close()
  for (const s of [a, b]) {
    openSockets.add(s)
    s.on('close', () => openSockets.delete(s))
    s.on('error', () => {})
  }
  return [a, b]
}

function layer (inner: Endpoint, options: ResumableOptions = {}): ResumableEndpoint {
  const l = resumableEndpoint(inner, options)
  layers.add(l)
  return l
}

type Kill = 'destroy-a' | 'reset-a' | 'destroy-b' | 'reset-b'

/** Two tunnel ends over a path of real sockets that the test can break and replace. */
interface Pair {
  a: ResumableEndpoint
  b: ResumableEndpoint
  /** onBroken reasons, per end. */
  brokenA: string[]
  brokenB: string[]
  /** The current path's sockets (a's side, b's side). */
  path: [Socket, Socket]
  /** Kills the path one way and waits until both ends have noticed. */
  breakPath: (how: Kill) => Promise<void>
  /** A new path; each end resumes from what the other says it received. */
  reattach: () => Promise<void>
  /** Close everything; for the finally of a test. */
  close: () => void
}

async function pair (options: ResumableOptions = {}, optionsB: ResumableOptions = options): Promise<Pair> {
  const path = await socketPair()
  const brokenA: string[] = []
  const brokenB: string[] = []
  const p: Pair = {
    a: layer(socketEndpoint(path[0], 'path a'), { ...options, onBroken: (r) => brokenA.push(r) }),
    b: layer(socketEndpoint(path[1], 'path b'), { ...optionsB, onBroken: (r) => brokenB.push(r) }),
    brokenA,
    brokenB,
    path,
    async breakPath (how) {
      const s = how.endsWith('-a') ? p.path[0] : p.path[1]
      if (how.startsWith('reset')) s.resetAndDestroy()
      else s.destroy()
      await waitFor(`both ends to notice ${how}`, () => p.a.state !== 'live' && p.b.state !== 'live', 10_000, 5)
    },
    async reattach () {
      const next = await socketPair()
      p.path = next
      // Read while both are suspended: nothing arrives between this and reattach().
      const receivedA = p.a.received
      const receivedB = p.b.received
      assert.equal(p.a.reattach(socketEndpoint(next[0], 'path a'), receivedB), true)
      assert.equal(p.b.reattach(socketEndpoint(next[1], 'path b'), receivedA), true)
    },
    close () {
      for (const s of p.path) s.destroy()
    }
  }
  return p
}

/** Writes `data` in `piece`-sized writes, waiting for onDrain whenever write() says so. */
async function writeAll (ep: Endpoint, data: Buffer, piece = 64 * 1024, onWrite?: (writtenBytes: number) => void): Promise<number> {
  let blocked = 0
  for (let at = 0; at < data.length; at += piece) {
    const ok = ep.write(data.subarray(at, at + piece))
    onWrite?.(Math.min(at + piece, data.length))
    if (!ok) {
      blocked++
      await new Promise<void>((resolve) => ep.onDrain(resolve))
    }
  }
  return blocked
}

/**
 * A byte stream where every 256 KiB block is a random base block stamped
 * with its index: a byte lost, duplicated or moved puts the wrong bytes at
 * some offset, which `check` finds (SHA-256 is computed besides).
 */
function pattern (total: number): { block: (k: number) => Buffer, blocks: number, verifier: () => { feed: (c: Buffer) => void, received: () => number, firstMismatch: () => number | undefined, digest: () => string } } {
  const BLOCK = 256 * 1024
  const base = randomBytes(BLOCK)
  const block = (k: number): Buffer => {
    const b = Buffer.from(base)
    b.writeUInt32BE(k, 0)
    return b
  }
  return {
    block,
    blocks: total / BLOCK,
    verifier: () => {
      let offset = 0
      let mismatch: number | undefined
      let expected = block(0)
      let expectedIndex = 0
      const hash = createHash('sha256')
      return {
        feed (c) {
          hash.update(c)
          let at = 0
          while (at < c.length) {
            const k = Math.floor(offset / BLOCK)
            if (k !== expectedIndex) { expected = block(k); expectedIndex = k }
            const o = offset % BLOCK
            const n = Math.min(BLOCK - o, c.length - at)
            if (mismatch === undefined && !c.subarray(at, at + n).equals(expected.subarray(o, o + n))) mismatch = offset
            at += n
            offset += n
          }
        },
        received: () => offset,
        firstMismatch: () => mismatch,
        digest: () => hash.digest('hex')
      }
    }
  }
}

function digestOfPattern (p: ReturnType<typeof pattern>): string {
  const h = createHash('sha256')
  for (let k = 0; k < p.blocks; k++) h.update(p.block(k))
  return h.digest('hex')
}

/** Writes the pattern to a socket with backpressure, then half-closes. */
async function sendPattern (s: Socket, p: ReturnType<typeof pattern>): Promise<void> {
  for (let k = 0; k < p.blocks; k++) {
    if (!s.write(p.block(k))) await new Promise<void>((resolve, reject) => { s.once('drain', resolve); s.once('close', () => reject(new Error('socket closed while sending'))) })
  }
  s.end()
}

/** Feeds everything a socket receives to `v` until it ends. */
async function receiveInto (s: Socket, v: { feed: (c: Buffer) => void }, onData?: () => void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    s.on('data', (c: Buffer) => { v.feed(c); onData?.() })
    s.once('end', resolve)
    s.once('close', (hadError) => { if (hadError) reject(new Error('socket reset while receiving')) })
  })
}

test('resume: 64 MiB each way through splice arrives byte-exact across two breaks; buffers stay under the bound and end at 0', { timeout: 240_000 }, async () => {
  const TOTAL = 64 * MiB
  const p = await pair()
  const [client, ingressApp] = await socketPair()
  const [destinationApp, workload] = await socketPair()
  try {
    let maxBuffered = 0
    let maxQueued = 0
    let samples = 0
    const sample = (): void => {
      samples++
      maxBuffered = Math.max(maxBuffered, p.a.bufferedBytes, p.b.bufferedBytes)
      maxQueued = Math.max(maxQueued, p.a.queuedInboundBytes, p.b.queuedInboundBytes)
    }
    const ingress = splice(socketEndpoint(ingressApp, 'client'), p.a, { onBytes: sample })
    const destination = splice(p.b, socketEndpoint(destinationApp, 'connector'), { onBytes: sample })

    const up = pattern(TOTAL)
    const down = pattern(TOTAL)
    const atWorkload = up.verifier()
    const atClient = down.verifier()
    // Two breaks, one after the other, when 32 and 80 of the 128 MiB have arrived (counting both ways):
    // first the ingress side's path socket closed (FIN), then the destination side's reset (RST).
    const breaks: Array<Promise<void>> = []
    let breaking = false
    const maybeBreak = (): void => {
      if (breaking || breaks.length >= 2 || atWorkload.received() + atClient.received() < [32, 80][breaks.length] * MiB) return
      breaking = true
      const how: Kill = breaks.length === 0 ? 'destroy-a' : 'reset-b'
      breaks.push((async () => {
        await p.breakPath(how)
        await p.reattach()
        breaking = false
      })())
    }
    const received = Promise.all([receiveInto(workload, atWorkload, maybeBreak), receiveInto(client, atClient, maybeBreak)])
    await Promise.all([sendPattern(client, up), sendPattern(workload, down), received])
    await Promise.all(breaks)

    assert.equal(breaks.length, 2)
    assert.equal(atWorkload.received(), TOTAL)
    assert.equal(atClient.received(), TOTAL)
    assert.equal(atWorkload.firstMismatch(), undefined, 'a byte towards the workload was lost, duplicated or moved')
    assert.equal(atClient.firstMismatch(), undefined, 'a byte towards the client was lost, duplicated or moved')
    assert.equal(atWorkload.digest(), digestOfPattern(up))
    assert.equal(atClient.digest(), digestOfPattern(down))

    const [i, d] = await Promise.all([ingress, destination])
    assert.equal(i.resetReason, undefined)
    assert.equal(d.resetReason, undefined)
    assert.equal(i.bytesAToB, TOTAL)
    assert.equal(d.bytesBToA, TOTAL)
    assert.equal(p.a.resumes, 2)
    assert.equal(p.b.resumes, 2)
    assert.equal(p.brokenA.length, 2)
    assert.equal(p.brokenB.length, 2)
    assert.equal(p.a.state, 'closed')
    assert.equal(p.b.state, 'closed')
    // Sampled at every chunk either splice moved; the bound held, and was used (the test is not vacuous).
    assert.ok(samples > 1000, `${samples} samples`)
    assert.ok(maxBuffered <= DEFAULT_MAX_BUFFERED_BYTES, `held ${maxBuffered} bytes`)
    assert.ok(maxBuffered > DEFAULT_MAX_BUFFERED_BYTES / 4, `held at most ${maxBuffered} bytes: the bound was never approached`)
    assert.ok(maxQueued <= DEFAULT_MAX_BUFFERED_BYTES, `queued ${maxQueued} inbound bytes`)
    assert.equal(p.a.bufferedBytes + p.b.bufferedBytes + p.a.queuedInboundBytes + p.b.queuedInboundBytes, 0)
  } finally {
    p.close()
    for (const s of [client, ingressApp, destinationApp, workload]) s.destroy()
  }
})

test('resume: twelve breaks both ways at once during 4 MiB each way, alternately closed and reset on either side', BOUNDED, async () => {
  const p = await pair()
  const kills: Kill[] = ['destroy-a', 'reset-b', 'reset-a', 'destroy-b']
  let breaks = 0
  let breaking: Promise<void> | undefined
  const maybeBreak = (): void => {
    if (breaking !== undefined || breaks >= 12) return
    if (ra.length() + rb.length() < (breaks + 1) * 600_000) return
    const how = kills[breaks++ % kills.length]
    breaking = (async () => { await p.breakPath(how); await p.reattach(); breaking = undefined })()
  }
  const ra = recorder(maybeBreak)
  const rb = recorder(maybeBreak)
  try {
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    const up = randomBytes(4 * MiB)
    const down = randomBytes(4 * MiB)
    await Promise.all([
      writeAll(p.a, up).then(() => p.a.end()),
      writeAll(p.b, down, 48 * 1024).then(() => p.b.end())
    ])
    await waitFor('both ends', () => ra.ended === 1 && rb.ended === 1)
    await breaking
    assert.equal(breaks, 12)
    assert.equal(ra.reset, undefined)
    assert.equal(rb.reset, undefined)
    assert.ok(rb.bytes().equals(up))
    assert.ok(ra.bytes().equals(down))
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1)
    assert.equal(p.a.resumes, 12)
  } finally {
    p.close()
  }
})

/** Wraps an endpoint to log, per write, the frame types in it, and 'FIN' when its writing side is closed. */
function frameLog (inner: Endpoint): { endpoint: Endpoint, log: string[] } {
  const log: string[] = []
  const names: Record<number, string> = { [FRAME_DATA]: 'DATA', [FRAME_ACK]: 'ACK', [FRAME_END]: 'END', [FRAME_SYNC]: 'SYNC', [FRAME_RESET]: 'RESET' }
  let dataLeft = 0
  const endpoint: Endpoint = {
    get label () { return inner.label },
    start: (sink) => { inner.start(sink) },
    write: (chunk) => {
      const b = Buffer.from(chunk instanceof Uint8Array ? chunk : chunk.subarray())
      const types: string[] = []
      for (let at = 0; at < b.length;) {
        if (dataLeft > 0) { const n = Math.min(dataLeft, b.length - at); dataLeft -= n; at += n; continue }
        types.push(names[b[at]] ?? `0x${b[at].toString(16)}`)
        if (b[at] === FRAME_DATA) { dataLeft = b.readUIntBE(at + 1, 3); at += 4 } else at += 9
      }
      if (types.length > 0) log.push(types.join('+'))
      return inner.write(chunk)
    },
    onDrain: (fn) => { inner.onDrain(fn) },
    pause: () => { inner.pause() },
    resume: () => { inner.resume() },
    end: () => { log.push('FIN'); inner.end() },
    reset: () => { inner.reset() }
  }
  return { endpoint, log }
}

test('resume: a request, its reply and both ends cost few frames: each END carries the acknowledgement owed, and the second to end closes the stream with it', BOUNDED, async () => {
  const [sa, sb] = await socketPair()
  const la = frameLog(socketEndpoint(sa, 'path a'))
  const lb = frameLog(socketEndpoint(sb, 'path b'))
  const a = layer(la.endpoint)
  const b = layer(lb.endpoint)
  let closedA = 0
  let closedB = 0
  const reply = Buffer.from('pong')
  // b answers the request at once, and its app closes as soon as a's does (an echo server).
  b.start({ data: () => { b.write(reply) }, end: () => { b.end() }, reset: () => {}, closed: () => { closedB++ } })
  const got: Buffer[] = []
  a.start({ data: (c) => { got.push(Buffer.from(c instanceof Uint8Array ? c : c.subarray())); a.end() }, end: () => {}, reset: () => {}, closed: () => { closedA++ } })
  a.write(Buffer.from('ping'))
  await waitFor('both ends closed', () => closedA === 1 && closedB === 1)
  assert.deepEqual(Buffer.concat(got), reply)
  assert.equal(a.state, 'closed')
  assert.equal(b.state, 'closed')
  // Without the piggybacking: a wrote DATA, END, ACK (of b's data, on its timer), ACK, FIN and b ACK+DATA, ACK, END, FIN.
  assert.deepEqual(la.log, ['DATA', 'ACK+END', 'ACK', 'FIN'])
  assert.deepEqual(lb.log, ['ACK+DATA', 'ACK+END', 'FIN'])
})

test('resume: an idle tunnel holds no bytes once acknowledged; a write is held until then', BOUNDED, async () => {
  const p = await pair()
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    p.a.write(randomBytes(100_000))
    p.b.write(randomBytes(10))
    assert.equal(p.a.bufferedBytes, 100_000)
    assert.equal(p.b.bufferedBytes, 10)
    await waitFor('both acknowledged', () => p.a.bufferedBytes === 0 && p.b.bufferedBytes === 0, 5_000, 5)
    assert.equal(rb.length(), 100_000)
    assert.equal(ra.length(), 10)
    assert.equal(p.a.queuedInboundBytes + p.b.queuedInboundBytes, 0)
    // Also after a break: what was resent is acknowledged and released.
    await p.breakPath('reset-a')
    p.a.write(randomBytes(5000))
    assert.equal(p.a.bufferedBytes, 5000)
    await p.reattach()
    await waitFor('acknowledged after resuming', () => p.a.bufferedBytes === 0 && rb.length() === 105_000, 5_000, 5)
    p.a.abandon('done')
    await rb.settled
  } finally {
    p.close()
  }
})

test('resume: write() stops at the bound and onDrain resumes it, also while the path is down; the far end queues at most the bound', BOUNDED, async () => {
  const BOUND = 256 * 1024
  const p = await pair({ maxBufferedBytes: BOUND })
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    p.b.pause() // the destination's app side takes nothing for now
    let maxBuffered = 0
    let maxQueued = 0
    const sample = (): void => {
      maxBuffered = Math.max(maxBuffered, p.a.bufferedBytes)
      maxQueued = Math.max(maxQueued, p.b.queuedInboundBytes)
    }
    const data = randomBytes(4 * MiB)
    let blocked = 0
    let writtenBytes = 0
    const writing = writeAll(p.a, data, 64 * 1024, (n) => { writtenBytes = n; sample() }).then((n) => { blocked = n })
    await waitFor('the writer to stall at the bound', () => { sample(); return p.b.queuedInboundBytes > BOUND / 2 && p.a.bufferedBytes > BOUND / 2 })
    assert.equal(rb.length(), 0)
    // Acknowledged means taken by the app side: every byte queued at the destination is still held at the ingress.
    assert.ok(p.b.queuedInboundBytes <= p.a.bufferedBytes, `queued ${p.b.queuedInboundBytes}, held ${p.a.bufferedBytes}`)
    // Stalled with the path down too; the writer still waits and nothing grows.
    await p.breakPath('destroy-b')
    sample()
    await p.reattach()
    // Still so after resuming: what the destination has queued does not count as acknowledged, so the
    // writer stays stalled and the queue within the bound once everything written has arrived.
    await waitFor('everything written to arrive', () => p.b.received === writtenBytes)
    sample()
    assert.ok(p.b.queuedInboundBytes > 0 && p.b.queuedInboundBytes <= p.a.bufferedBytes, `queued ${p.b.queuedInboundBytes}, held ${p.a.bufferedBytes}`)
    p.b.resume()
    await writing
    p.a.end()
    await rb.settled
    sample()
    assert.equal(rb.reset, undefined)
    assert.ok(rb.bytes().equals(data))
    assert.ok(blocked > 4, `write() returned false ${blocked} times`)
    assert.ok(maxBuffered <= BOUND, `held ${maxBuffered} bytes, bound ${BOUND}`)
    assert.ok(maxQueued <= BOUND, `queued ${maxQueued} bytes, bound ${BOUND}`)
    p.b.end()
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1)
  } finally {
    p.close()
  }
})

test('resume: a reader that stops one way does not stop the other way (acknowledgements never wait behind unread data)', BOUNDED, async () => {
  const p = await pair()
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    p.a.pause() // the client reads nothing while it uploads, as some clients do
    const down = randomBytes(8 * MiB)
    const up = randomBytes(32 * MiB)
    const downDone = writeAll(p.b, down).then(() => p.b.end())
    await writeAll(p.a, up)
    p.a.end()
    await rb.settled
    assert.ok(rb.bytes().equals(up))
    assert.equal(ra.length(), 0)
    assert.ok(p.a.queuedInboundBytes <= DEFAULT_MAX_BUFFERED_BYTES, `queued ${p.a.queuedInboundBytes}`)
    p.a.resume()
    await downDone
    await ra.settled
    assert.ok(ra.bytes().equals(down))
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1)
  } finally {
    p.close()
  }
})

test('resume: half-close across breaks: an end in flight, and an end received but not yet acknowledged, each arrive once after every byte', BOUNDED, async () => {
  const p = await pair()
  let breaking: Promise<void> | undefined
  const rb = recorder(() => {
    // The path breaks as the first bytes reach the destination: the rest and the end are still in flight.
    breaking ??= p.breakPath('destroy-b')
  })
  const ra = recorder()
  try {
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    const request = randomBytes(1 * MiB)
    p.a.write(request)
    p.a.end()
    await waitFor('the break', () => breaking !== undefined)
    await breaking
    assert.ok(p.b.received < request.length, `${p.b.received} bytes arrived before the break`)
    assert.equal(rb.ended, 0)
    await p.reattach()
    await rb.settled
    assert.equal(rb.reset, undefined)
    assert.ok(rb.bytes().equals(request))

    // The reply's end reaches the ingress, whose app side is paused: received, not delivered, so not acknowledged.
    p.a.pause()
    const reply = randomBytes(300_000)
    p.b.write(reply)
    p.b.end()
    await waitFor('the reply and its end to arrive', () => p.a.received === reply.length + 1)
    assert.equal(ra.ended, 0)
    assert.ok(p.b.bufferedBytes > 0)
    assert.equal(p.b.state, 'live')
    await p.breakPath('reset-a')
    await p.reattach()
    p.a.resume()
    await ra.settled
    assert.equal(ra.reset, undefined)
    assert.ok(ra.bytes().equals(reply))
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1)
    assert.equal(ra.ended, 1)
    assert.equal(rb.ended, 1)
    assert.equal(p.a.state, 'closed')
    assert.equal(p.b.state, 'closed')
    assert.equal(p.b.bufferedBytes, 0)
  } finally {
    p.close()
  }
})

test('resume: an acknowledgement lost with the path is repeated after reattach, so both ends still finish', BOUNDED, async () => {
  const p = await pair()
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    // The ingress stops reading its socket: the destination's acknowledgement of the end stays unread there, then dies with it.
    p.path[0].pause()
    p.a.write(Buffer.from('request'))
    p.a.end()
    await rb.settled
    p.b.end()
    await waitFor('the destination to have acknowledged everything', () => p.b.bufferedBytes === 0 && p.b.received === 8)
    assert.equal(p.a.bufferedBytes, 7)
    await p.breakPath('destroy-a')
    await p.reattach()
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1, 5_000)
    assert.equal(rb.bytes().toString(), 'request')
    assert.equal(p.a.bufferedBytes, 0)
  } finally {
    p.close()
  }
})

test('resume: writes and the end made while the path is down go out after reattach', BOUNDED, async () => {
  const p = await pair()
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    await p.breakPath('reset-b')
    const data = randomBytes(200_000)
    assert.equal(p.a.write(data), true)
    p.a.end()
    p.b.end()
    assert.equal(p.a.bufferedBytes, data.length)
    await p.reattach()
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1)
    assert.ok(rb.bytes().equals(data))
    assert.equal(ra.length(), 0)
  } finally {
    p.close()
  }
})

test('resume: a reset at the far end still resets, and is not taken for a broken path', BOUNDED, async () => {
  const p = await pair()
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    p.a.write(randomBytes(50_000))
    await waitFor('the first bytes', () => rb.length() > 0)
    p.a.reset()
    await rb.settled
    assert.equal(rb.reset, `${ResumeResetReason.peerReset} (connection reset)`)
    assert.equal(rb.ended, 0)
    assert.equal(p.b.state, 'reset')
    assert.deepEqual(p.brokenB, [])
    assert.deepEqual(p.brokenA, [])
    assert.equal(ra.reset, undefined, 'the end that reset is told nothing back')
    await Promise.all(p.path.map(closed))
  } finally {
    p.close()
  }

  // Through splice: the client's reset reaches the workload as a reset, with the reason at the destination.
  const q = await pair()
  const [client, ingressApp] = await socketPair()
  const [destinationApp, workload] = await socketPair()
  try {
    const ingress = splice(socketEndpoint(ingressApp, 'client'), q.a)
    const destination = splice(q.b, socketEndpoint(destinationApp, 'connector'))
    client.write(randomBytes(10_000))
    await new Promise((resolve) => workload.once('data', resolve))
    client.resetAndDestroy()
    assert.equal(await closed(workload), 'reset')
    assert.equal((await destination).resetReason, `${ResumeResetReason.peerReset} (connection reset)`)
    assert.match((await ingress).resetReason ?? '', /ECONNRESET|client/)
    assert.deepEqual(q.brokenB, [])
  } finally {
    q.close()
    for (const s of [client, ingressApp, destinationApp, workload]) s.destroy()
  }
})

test('resume: a suspended tunnel not resumed in time resets both app sides; a late reattach is refused', BOUNDED, async () => {
  const p = await pair({ resumeTimeoutMs: 300 })
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    p.a.write(randomBytes(1000))
    const t0 = Date.now()
    await p.breakPath('reset-a')
    assert.equal(ra.reset, undefined)
    await Promise.all([ra.settled, rb.settled])
    assert.ok(Date.now() - t0 >= 250, `reset after ${Date.now() - t0} ms`)
    assert.equal(ra.reset, `${ResumeResetReason.timeout} (300 ms)`)
    assert.equal(rb.reset, `${ResumeResetReason.timeout} (300 ms)`)
    assert.equal(p.a.bufferedBytes, 0)
    const [x, y] = await socketPair()
    assert.equal(p.a.reattach(socketEndpoint(x), 0), false)
    assert.equal(await closed(y), 'reset')
  } finally {
    p.close()
  }
})

test('resume: the owner can abandon a suspended tunnel, and reattach on a live one is refused', BOUNDED, async () => {
  const p = await pair()
  try {
    const ra = recorder()
    const rb = recorder()
    p.a.start(ra.sink)
    p.b.start(rb.sink)
    const [x, y] = await socketPair()
    assert.throws(() => p.a.reattach(socketEndpoint(x), 0), ResumeStateError)
    x.destroy()
    y.destroy()
    assert.throws(() => resumableEndpoint(socketEndpoint(x), { maxBufferedBytes: 1000 }), RangeError)
    p.b.suspend('a resume request came over another path')
    await waitFor('the other end to notice', () => p.a.state === 'suspended')
    assert.deepEqual(p.brokenB, ['a resume request came over another path'])
    p.a.abandon('destination unreachable')
    p.b.abandon('no resume request came')
    await Promise.all([ra.settled, rb.settled])
    assert.equal(ra.reset, `${ResumeResetReason.abandoned}: destination unreachable`)
    assert.equal(rb.reset, `${ResumeResetReason.abandoned}: no resume request came`)
  } finally {
    p.close()
  }
})

test('resume: a reattach from bytes this end no longer holds, or never sent, resets both ends with the reason', BOUNDED, async () => {
  for (const skew of [+1, -1]) {
    const p = await pair()
    try {
      const ra = recorder()
      const rb = recorder()
      p.a.start(ra.sink)
      p.b.start(rb.sink)
      p.a.write(randomBytes(3000))
      await waitFor('acknowledged', () => p.a.bufferedBytes === 0)
      await p.breakPath('destroy-a')
      const [x, y] = await socketPair()
      p.path = [x, y]
      // b claims one byte more than a sent (never sent), or one less than it acknowledged (no longer held).
      assert.equal(p.a.reattach(socketEndpoint(x), p.b.received + skew), false)
      assert.equal(p.b.reattach(socketEndpoint(y), p.a.received), true)
      await Promise.all([ra.settled, rb.settled])
      assert.ok(ra.reset?.startsWith(ResumeResetReason.cannotResume), ra.reset)
      assert.equal(rb.reset, `${ResumeResetReason.peerReset} (${ra.reset ?? ''})`)
    } finally {
      p.close()
    }
  }
})

test('resume: sealed end to end above the layer, a break resends the same ciphertext and the records still open', BOUNDED, async () => {
  const a = newEphemeral()
  const b = newEphemeral()
  const transcript = randomBytes(32)
  const keysA = deriveSessionKeys({ privateKey: a.privateKey, peerPublicKey: b.publicKey, transcript, role: 'ingress' })
  const keysB = deriveSessionKeys({ privateKey: b.privateKey, peerPublicKey: a.publicKey, transcript, role: 'destination' })
  const p = await pair()
  let breaks = 0
  let breaking: Promise<void> | undefined
  const rb = recorder(() => {
    if (breaking !== undefined || breaks >= 2 || rb.length() < breaks * 3 * MiB) return
    breaks++
    breaking = (async () => { await p.breakPath(breaks === 1 ? 'reset-a' : 'destroy-b'); await p.reattach(); breaking = undefined })()
  })
  const ra = recorder()
  try {
    const sa = sealedEndpoint(p.a, keysA)
    const sb = sealedEndpoint(p.b, keysB)
    sa.start(ra.sink)
    sb.start(rb.sink)
    const up = randomBytes(8 * MiB)
    await writeAll(sa, up)
    sa.end()
    await rb.settled
    await breaking
    assert.equal(breaks, 2)
    assert.equal(rb.reset, undefined)
    assert.ok(rb.bytes().equals(up))
    sb.write(Buffer.from('thanks'))
    sb.end()
    await waitFor('both closed', () => ra.closed === 1 && rb.closed === 1)
    assert.equal(ra.bytes().toString(), 'thanks')
  } finally {
    p.close()
  }
})

function seqFrame (type: number, value: number | bigint): Buffer {
  const b = Buffer.alloc(9)
  b[0] = type
  b.writeBigUInt64BE(BigInt(value), 1)
  return b
}

function dataFrame (payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([FRAME_DATA, payload.length >>> 16, (payload.length >>> 8) & 0xff, payload.length & 0xff]), payload])
}

/** One layer whose far end is a raw socket the test writes frames into; `sent` collects what the layer sent. */
async function rawPeer (options: ResumableOptions = {}): Promise<{ l: ResumableEndpoint, r: ReturnType<typeof recorder>, raw: Socket, ours: Socket, sent: () => Buffer }> {
  const [ours, raw] = await socketPair()
  const l = layer(socketEndpoint(ours, 'path'), options)
  const r = recorder()
  l.start(r.sink)
  const got: Buffer[] = []
  raw.on('data', (c: Buffer) => got.push(c))
  return { l, r, raw, ours, sent: () => Buffer.concat(got) }
}

test('resume: a malformed frame from the far end resets with its reason, tells the far end, and buffers nothing', BOUNDED, async () => {
  const cases: Array<{ name: string, before?: (l: ResumableEndpoint) => void, bytes: Buffer, reason: string }> = [
    { name: 'unknown type', bytes: Buffer.from([0x7f, 1, 2, 3]), reason: `${ResumeResetReason.unknownType} (127)` },
    { name: 'type 0', bytes: Buffer.from([0]), reason: `${ResumeResetReason.unknownType} (0)` },
    { name: 'empty data frame', bytes: Buffer.from([FRAME_DATA, 0, 0, 0]), reason: `${ResumeResetReason.badLength} (0)` },
    { name: 'data frame over the cap', bytes: Buffer.concat([Buffer.from([FRAME_DATA, 0x10, 0, 1]), Buffer.alloc(MiB + 1)]), reason: `${ResumeResetReason.badLength} (${MAX_DATA_FRAME_BYTES + 1})` },
    { name: 'ack of bytes never sent', before: (l) => l.write(Buffer.alloc(10)), bytes: seqFrame(FRAME_ACK, 11), reason: `${ResumeResetReason.ackBeyondSent} (11 of 10)` },
    { name: 'count over 2^53', bytes: seqFrame(FRAME_ACK, 2n ** 53n), reason: ResumeResetReason.countTooLarge },
    { name: 'end with the wrong count', bytes: Buffer.concat([dataFrame(Buffer.alloc(5)), seqFrame(FRAME_END, 4)]), reason: `${ResumeResetReason.endMismatch} (4, received 5)` },
    { name: 'data after the end', bytes: Buffer.concat([seqFrame(FRAME_END, 0), dataFrame(Buffer.alloc(1))]), reason: ResumeResetReason.afterEnd },
    { name: 'a second end', bytes: Buffer.concat([seqFrame(FRAME_END, 0), seqFrame(FRAME_END, 0)]), reason: ResumeResetReason.afterEnd },
    { name: 'sync on a first stream', bytes: seqFrame(FRAME_SYNC, 0), reason: ResumeResetReason.unexpectedSync }
  ]
  for (const c of cases) {
    const { l, r, raw, ours, sent } = await rawPeer()
    try {
      c.before?.(l)
      // A byte at a time too: a frame header split across reads must be refused just the same.
      const split = c.bytes.length < 64
      if (split) for (const byte of c.bytes) raw.write(Buffer.from([byte]))
      else raw.write(c.bytes)
      await r.settled
      assert.equal(r.reset, c.reason, c.name)
      assert.equal(l.state, 'reset', c.name)
      assert.equal(l.queuedInboundBytes, 0, c.name)
      // The far end is told why, in a RESET frame, before the stream closes.
      await new Promise((resolve) => raw.once('end', resolve))
      const out = sent()
      const reset = out.subarray(out.lastIndexOf(FRAME_RESET))
      assert.equal(reset[1], Buffer.byteLength(c.reason), c.name)
      assert.equal(reset.subarray(2).toString(), c.reason, c.name)
    } finally {
      raw.destroy()
      await closed(ours)
    }
  }
})

test('resume: data is delivered as it streams in, never reassembled: a frame at the cap holds nothing here', BOUNDED, async () => {
  const { l, r, raw, ours } = await rawPeer()
  try {
    raw.write(Buffer.from([FRAME_DATA, MAX_DATA_FRAME_BYTES >>> 16, 0, 0]))
    raw.write(Buffer.alloc(MAX_DATA_FRAME_BYTES / 2, 1))
    await waitFor('half the frame delivered', () => r.length() === MAX_DATA_FRAME_BYTES / 2)
    assert.equal(l.queuedInboundBytes, 0)
    raw.write(Buffer.alloc(MAX_DATA_FRAME_BYTES / 2, 2))
    raw.write(Buffer.from([FRAME_RESET, 3, 0x62, 0x79, 0x65]))
    await r.settled
    assert.equal(r.length(), MAX_DATA_FRAME_BYTES)
    assert.equal(r.reset, `${ResumeResetReason.peerReset} (bye)`)
  } finally {
    raw.destroy()
    await closed(ours)
  }
})

test('resume: a resumed stream must start with a sync frame at exactly the bytes received', BOUNDED, async () => {
  const cases = [
    { first: dataFrame(Buffer.from('x')), reason: ResumeResetReason.missingSync },
    { first: seqFrame(FRAME_ACK, 0), reason: ResumeResetReason.missingSync },
    { first: seqFrame(FRAME_SYNC, 3), reason: `${ResumeResetReason.syncMismatch} (at 3, received 2)` },
    { first: seqFrame(FRAME_SYNC, 1), reason: `${ResumeResetReason.syncMismatch} (at 1, received 2)` }
  ]
  for (const c of cases) {
    const { l, r, raw, ours } = await rawPeer()
    let next: [Socket, Socket] | undefined
    try {
      raw.write(dataFrame(Buffer.from('ab')))
      await waitFor('two bytes', () => r.length() === 2)
      raw.destroy()
      await waitFor('suspended', () => l.state === 'suspended')
      assert.equal(l.received, 2)
      next = await socketPair()
      const got: Buffer[] = []
      next[1].on('data', (d: Buffer) => got.push(d))
      assert.equal(l.reattach(socketEndpoint(next[0]), 0), true)
      // What the layer itself sends first on the new stream: its sync frame.
      await waitFor('its sync frame', () => Buffer.concat(got).length >= 9)
      assert.ok(Buffer.concat(got).subarray(0, 9).equals(seqFrame(FRAME_SYNC, 0)))
      next[1].write(c.first)
      await r.settled
      assert.equal(r.reset, c.reason)
    } finally {
      raw.destroy()
      next?.[1].destroy()
      await closed(ours)
      if (next !== undefined) await closed(next[0])
    }
  }
})
