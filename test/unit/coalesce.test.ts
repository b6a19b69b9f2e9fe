import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { countWrites } from '../helpers/tcp.js'
import { coalesceWrites, decodeNoiseLength, quietLengthDecoder } from '../../src/net/libp2p-patches/index.js'

/** A loopback socket pair; the server side collects what it receives. */
async function pair (): Promise<{ client: Socket, received: () => Promise<Buffer>, close: () => void }> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const accepted = once(server, 'connection')
  const client = connect((server.address() as { port: number }).port, '127.0.0.1')
  await once(client, 'connect')
  const [peer] = await accepted as [Socket]
  const chunks: Buffer[] = []
  peer.on('data', (d: Buffer) => chunks.push(d))
  const ended = once(peer, 'end')
  return {
    client,
    received: async () => { client.end(); await ended; return Buffer.concat(chunks) },
    close: () => { client.destroy(); peer.destroy(); server.close() }
  }
}

test('everything sent in one event-loop turn leaves in one writev, in order', async () => {
  const { client, received, close } = await pair()
  try {
    // What @libp2p/tcp's connection looks like to the shim: a socket and sendData.
    const conn = coalesceWrites({ socket: client, sendData: (_data: Buffer | Buffer[]): { sentBytes: number, canSendMore: boolean } => { throw new Error('replaced') } })
    const counted = countWrites(client)

    // Two noise messages (length prefix + ciphertext each) and a lone frame, all in one turn.
    const r1 = conn.sendData([Buffer.from([0, 3]), Buffer.from('abc')])
    const r2 = conn.sendData([Buffer.from([0, 2]), Buffer.from('de')])
    const r3 = conn.sendData(Buffer.from('f'))
    assert.deepEqual([r1.sentBytes, r2.sentBytes, r3.sentBytes], [5, 4, 1])
    assert.equal(counted.writevs() + counted.writes(), 0, 'nothing is written before the turn ends')
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(counted.writevs(), 1)
    assert.equal(counted.writes(), 0)

    // The next turn is corked afresh.
    conn.sendData([Buffer.from('g'), Buffer.from('h')])
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(counted.writevs(), 2)

    assert.equal((await received()).toString('latin1'), '\x00\x03abc\x00\x02defgh')
  } finally {
    close()
  }
})

test('a connection that is not a TCP socket connection is left as it is', () => {
  const sendData = (): void => {}
  const conn = { sendData }
  assert.equal(coalesceWrites(conn).sendData, sendData)
  const noSocket = { socket: {}, sendData }
  assert.equal(coalesceWrites(noSocket).sendData, sendData)
})

test('Noise lengths decode the same without a new error per read; a connection that is not Noise\'s is left as it is', async () => {
  const { Uint8ArrayList } = await import('uint8arraylist')
  assert.equal(decodeNoiseLength(Uint8Array.from([0x12, 0x34, 0xff])), 0x1234)
  assert.equal(decodeNoiseLength(new Uint8ArrayList(Uint8Array.from([0xff]), Uint8Array.from([0xfe]))), 0xfffe)
  // Too short: a RangeError (the decoder's caller waits for more on RangeError), the same one every time.
  const errors = [new Uint8Array(0), Uint8Array.from([1]), new Uint8ArrayList(Uint8Array.from([1]))].map((d) => {
    try { decodeNoiseLength(d) } catch (err) { return err }
    return undefined
  })
  assert.ok(errors[0] instanceof RangeError)
  assert.ok(errors.every(e => e === errors[0]))
  // A connection whose decoder is not where Noise keeps it is left as it is. (That a real
  // Noise connection gets the quiet decoder is the contract test in libp2p-patches.test.ts.)
  const other = { connection: {} }
  assert.deepEqual(quietLengthDecoder(other), { connection: {} })
})
