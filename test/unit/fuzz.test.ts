import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { parse, stringify } from 'yaml'
import { randomBytes } from 'node:crypto'
import { buildConfig } from '../../src/config/config.js'
import { ConfigError } from '../../src/config/errors.js'
import { deriveSessionKeys, newEphemeral, sealedEndpoint, type SessionKeys } from '../../src/net/e2e.js'
import { MAX_RECORD_BODY_BYTES, RECORD_HEADER_BYTES } from '../../src/net/e2e-constants.js'
import type { Endpoint, EndpointSink } from '../../src/net/splice.js'
import {
  decodeAdvertisementBody, decodeControl, decodeSignedAd, decodeTunnelHeader, decodeTunnelStatus,
  encodeAdvertisementBody, encodeControl, encodeSignedAd, encodeTunnelHeader, encodeTunnelStatus, StatusCode
} from '../../src/wire/codec.js'
import { WireError } from '../../src/wire/errors.js'
import { OriginVerifier } from '../../src/net/origin-proof.js'
import { decodeJoinRequest, decodeJoinResponse, encodeJoinRequest, encodeJoinResponse, JoinCode } from '../../src/wire/join-codec.js'
import { FrameDecoder } from '../../src/wire/frames.js'
import { decodeToken, encodeToken, TokenError } from '../../src/wire/token.js'

/**
 * Every decoder and the config builder under random bytes and mutations of
 * valid inputs: each answers with a value or its own typed error, nothing
 * else escapes, and nothing hangs (each run is bounded in cases and time).
 */
const RUNS = 10_000
const PEER = '12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'

/** Valid encodings with random bytes flipped, cut or appended. */
function mutated (valid: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat({ max: 16 }), fc.uint8Array({ maxLength: 16 }))
    .map(([base, flips, cut, extra]) => {
      const out = new Uint8Array([...base, ...extra])
      for (const [pos, value] of flips) if (out.length > 0) out[pos % out.length] = value
      return out.subarray(0, Math.max(0, out.length - cut))
    })
}

function onlyThrows (decode: (b: Uint8Array) => unknown, errorType: new (...a: never[]) => Error): (b: Uint8Array) => void {
  return (bytes) => {
    try {
      decode(bytes)
    } catch (err) {
      assert.ok(err instanceof errorType, `${decode.name} threw ${String(err)}`)
    }
  }
}

const ad = { origin: PEER, epoch: 5, seq: 9, site: 'east', links: [{ peer: PEER, cost: 3 }], services: [{ routingKey: 'db', connectors: 1, cost: 0, e2e: true }], features: 1 }
const samples: Record<string, { decode: (b: Uint8Array) => unknown, valid: Uint8Array[] }> = {
  control: { decode: decodeControl, valid: [encodeControl({ hello: { version: 1, site: 'w', epoch: 7, configuredCost: 2 } }), encodeControl({ ping: { nonce: 1 } }), encodeControl({ advertisement: new Uint8Array([1, 2]) })] },
  advertisement: { decode: decodeAdvertisementBody, valid: [encodeAdvertisementBody(ad)] },
  signedAdvertisement: { decode: decodeSignedAd, valid: [encodeSignedAd({ body: encodeAdvertisementBody(ad), signature: new Uint8Array(64).fill(9) })] },
  tunnelHeader: {
    decode: decodeTunnelHeader,
    valid: [
      encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 32, connectionId: 1, ingress: PEER }),
      encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 32, connectionId: 1, ingress: PEER, issuedAt: 1_800_000_000_000, nonce: new Uint8Array(16).fill(1), originProof: new Uint8Array(64).fill(2), e2eKey: new Uint8Array(32).fill(3), wantDestinationProof: true })
    ]
  },
  tunnelStatus: { decode: decodeTunnelStatus, valid: [encodeTunnelStatus(StatusCode.OK), encodeTunnelStatus(StatusCode.CONNECT_FAILED, 'refused'), encodeTunnelStatus(StatusCode.OK, '', { e2eKey: new Uint8Array(32).fill(4), destinationProof: new Uint8Array(64).fill(5) })] },
  // A decoded header then goes through the destination's origin check: it answers, never throws.
  originCheck: { decode: (b) => { const h = decodeTunnelHeader(b); return new OriginVerifier().check(h, 1_800_000_000_000) }, valid: [encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 32, connectionId: 1, ingress: PEER, issuedAt: 1_800_000_000_000, nonce: new Uint8Array(16).fill(1), originProof: new Uint8Array(64).fill(2) })] },
  joinRequest: { decode: decodeJoinRequest, valid: [encodeJoinRequest({ grantId: new Uint8Array(16).fill(1), proof: new Uint8Array(32).fill(2), site: 'east' })] },
  joinResponse: { decode: decodeJoinResponse, valid: [encodeJoinResponse({ code: JoinCode.OK, message: 'welcome', site: 'west' }), encodeJoinResponse({ code: JoinCode.REVOKED, message: 'west has revoked this site', site: 'west' })] }
}

for (const [name, { decode, valid }] of Object.entries(samples)) {
  test(`fuzz: ${name} decoder answers random and mutated bytes with a value or WireError`, () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated(valid)), onlyThrows(decode, WireError)), { numRuns: RUNS, interruptAfterTimeLimit: 20_000 })
  })
}

test('fuzz: the frame decoder never buffers past its cap and never throws anything but WireError', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
    const d = new FrameDecoder(1024)
    try {
      for (const c of chunks) for (const f of d.push(c)) assert.ok(f.length <= 1024)
      assert.ok(d.rest().length <= 1024 + 4)
    } catch (err) {
      assert.ok(err instanceof WireError, String(err))
    }
  }), { numRuns: RUNS, interruptAfterTimeLimit: 20_000 })
})

test('fuzz: tokens, random or altered, parse or fail with a TokenError sentence', () => {
  const good = encodeToken({ issuer: PEER, issuerSite: 'w', addresses: [`/ip4/127.0.0.1/tcp/1/p2p/${PEER}`], grantId: new Uint8Array(16), secret: new Uint8Array(32), expiresAt: 1 })
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:=+/ '
  const altered = fc.tuple(fc.nat(), fc.constantFrom(...alphabet), fc.nat({ max: 3 })).map(([pos, ch, cut]) => {
    const i = pos % good.length
    return (good.slice(0, i) + ch + good.slice(i + 1)).slice(0, good.length - cut)
  })
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), altered), (text) => {
    try {
      decodeToken(text)
    } catch (err) {
      assert.ok(err instanceof TokenError, String(err))
    }
  }), { numRuns: RUNS, interruptAfterTimeLimit: 20_000 })
})

test('fuzz: the config builder answers any YAML value with a config or a ConfigError naming a field', () => {
  const leaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('db', '127.0.0.1', '/ip4/127.0.0.1/tcp/7070', 'db=127.0.0.1:5432', '0.0.0.0:7071'))
  const value = fc.letrec<{ v: unknown }>(tie => ({
    v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('site', 'listen', 'api', 'links', 'address', 'cost', 'connectors', 'listeners', 'routingKey', 'host', 'port', 'timers', 'limits', 'token', 'x'), tie('v'), { maxKeys: 5 }))
  })).v
  fc.assert(fc.property(value, (v) => {
    // Through YAML text and back, as the file loader sees it.
    const parsed = parse(stringify(v)) as unknown
    try {
      buildConfig(parsed, {}, 'host')
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err))
      assert.ok(err.field.length > 0)
    }
  }), { numRuns: RUNS, interruptAfterTimeLimit: 20_000 })
})

/** An in-memory inner endpoint: what is written to it is kept; `sink` feeds the wrapper above it. */
function memoryEndpoint (): { endpoint: Endpoint, written: Buffer[], resets: number, sink?: EndpointSink } {
  const m: { endpoint: Endpoint, written: Buffer[], resets: number, sink?: EndpointSink } = {
    written: [],
    resets: 0,
    endpoint: {
      label: 'memory',
      start: (s) => { m.sink = s },
      write: (c) => { m.written.push(Buffer.from(c.subarray())); return true },
      onDrain: () => {},
      pause: () => {},
      resume: () => {},
      end: () => {},
      reset: () => { m.resets++ }
    }
  }
  return m
}

test('fuzz: a sealed endpoint answers random and mutated record streams with authentic data or a reset with a reason, never an exception', () => {
  const a = newEphemeral()
  const b = newEphemeral()
  const transcript = randomBytes(32)
  const receiverKeys = (): SessionKeys => deriveSessionKeys({ privateKey: b.privateKey, peerPublicKey: a.publicKey, transcript, role: 'destination' })
  // Valid streams, sealed by the real writer: small writes, and one split into two records.
  const valid = [[Buffer.from('x')], [randomBytes(300), randomBytes(20)], [randomBytes(66_000)], []].map((writes) => {
    const m = memoryEndpoint()
    const sender = sealedEndpoint(m.endpoint, deriveSessionKeys({ privateKey: a.privateKey, peerPublicKey: b.publicKey, transcript, role: 'ingress' }))
    sender.start({ data: () => {}, end: () => {}, reset: () => {}, closed: () => {} })
    for (const w of writes) sender.write(w)
    sender.end()
    return { plaintext: Buffer.concat(writes), sealed: Buffer.concat(m.written) }
  })
  const edits = fc.array(fc.oneof(
    fc.record({ flip: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ cut: fc.nat() }),
    fc.record({ insert: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
  ), { maxLength: 4 })
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map(bytes => ({ plaintext: Buffer.alloc(0), sealed: undefined, bytes: Buffer.from(bytes) })),
    fc.tuple(fc.constantFrom(...valid), edits).map(([v, es]) => {
      let bytes = Buffer.from(v.sealed)
      for (const e of es) {
        const at = ('flip' in e ? e.flip : 'cut' in e ? e.cut : e.insert) % (bytes.length + 1)
        if ('flip' in e && at < bytes.length) bytes[at] ^= e.xor
        if ('cut' in e) bytes = bytes.subarray(0, at)
        if ('insert' in e) bytes = Buffer.concat([bytes.subarray(0, at), e.bytes, bytes.subarray(at)])
      }
      return { plaintext: v.plaintext, sealed: v.sealed, bytes }
    })
  )
  fc.assert(fc.property(input, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), ({ plaintext, sealed, bytes }, splits, innerEnds) => {
    const m = memoryEndpoint()
    const receiver = sealedEndpoint(m.endpoint, receiverKeys())
    const got: Buffer[] = []
    let ended = 0
    const resets: string[] = []
    receiver.start({ data: (c) => { got.push(Buffer.from(c.subarray())) }, end: () => { ended++ }, reset: (r) => { resets.push(r) }, closed: () => {} })
    const cuts = [...new Set(splits.map(s => s % (bytes.length + 1)))].sort((x, y) => x - y)
    let from = 0
    for (const to of [...cuts, bytes.length]) {
      m.sink?.data(bytes.subarray(from, to))
      from = to
      assert.ok(receiver.bufferedInboundBytes <= RECORD_HEADER_BYTES + MAX_RECORD_BODY_BYTES)
    }
    if (innerEnds) m.sink?.end()
    const delivered = Buffer.concat(got)
    // Whatever came out is authentic: a prefix of what was sealed, all of it on a clean end.
    assert.ok(plaintext.subarray(0, delivered.length).equals(delivered), 'delivered bytes that were never sealed')
    assert.ok(ended + resets.length <= 1, `ended ${ended} times, reset ${resets.length} times`)
    // A clean end only for the stream exactly as sealed: no byte changed, cut or appended.
    if (ended === 1) assert.ok(delivered.equals(plaintext) && innerEnds && sealed?.equals(bytes) === true)
    if (resets.length === 1) {
      assert.ok(resets[0].length > 0)
      assert.equal(m.resets, 1, 'a refused stream resets its inner endpoint')
    }
    if (innerEnds) assert.equal(ended + resets.length, 1, 'an ended stream must end or reset')
  }), { numRuns: RUNS, interruptAfterTimeLimit: 20_000 })
})
