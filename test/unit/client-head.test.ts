import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { ClientHead } from '../../src/net/client-head.js'

/**
 * A connection accepted the way a listener accepts one, with a ClientHead made
 * once `client` (run on connect) has finished: its bytes or FIN are then in
 * the server's socket buffer, as they are for a client that sends with its
 * connect.
 */
async function accepted (client: (s: Socket) => Promise<void>): Promise<{ head: ClientHead, close: () => void }> {
  const server = createServer({ pauseOnConnect: true })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const c = connect((server.address() as { port: number }).port, '127.0.0.1')
  c.on('error', () => {})
  const sent = once(c, 'connect').then(async () => { await client(c) })
  const [[socket]] = await Promise.all([once(server, 'connection') as Promise<[Socket]>, sent])
  return { head: new ClientHead(socket, 64 * 1024), close: () => { c.destroy(); socket.destroy(); server.close() } }
}

test('firstBytes: what a client sent with its connect is on hand once it resolves', async () => {
  const { head, close } = await accepted(async (c) => { await new Promise<void>((resolve) => c.write('hello', () => resolve())) })
  try {
    await head.firstBytes()
    assert.equal(head.bytes, 5)
  } finally {
    close()
  }
})

test('firstBytes: a client that closes at once is seen to have finished', async () => {
  const { head, close } = await accepted(async (c) => { await new Promise<void>((resolve) => c.end(() => resolve())) })
  try {
    await head.firstBytes()
    assert.equal(head.ended, true)
    assert.equal(head.bytes, 0)
  } finally {
    close()
  }
})

test('firstBytes: a client that waits for the server to speak first is not waited for', async () => {
  const { head, close } = await accepted(async () => {})
  try {
    await head.firstBytes()
    assert.equal(head.bytes, 0)
    assert.equal(head.ended, false)
  } finally {
    close()
  }
})
