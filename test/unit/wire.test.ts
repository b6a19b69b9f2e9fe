import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeAdvertisementBody, decodeControl, decodeTunnelHeader, decodeTunnelStatus, encodeAdvertisementBody, encodeControl, encodeTunnelHeader, encodeTunnelStatus, StatusCode } from '../../src/wire/codec.js'
import { WireError } from '../../src/wire/errors.js'
import { encodeFrame, FrameDecoder } from '../../src/wire/frames.js'

const PEER = '12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'

test('frames survive arbitrary splitting of the byte stream', () => {
  const messages = [new Uint8Array(0), new Uint8Array(5).fill(1), new Uint8Array(300).fill(2), new Uint8Array(70_000).fill(3)]
  const bytes = Buffer.concat(messages.map(encodeFrame))
  for (const step of [1, 2, 7, 127, 128, 4096, bytes.length]) {
    const d = new FrameDecoder(100_000)
    const got: Uint8Array[] = []
    for (let i = 0; i < bytes.length; i += step) got.push(...d.push(bytes.subarray(i, i + step)))
    assert.deepEqual(got.map(f => f.length), messages.map(m => m.length), `step ${step}`)
  }
})

test('an oversized frame is refused from its length prefix alone', () => {
  const d = new FrameDecoder(1024)
  const prefixOnly = encodeFrame(new Uint8Array(2000)).subarray(0, 2)
  assert.throws(() => d.push(prefixOnly), WireError)
  assert.throws(() => new FrameDecoder(1 << 30).push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff])), WireError)
})

test('messages round-trip', () => {
  const hello = { version: 1, site: 'west', epoch: 1795752520, configuredCost: 5 }
  assert.deepEqual(decodeControl(encodeControl({ hello })), { hello })
  const ad = { origin: PEER, epoch: 7, seq: 123456789012, site: 'east', links: [{ peer: PEER, cost: 3 }], services: [{ routingKey: 'db', connectors: 2, cost: 1, e2e: true, weight: 7 }], features: 1 }
  assert.deepEqual(decodeAdvertisementBody(encodeAdvertisementBody(ad)), ad)
  // A site with workers lists where each takes connections; a router of an earlier release skips the field.
  const withWorkers = { ...ad, dataProcesses: [['/ip4/10.0.0.1/tcp/7071', '/dns4/east.example/tcp/7071'], ['/ip4/10.0.0.1/tcp/7072']] }
  assert.deepEqual(decodeAdvertisementBody(encodeAdvertisementBody(withWorkers)), withWorkers)
  const header = { routingKey: 'db', destination: PEER, hopLimit: 32, connectionId: 42, ingress: PEER, issuedAt: 1_795_752_520_123, nonce: new Uint8Array(16).fill(7), originProof: new Uint8Array(64).fill(9), e2eKey: new Uint8Array(32).fill(3), wantDestinationProof: true, query: 1, resumable: true, resume: true, received: 2 ** 40 + 3 }
  const decoded = decodeTunnelHeader(encodeTunnelHeader(header))
  assert.deepEqual({ ...decoded, nonce: [...decoded.nonce], originProof: [...decoded.originProof], e2eKey: [...decoded.e2eKey] }, { ...header, nonce: [...header.nonce], originProof: [...header.originProof], e2eKey: [...header.e2eKey] })
  // What a router of the previous release sends: no proof fields; they decode as empty.
  const legacy = decodeTunnelHeader(encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 32, connectionId: 42, ingress: PEER }))
  assert.deepEqual([legacy.issuedAt, legacy.nonce.length, legacy.originProof.length, legacy.e2eKey.length, legacy.wantDestinationProof, legacy.query, legacy.resumable, legacy.resume, legacy.received], [0, 0, 0, 0, false, 0, false, false, 0])
  assert.equal(decodeTunnelStatus(encodeTunnelStatus(StatusCode.CONNECT_FAILED, 'refused')).code, StatusCode.CONNECT_FAILED)
  const ok = decodeTunnelStatus(encodeTunnelStatus(StatusCode.OK, '', { e2eKey: new Uint8Array(32).fill(1), destinationProof: new Uint8Array(64).fill(2) }))
  assert.deepEqual([ok.code, ok.e2eKey.length, ok.destinationProof.length, ok.resumable, ok.received], [StatusCode.OK, 32, 64, false, 0])
  const resumed = decodeTunnelStatus(encodeTunnelStatus(StatusCode.OK, '', { resumable: true, received: 2 ** 40 }))
  assert.deepEqual([resumed.resumable, resumed.received], [true, 2 ** 40])
})

test('invalid messages are refused with WireError, never another exception', () => {
  const bad = [
    () => decodeTunnelHeader(encodeTunnelHeader({ routingKey: 'bad key!', destination: PEER, hopLimit: 3, connectionId: 1, ingress: '' })),
    () => decodeTunnelHeader(encodeTunnelHeader({ routingKey: 'db', destination: 'not-a-peer', hopLimit: 3, connectionId: 1, ingress: '' })),
    () => decodeTunnelStatus(new Uint8Array(0)),
    () => decodeTunnelHeader(encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 3, connectionId: 1, ingress: PEER, originProof: new Uint8Array(63) })),
    () => decodeTunnelHeader(encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 3, connectionId: 1, ingress: PEER, nonce: new Uint8Array(1000) })),
    () => decodeTunnelStatus(encodeTunnelStatus(StatusCode.OK, '', { e2eKey: new Uint8Array(31) })),
    () => decodeTunnelHeader(encodeTunnelHeader({ routingKey: 'db', destination: PEER, hopLimit: 3, connectionId: 1, ingress: PEER, query: 9 })),
    () => decodeControl(new Uint8Array(0)),
    () => decodeControl(new Uint8Array([0x0a, 0xff])),
    () => decodeAdvertisementBody(encodeAdvertisementBody({ origin: PEER, epoch: 1, seq: 1, site: 's', links: [{ peer: PEER, cost: 0 }], services: [] })),
    () => decodeAdvertisementBody(new Uint8Array([0xff, 0xff, 0xff])),
    () => decodeAdvertisementBody(encodeAdvertisementBody({ origin: PEER, epoch: 1, seq: 1, site: 's', links: [], services: [{ routingKey: 'db', connectors: 1, cost: 0, weight: 1_000_001 }] })),
    // Workers: too many, too many addresses for one, an address too long, one that is no multiaddr.
    () => decodeAdvertisementBody(encodeAdvertisementBody({ origin: PEER, epoch: 1, seq: 1, site: 's', links: [], services: [], dataProcesses: Array.from({ length: 65 }, () => ['/ip4/10.0.0.1/tcp/1']) })),
    () => decodeAdvertisementBody(encodeAdvertisementBody({ origin: PEER, epoch: 1, seq: 1, site: 's', links: [], services: [], dataProcesses: [Array.from({ length: 9 }, (_, i) => `/ip4/10.0.0.1/tcp/${i + 1}`)] })),
    () => decodeAdvertisementBody(encodeAdvertisementBody({ origin: PEER, epoch: 1, seq: 1, site: 's', links: [], services: [], dataProcesses: [[`/dns4/${'a'.repeat(300)}/tcp/1`]] })),
    () => decodeAdvertisementBody(encodeAdvertisementBody({ origin: PEER, epoch: 1, seq: 1, site: 's', links: [], services: [], dataProcesses: [['not a multiaddr']] }))
  ]
  for (const fn of bad) assert.throws(fn, WireError)
  // Random garbage: WireError or a valid message, nothing else.
  for (let i = 0; i < 2000; i++) {
    const junk = new Uint8Array(Math.floor(Math.random() * 64)).map(() => Math.floor(Math.random() * 256))
    for (const decode of [decodeControl, decodeTunnelHeader, decodeTunnelStatus, decodeAdvertisementBody]) {
      try { decode(junk) } catch (err) { assert.ok(err instanceof WireError, `${decode.name}: ${String(err)}`) }
    }
  }
})
