import { connect, type Socket } from 'node:net'

/**
 * An event-stream reader that reads the response head and then stops
 * reading for good, while `push` adds one ~16 KiB record at a time (at most
 * 5,000: past the kernel's socket buffers, then past the router's limit)
 * until `dropped()` says the router gave up on it. The caller asserts what
 * followed and destroys the socket.
 */
export async function stallUntilDropped (port: number, path: string, push: () => void, dropped: () => boolean): Promise<{ socket: Socket, pushed: number }> {
  const socket = connect(port, '127.0.0.1')
  await new Promise(resolve => socket.once('connect', resolve))
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  await new Promise(resolve => socket.once('data', resolve))
  socket.pause()
  let pushed = 0
  while (!dropped() && pushed < 5_000) {
    for (let i = 0; i < 100; i++) { push(); pushed++ }
    await new Promise(resolve => setImmediate(resolve))
  }
  return { socket, pushed }
}
