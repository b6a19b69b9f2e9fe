import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { Uint8ArrayList } from 'uint8arraylist'
import { socketEndpoint } from '../../src/net/splice.js'
import type { Chunk } from '../../src/wire/frames.js'
import { countWrites } from '../helpers/tcp.js'

/** A loopback socket pair: `client` is what the endpoint wraps, `peer` the far side. */
async function pair (): Promise<{ client: Socket, peer: Socket, close: () => void }> {
  const server = createServer({ allowHalfOpen: true })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const accepted = once(server, 'connection')
  const client = connect({ port: (server.address() as { port: number }).port, host: '127.0.0.1', allowHalfOpen: true })
  await once(client, 'connect')
  const [peer] = await accepted as [Socket]
  return { client, peer, close: () => { client.destroy(); peer.destroy(); server.close() } }
}

function collect (peer: Socket): () => Buffer {
  const chunks: Buffer[] = []
  peer.on('data', (d: Buffer) => chunks.push(d))
  return () => Buffer.concat(chunks)
}

test('a socket endpoint sends what is written in one turn in one write, in order, and the end after it', async () => {
  const { client, peer, close } = await pair()
  try {
    const counted = countWrites(client)
    const writes = (): number => counted.writes() + counted.writevs()
    const received = collect(peer)
    const ended = once(peer, 'end')
    const ep = socketEndpoint(client, 'test')
    // Pieces of one client write, cut where Noise and Yamux frames ended (a stream delivers lists too; ours is uint8arraylist 2, libp2p's 3: the same to iterate).
    assert.equal(ep.write(Buffer.from('a'.repeat(1000))), true)
    assert.equal(ep.write(new Uint8ArrayList(Buffer.from('b'.repeat(29)), Buffer.from('c')) as unknown as Chunk), true)
    assert.equal(ep.write(new Uint8Array([0x64])), true)
    assert.equal(writes(), 0, 'nothing is written before the turn ends')
    await new Promise(resolve => setImmediate(resolve))
    assert.equal(writes(), 1)
    ep.write(Buffer.from('e'))
    ep.end()
    await ended
    assert.equal(received().toString(), 'a'.repeat(1000) + 'b'.repeat(29) + 'cde')
  } finally {
    close()
  }
})

test('a socket endpoint whose reader stops asks its source to pause, and says when to go on', async () => {
  const { client, peer, close } = await pair()
  try {
    peer.pause()
    const ep = socketEndpoint(client, 'test')
    const chunk = Buffer.alloc(64 * 1024, 7)
    assert.equal(ep.write(chunk), true, 'one chunk is far below the limit')
    let written = chunk.length
    let drained = true
    let drain: Promise<void> = Promise.resolve()
    // Write until the kernel's buffers are full too: a pause the socket gets out of in the same turn is no backpressure yet. Bounded: they fill long before 256 MiB.
    while (drained) {
      assert.ok(written < 256 * 1024 * 1024, 'the reader never held the writer back')
      if (ep.write(chunk)) {
        written += chunk.length
        continue
      }
      written += chunk.length
      assert.ok(client.writableLength >= 256 * 1024, 'asked to pause with less than 256 KiB queued')
      drained = false
      drain = new Promise<void>(resolve => ep.onDrain(() => { drained = true; resolve() }))
      await new Promise(resolve => setImmediate(resolve))
    }
    assert.ok(client.writableLength > 0, 'the socket holds what the kernel does not take')
    let got = 0
    peer.on('data', (d: Buffer) => { got += d.length })
    peer.resume()
    await drain
    ep.end()
    await once(peer, 'end')
    assert.equal(got, written)
  } finally {
    close()
  }
})
