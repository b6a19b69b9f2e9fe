import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { pino } from 'pino'
import { createNode } from '../../src/net/node.js'
import { readFirstFrame } from '../../src/net/read-frame.js'
import { handleTunnelStream, TunnelRefusedError, type TunnelHost } from '../../src/net/tunnel.js'
import { decodeTunnelStatus, encodeTunnelHeader, StatusCode } from '../../src/wire/codec.js'
import { TUNNEL_PROTOCOL } from '../../src/wire/constants.js'
import { encodeFrame } from '../../src/wire/frames.js'

/**
 * The destination's check on a tunnel's ingress (issue #12 item 5): a tunnel
 * whose ingress is revoked here is DENIED before any connector is dialed.
 * Two real libp2p nodes on loopback; the destination's host is a stub.
 */
test('a tunnel whose ingress is revoked at the destination is DENIED before a connector is dialed', async (t) => {
  const opts = { listen: ['/ip4/127.0.0.1/tcp/0'], maxStreamsPerConnection: 16 }
  const a = await createNode({ ...opts, privateKey: await generateKeyPair('Ed25519') })
  const b = await createNode({ ...opts, privateKey: await generateKeyPair('Ed25519') })
  t.after(async () => { await a.stop(); await b.stop() })
  const revokedIngress = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  const delivered: string[] = []
  const host: TunnelHost = {
    selfId: b.peerId.toString(),
    log: pino({ level: 'silent' }),
    nextHopConnection: () => undefined,
    openTunnelStream: async () => { throw new Error('not used') },
    nextHopResponsive: () => false,
    deliver: async (key) => { delivered.push(key); throw new TunnelRefusedError(StatusCode.NO_ROUTE, 'no connector') },
    activity: () => {},
    track: () => {},
    isRevoked: (peer) => peer === revokedIngress
  }
  await b.handle(TUNNEL_PROTOCOL, (stream, conn) => { void handleTunnelStream(host, stream, conn) })
  const conn = await a.dial(b.getMultiaddrs()[0])
  const ask = async (ingress: string): Promise<StatusCode> => {
    const stream = await conn.newStream(TUNNEL_PROTOCOL)
    stream.send(encodeFrame(encodeTunnelHeader({ routingKey: 'svc', destination: b.peerId.toString(), hopLimit: 8, connectionId: 1, ingress })))
    const { frame } = await readFirstFrame(stream, 1024, 5000)
    return decodeTunnelStatus(frame).code
  }
  assert.equal(await ask(revokedIngress), StatusCode.DENIED)
  assert.deepEqual(delivered, [], 'no connector dialed for a revoked ingress')
  assert.equal(await ask(a.peerId.toString()), StatusCode.NO_ROUTE, 'any other ingress reaches deliver')
  assert.deepEqual(delivered, ['svc'])
})
