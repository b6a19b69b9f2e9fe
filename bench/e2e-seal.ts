/**
 * `npm run build && node dist/bench/e2e-seal.js`: what end-to-end sealing
 * costs on one core, through the real sealedEndpoint. Two wrappers are joined
 * in memory (a write to one is opened by the other at once), so the figure is
 * seal + open of every byte with no socket in the way. Also the key exchange
 * one side does per tunnel: an ephemeral X25519 pair and deriveSessionKeys.
 * Not part of npm test; run it on an idle machine (`cat /proc/loadavg`).
 */
import { randomBytes } from 'node:crypto'
import { deriveSessionKeys, newEphemeral, sealedEndpoint } from '../src/net/e2e.js'
import type { Endpoint, EndpointSink } from '../src/net/splice.js'

const BYTES = Number(process.env.E2E_BENCH_BYTES ?? 512 * 1024 * 1024)
const HANDSHAKES = Number(process.env.E2E_BENCH_HANDSHAKES ?? 5000)

function pair (): { writer: Endpoint, received: () => number } {
  const a = newEphemeral()
  const b = newEphemeral()
  const transcript = randomBytes(32)
  let toReader: EndpointSink | undefined
  const idle = { onDrain: () => {}, pause: () => {}, resume: () => {}, reset: () => {} }
  const writerInner: Endpoint = { label: 'mem', start: () => {}, write: (c) => { toReader?.data(c); return true }, end: () => toReader?.end(), ...idle }
  const readerInner: Endpoint = { label: 'mem', start: (s) => { toReader = s }, write: () => true, end: () => {}, ...idle }
  const writer = sealedEndpoint(writerInner, deriveSessionKeys({ privateKey: a.privateKey, peerPublicKey: b.publicKey, transcript, role: 'ingress' }))
  const reader = sealedEndpoint(readerInner, deriveSessionKeys({ privateKey: b.privateKey, peerPublicKey: a.publicKey, transcript, role: 'destination' }))
  let n = 0
  const none = (): void => {}
  reader.start({ data: (c) => { n += c.byteLength }, end: none, reset: (r) => { throw new Error(r) }, closed: none })
  writer.start({ data: none, end: none, reset: none, closed: none })
  return { writer, received: () => n }
}

function throughput (writeBytes: number): number {
  const { writer, received } = pair()
  const chunk = randomBytes(writeBytes)
  const writes = Math.floor(BYTES / writeBytes)
  for (let i = 0; i < Math.min(writes, 200); i++) writer.write(chunk) // warm-up
  const before = received()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < writes; i++) writer.write(chunk)
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  return (received() - before) / 1e6 / seconds
}

function keyExchangeMicros (): { ephemeral: number, derive: number } {
  const peer = newEphemeral().publicKey
  const transcript = randomBytes(32)
  for (let i = 0; i < 200; i++) deriveSessionKeys({ privateKey: newEphemeral().privateKey, peerPublicKey: peer, transcript, role: 'ingress' })
  let ephemeralNs = 0n
  let deriveNs = 0n
  for (let i = 0; i < HANDSHAKES; i++) {
    const t0 = process.hrtime.bigint()
    const mine = newEphemeral()
    const t1 = process.hrtime.bigint()
    deriveSessionKeys({ privateKey: mine.privateKey, peerPublicKey: peer, transcript, role: 'ingress' })
    deriveNs += process.hrtime.bigint() - t1
    ephemeralNs += t1 - t0
  }
  return { ephemeral: Number(ephemeralNs) / 1e3 / HANDSHAKES, derive: Number(deriveNs) / 1e3 / HANDSHAKES }
}

console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}; ${BYTES / 1024 / 1024} MiB per size, one core`)
for (const size of [64 * 1024, 16 * 1024]) {
  console.log(`seal+open, ${size / 1024} KiB writes: ${throughput(size).toFixed(0)} MB/s`)
}
const kx = keyExchangeMicros()
console.log(`key exchange per side: ephemeral ${kx.ephemeral.toFixed(1)} µs + derive ${kx.derive.toFixed(1)} µs = ${(kx.ephemeral + kx.derive).toFixed(1)} µs`)
