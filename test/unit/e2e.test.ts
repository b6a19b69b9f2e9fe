import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createHmac, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { deriveSessionKeys, E2eResetReason, newEphemeral, sealedEndpoint, type SealedEndpoint, type SessionKeys } from '../../src/net/e2e.js'
import { MAX_RECORD_BODY_BYTES, RECORD_HEADER_BYTES, RECORD_TAG_BYTES } from '../../src/net/e2e-constants.js'
import { socketEndpoint, splice } from '../../src/net/splice.js'
import type { Chunk } from '../../src/wire/frames.js'
import { closed, dial, digestServer } from '../helpers/tcp.js'
import { recorder } from '../helpers/recorder.js'
import { waitFor } from '../helpers/wait.js'

/**
 * The e2e record layer over real loopback TCP. Between the two sealed ends sits
 * a transit relay (two more real sockets) that records what it carries and may
 * rewrite it, the way a hostile transit router could.
 */

/** A broken record layer tends to wait forever for an end or reset; fail instead. */
const BOUNDED = { timeout: 30_000 }

function sessionPair (transcript: Uint8Array = randomBytes(32)): { ingress: SessionKeys, destination: SessionKeys } {
  const a = newEphemeral()
  const b = newEphemeral()
  return {
    ingress: deriveSessionKeys({ privateKey: a.privateKey, peerPublicKey: b.publicKey, transcript, role: 'ingress' }),
    destination: deriveSessionKeys({ privateKey: b.privateKey, peerPublicKey: a.publicKey, transcript, role: 'destination' })
  }
}

interface Wire {
  /** The ingress router's end of the tunnel and the destination's. */
  ingressSide: Socket
  destinationSide: Socket
  /** What the transit saw going from ingress to destination, before any rewrite. */
  carried: Buffer[]
  close: () => Promise<void>
}

/**
 * ingressSide → relay → destinationSide. `rewrite(chunk, offset)` returns what
 * the relay forwards for the chunk that starts at stream offset `offset`.
 */
async function wire (rewrite: (chunk: Buffer, offset: number) => Buffer = (c) => c): Promise<Wire> {
  const servers: Server[] = []
  const sockets: Socket[] = []
  const listen = async (onConnection: (s: Socket) => void): Promise<number> => {
    const server = createServer({ allowHalfOpen: true }, (s) => { sockets.push(s); s.on('error', () => {}); onConnection(s) })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return (server.address() as { port: number }).port
  }
  let destinationSide: Promise<Socket> | undefined
  const destinationPort = await listen((s) => { destinationSide = Promise.resolve(s) })
  const carried: Buffer[] = []
  const relayPort = await listen((from) => {
    const to = connect({ port: destinationPort, host: '127.0.0.1', allowHalfOpen: true })
    sockets.push(to)
    to.on('error', () => from.resetAndDestroy())
    from.on('error', () => to.resetAndDestroy())
    let offset = 0
    // Forwards with backpressure, as a transit router does.
    from.on('data', (c: Buffer) => {
      carried.push(c)
      const out = rewrite(c, offset)
      offset += c.length
      if (out.length > 0 && !to.write(out)) from.pause()
    })
    to.on('drain', () => from.resume())
    from.on('end', () => to.end())
    to.on('data', (c: Buffer) => { if (!from.write(c)) to.pause() })
    from.on('drain', () => to.resume())
    to.on('end', () => from.end())
  })
  const ingressSide = await dial(relayPort)
  sockets.push(ingressSide)
  return {
    ingressSide,
    destinationSide: await waitFor('the relay to connect through', () => destinationSide),
    carried,
    async close () {
      for (const s of sockets) s.destroy()
      await Promise.all(servers.map(async (s) => await new Promise(resolve => s.close(resolve))))
    }
  }
}

function sealedPair (w: Wire, keys = sessionPair(), destinationKeys = keys.destination): { a: SealedEndpoint, b: SealedEndpoint } {
  return {
    a: sealedEndpoint(socketEndpoint(w.ingressSide, 'tunnel'), keys.ingress),
    b: sealedEndpoint(socketEndpoint(w.destinationSide, 'tunnel'), destinationKeys)
  }
}

test('e2e: both roles derive the same two keys, one per direction, bound to the transcript', BOUNDED, () => {
  const transcript = randomBytes(32)
  const a = newEphemeral()
  const b = newEphemeral()
  assert.equal(a.publicKey.byteLength, 32)
  const ingress = deriveSessionKeys({ privateKey: a.privateKey, peerPublicKey: b.publicKey, transcript, role: 'ingress' })
  const destination = deriveSessionKeys({ privateKey: b.privateKey, peerPublicKey: a.publicKey, transcript, role: 'destination' })
  assert.ok(ingress.sendKey.equals(destination.receiveKey))
  assert.ok(ingress.receiveKey.equals(destination.sendKey))
  assert.ok(!ingress.sendKey.equals(ingress.receiveKey))
  assert.equal(ingress.sendKey.symmetricKeySize, 32)
  const other = deriveSessionKeys({ privateKey: a.privateKey, peerPublicKey: b.publicKey, transcript: randomBytes(32), role: 'ingress' })
  assert.ok(!other.sendKey.equals(ingress.sendKey))
})

test('e2e: RFC 7748 keys give the RFC shared secret, expanded by RFC 5869 HKDF; the first half seals ingress to destination', BOUNDED, () => {
  // RFC 7748 §6.1 Alice (ingress) and Bob (destination).
  const priv = (hex: string, pubHex: string) => createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(hex, 'hex').toString('base64url'), x: Buffer.from(pubHex, 'hex').toString('base64url') }, format: 'jwk' })
  const alicePub = Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex')
  const bobPub = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex')
  const alice = priv('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', alicePub.toString('hex'))
  const transcript = createHash('sha256').update('a signed header and an ephemeral key').digest()
  // HKDF by hand (RFC 5869) over the RFC's shared secret, independent of hkdfSync.
  const shared = Buffer.from('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742', 'hex')
  const prk = createHmac('sha256', transcript).update(shared).digest()
  const t1 = createHmac('sha256', prk).update('portmesh-e2e-v1').update(Buffer.from([1])).digest()
  const t2 = createHmac('sha256', prk).update(t1).update('portmesh-e2e-v1').update(Buffer.from([2])).digest()
  const keys = deriveSessionKeys({ privateKey: alice, peerPublicKey: bobPub, transcript, role: 'ingress' })
  assert.ok(keys.sendKey.export().equals(t1))
  assert.ok(keys.receiveKey.export().equals(t2))
})

test('e2e: bad key material and low-order points are refused with E2eKeyError', BOUNDED, () => {
  const a = newEphemeral()
  const peer = newEphemeral().publicKey
  const transcript = randomBytes(32)
  const lowOrder = [
    new Uint8Array(32), // 0
    Uint8Array.from([1, ...new Uint8Array(31)]), // 1
    Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex') // order 8
  ]
  const bad: Array<Parameters<typeof deriveSessionKeys>[0]> = [
    { privateKey: a.privateKey, peerPublicKey: peer.subarray(0, 31), transcript, role: 'ingress' },
    { privateKey: a.privateKey, peerPublicKey: new Uint8Array(33), transcript, role: 'ingress' },
    { privateKey: a.privateKey, peerPublicKey: peer, transcript: transcript.subarray(0, 16), role: 'ingress' },
    { privateKey: generateKeyPairSync('ed25519').privateKey, peerPublicKey: peer, transcript, role: 'ingress' },
    { privateKey: a.privateKey, peerPublicKey: peer, transcript, role: 'transit' as 'ingress' },
    ...lowOrder.map(peerPublicKey => ({ privateKey: a.privateKey, peerPublicKey, transcript, role: 'destination' as const }))
  ]
  for (const input of bad) assert.throws(() => deriveSessionKeys(input), { name: 'E2eKeyError' })
})

test('e2e: one SessionKeys seals one tunnel only (nonces would repeat)', BOUNDED, async () => {
  const w = await wire()
  try {
    const keys = sessionPair()
    sealedEndpoint(socketEndpoint(w.ingressSide), keys.ingress)
    assert.throws(() => sealedEndpoint(socketEndpoint(w.ingressSide), keys.ingress), { name: 'E2eKeysReusedError' })
  } finally {
    await w.close()
  }
})

test('e2e: 8 MiB up and 3 MiB down byte-exact through splice, half-closed each way; splice counts plaintext', BOUNDED, async () => {
  const UP = 8 * 1024 * 1024
  const DOWN = 3 * 1024 * 1024
  const server = await digestServer(DOWN)
  const w = await wire()
  const keys = sessionPair()
  const front = createServer({ allowHalfOpen: true })
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  try {
    const ingress = new Promise<Awaited<ReturnType<typeof splice>>>((resolve) => front.once('connection', (client: Socket) => {
      resolve(splice(socketEndpoint(client, 'client'), sealedEndpoint(socketEndpoint(w.ingressSide, 'tunnel'), keys.ingress)))
    }))
    const destination = splice(sealedEndpoint(socketEndpoint(w.destinationSide, 'tunnel'), keys.destination), socketEndpoint(await dial(server.port), 'connector'))

    const client = await dial((front.address() as { port: number }).port)
    const got: Buffer[] = []
    const replied = new Promise<void>((resolve) => { client.on('data', (d: Buffer) => got.push(d)); client.on('end', resolve) })
    const sentHash = createHash('sha256')
    const block = randomBytes(256 * 1024)
    for (let sent = 0; sent < UP; sent += block.length) {
      block.writeUInt32BE(sent, 0)
      sentHash.update(block)
      if (!client.write(Buffer.from(block))) await new Promise(resolve => client.once('drain', resolve))
    }
    client.end()
    await replied
    const reply = Buffer.concat(got)
    const nl = reply.indexOf('\n')
    assert.equal(reply.subarray(0, nl).toString(), `${sentHash.digest('hex')} ${UP}`)
    assert.equal(createHash('sha256').update(reply.subarray(nl + 1)).digest('hex'), createHash('sha256').update(Buffer.alloc(DOWN, 7)).digest('hex'))

    const [i, d] = await Promise.all([ingress, destination])
    assert.equal(i.resetReason, undefined)
    assert.equal(d.resetReason, undefined)
    assert.equal(i.bytesAToB, UP)
    assert.equal(d.bytesAToB, UP)
    assert.equal(d.bytesBToA, reply.length)
    // The transit carried ciphertext: 20 bytes more per record (one per socket read, at most 64 KiB) plus the END record.
    const overhead = w.carried.reduce((n, c) => n + c.length, 0) - UP
    const perRecord = RECORD_HEADER_BYTES + RECORD_TAG_BYTES
    assert.equal(overhead % perRecord, 0)
    assert.ok(overhead / perRecord >= UP / 65536 + 1)
  } finally {
    front.close()
    await w.close()
    await server.close()
  }
})

test('e2e: a known plaintext marker never appears in what the transit carries, whether written as buffers or lists', BOUNDED, async () => {
  const { Uint8ArrayList } = await import('uint8arraylist')
  const marker = Buffer.from('PORTMESH-PLAINTEXT-MARKER-0123456789')
  const w = await wire()
  try {
    const { a, b } = sealedPair(w)
    const rb = recorder()
    a.start(recorder().sink)
    b.start(rb.sink)
    const big = Buffer.concat(Array.from({ length: 5000 }, () => marker)) // 180 KB: three records
    a.write(marker)
    // The root uint8arraylist is an older major than the one in libp2p's types; both iterate the same.
    a.write(new Uint8ArrayList(marker, big.subarray(0, 70_000), big.subarray(70_000)) as unknown as Chunk)
    a.end()
    await rb.settled
    assert.equal(rb.reset, undefined)
    assert.equal(rb.ended, 1)
    assert.ok(rb.bytes().equals(Buffer.concat([marker, marker, big])))
    const onWire = Buffer.concat(w.carried)
    assert.equal(onWire.indexOf(marker), -1)
    assert.equal(onWire.indexOf(marker.subarray(0, 8)), -1)
  } finally {
    await w.close()
  }
})

test('e2e: half-close each way is authenticated; each end fires once, then both close', BOUNDED, async () => {
  const w = await wire()
  try {
    const { a, b } = sealedPair(w)
    const ra = recorder()
    const rb = recorder()
    a.start(ra.sink)
    b.start(rb.sink)
    a.write(Buffer.from('request'))
    a.end()
    await rb.settled
    assert.equal(rb.bytes().toString(), 'request')
    // The destination still answers after the ingress finished sending.
    b.write(randomBytes(200_000))
    b.write(Buffer.from('done'))
    b.end()
    await ra.settled
    assert.equal(ra.reset, undefined)
    assert.equal(ra.bytes().length, 200_004)
    await waitFor('both ends closed', () => ra.closed === 1 && rb.closed === 1)
    assert.equal(ra.ended, 1)
    assert.equal(rb.ended, 1)
  } finally {
    await w.close()
  }
})

test('e2e: a reset on one side reaches the other side as a reset', BOUNDED, async () => {
  const w = await wire()
  try {
    const { a, b } = sealedPair(w)
    const ra = recorder()
    const rb = recorder()
    a.start(ra.sink)
    b.start(rb.sink)
    a.write(Buffer.from('partial'))
    await waitFor('the first record', () => rb.data.length === 1)
    a.reset()
    await rb.settled
    assert.equal(rb.ended, 0)
    assert.match(rb.reset ?? '', /ECONNRESET|closed without finishing/)
    assert.equal(await closed(w.destinationSide), 'reset')
  } finally {
    await w.close()
  }
})

test('e2e: a flipped byte anywhere in a record resets the pipe and delivers none of it', BOUNDED, async () => {
  // Record of 1000 bytes: type 0, length 1..3, ciphertext 4..1003, tag 1004..1019.
  for (const at of [0, 3, 10, 1003, 1010, 1019]) {
    const w = await wire((c, offset) => {
      const out = Buffer.from(c)
      if (at >= offset && at < offset + c.length) out[at - offset] ^= 0x01
      return out
    })
    try {
      const { a, b } = sealedPair(w)
      const ra = recorder()
      const rb = recorder()
      a.start(ra.sink)
      b.start(rb.sink)
      a.write(randomBytes(1000))
      a.write(randomBytes(1000))
      a.end()
      await rb.settled
      assert.equal(rb.data.length, 0, `flip at ${at} delivered data`)
      assert.equal(rb.ended, 0)
      assert.ok(rb.reset !== undefined && rb.reset.length > 0)
      if (at >= 4) assert.equal(rb.reset, E2eResetReason.badRecord)
      // The destination reset its inner socket, so the ingress learns too.
      await ra.settled
      assert.ok(ra.reset !== undefined)
    } finally {
      await w.close()
    }
  }
})

test('e2e: a transit that drops the END record or cuts a record short causes reset "truncated", not a clean end', BOUNDED, async () => {
  for (const { keep, records } of [{ keep: 1020, records: 1 }, { keep: 500, records: 0 }, { keep: 0, records: 0 }]) {
    const w = await wire((c, offset) => c.subarray(0, Math.max(0, keep - offset)))
    try {
      const { a, b } = sealedPair(w)
      const rb = recorder()
      a.start(recorder().sink)
      b.start(rb.sink)
      a.write(randomBytes(1000))
      a.end()
      await rb.settled
      assert.equal(rb.ended, 0)
      assert.equal(rb.reset, E2eResetReason.truncated)
      assert.equal(rb.bytes().length, 1000 * records)
    } finally {
      await w.close()
    }
  }
})

test('e2e: a record length over the cap resets at the header; a record at the cap buffers no more than itself', BOUNDED, async () => {
  const header = (length: number): Buffer => Buffer.from([0, length >>> 16, (length >>> 8) & 0xff, length & 0xff])
  const w = await wire()
  try {
    const rb = recorder()
    const b = sealedEndpoint(socketEndpoint(w.destinationSide, 'tunnel'), sessionPair().destination)
    b.start(rb.sink)
    // A hostile ingress: the largest legal length, then all but one byte of it.
    w.ingressSide.write(header(MAX_RECORD_BODY_BYTES))
    w.ingressSide.write(Buffer.alloc(MAX_RECORD_BODY_BYTES - 1))
    await waitFor('the record to be buffered', () => b.bufferedInboundBytes === RECORD_HEADER_BYTES + MAX_RECORD_BODY_BYTES - 1)
    assert.equal(rb.reset, undefined)
    w.ingressSide.write(Buffer.alloc(1 + 1024 * 1024))
    await rb.settled
    assert.equal(rb.reset, E2eResetReason.badRecord)
    assert.equal(b.bufferedInboundBytes, 0)
  } finally {
    await w.close()
  }

  const w2 = await wire()
  try {
    const rb = recorder()
    const b = sealedEndpoint(socketEndpoint(w2.destinationSide, 'tunnel'), sessionPair().destination)
    b.start(rb.sink)
    w2.ingressSide.write(Buffer.concat([header(MAX_RECORD_BODY_BYTES + 1), Buffer.alloc(1024 * 1024)]))
    await rb.settled
    assert.equal(rb.reset, E2eResetReason.tooLarge)
    assert.equal(rb.data.length, 0)
    assert.equal(b.bufferedInboundBytes, 0)
  } finally {
    await w2.close()
  }
})

test('e2e: records sealed with another key are refused', BOUNDED, async () => {
  const w = await wire()
  try {
    const { a, b } = sealedPair(w, sessionPair(), sessionPair().destination)
    const rb = recorder()
    a.start(recorder().sink)
    b.start(rb.sink)
    a.write(Buffer.from('for someone else'))
    a.end()
    await rb.settled
    assert.equal(rb.reset, E2eResetReason.badRecord)
    assert.equal(rb.data.length, 0)
  } finally {
    await w.close()
  }
})

test('e2e: ciphertext read ahead of the endpoint (behind a status) is opened first', BOUNDED, async () => {
  const w = await wire()
  try {
    const keys = sessionPair()
    const a = sealedEndpoint(socketEndpoint(w.ingressSide, 'tunnel'), keys.ingress)
    a.start(recorder().sink)
    const first = new Promise<Buffer>((resolve) => w.destinationSide.once('data', (c: Buffer) => { w.destinationSide.pause(); resolve(c) }))
    a.write(Buffer.from('early'))
    const readAhead = await first
    a.write(Buffer.from(' and late'))
    a.end()
    const rb = recorder()
    sealedEndpoint(socketEndpoint(w.destinationSide, 'tunnel'), keys.destination, { initialCiphertext: readAhead }).start(rb.sink)
    await rb.settled
    assert.equal(rb.reset, undefined)
    assert.equal(rb.bytes().toString(), 'early and late')
  } finally {
    await w.close()
  }
})

test('e2e: a reader that stops pauses the writer; the ingress buffers a bounded amount', BOUNDED, async () => {
  const TOTAL = 48 * 1024 * 1024
  const w = await wire()
  const keys = sessionPair()
  const front = createServer({ allowHalfOpen: true })
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  try {
    let maxTunnelBuffer = 0
    let taken = 0
    const accepted = new Promise<{ client: Socket, done: ReturnType<typeof splice> }>((resolve) => front.once('connection', (client: Socket) => {
      const done = splice(socketEndpoint(client, 'client'), sealedEndpoint(socketEndpoint(w.ingressSide, 'tunnel'), keys.ingress), {
        onBytes: (direction, n) => {
          if (direction === 'aToB') taken += n
          maxTunnelBuffer = Math.max(maxTunnelBuffer, w.ingressSide.writableLength)
        }
      })
      resolve({ client, done })
    }))
    const b = sealedEndpoint(socketEndpoint(w.destinationSide, 'tunnel'), keys.destination)
    const hash = createHash('sha256')
    let received = 0
    let ended = false
    let resetReason: string | undefined
    b.start({ data: (c) => { hash.update(c.subarray()); received += c.byteLength }, end: () => { ended = true }, reset: (r) => { resetReason = r }, closed: () => {} })
    b.pause()

    const app = await dial((front.address() as { port: number }).port)
    app.on('error', () => {})
    const payload = randomBytes(TOTAL)
    app.write(payload) // all at once: the app's own buffer holds what the pipe refuses
    app.end()
    const { client } = await accepted
    // Stalled: the client socket paused and the ingress took nothing more since the last poll.
    let lastTaken = -1
    await waitFor('the pipe to stall', () => {
      const stalled = client.isPaused() && taken === lastTaken
      lastTaken = taken
      return stalled
    })
    assert.equal(received, 0)
    assert.ok(taken < TOTAL / 2, `the ingress took ${taken} of ${TOTAL} bytes from a client whose reader stopped`)
    assert.ok(maxTunnelBuffer <= 512 * 1024, `ingress tunnel socket buffered ${maxTunnelBuffer} bytes`)

    b.resume()
    await waitFor('every byte', () => ended || resetReason !== undefined, 30_000)
    assert.equal(resetReason, undefined)
    assert.equal(received, TOTAL)
    assert.equal(hash.digest('hex'), createHash('sha256').update(payload).digest('hex'))
  } finally {
    front.close()
    await w.close()
  }
})
