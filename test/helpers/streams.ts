import type { Stream } from '@libp2p/interface'

/** Everything a libp2p stream delivers until its end; rejects when it closes with an error. */
export async function readAll (stream: Stream): Promise<Buffer> {
  const chunks: Buffer[] = []
  return await new Promise<Buffer>((resolve, reject) => {
    const done = (): void => resolve(Buffer.concat(chunks))
    stream.addEventListener('message', (evt) => { chunks.push(Buffer.from(evt.data.subarray())) })
    stream.addEventListener('end', done)
    stream.addEventListener('close', (evt) => { if ((evt as Event & { error?: Error }).error !== undefined) reject((evt as Event & { error?: Error }).error); else done() })
    if (stream.readableEnded) done()
  })
}

/** Sends `data` in 64 KiB pieces, waiting for the stream to drain when it asks to; then closes it unless `close` is false. */
export async function sendAll (stream: Stream, data: Buffer, close = true): Promise<void> {
  for (let i = 0; i < data.length; i += 65536) {
    if (!stream.send(data.subarray(i, i + 65536))) await stream.onDrain()
  }
  if (close) await stream.close()
}

/** Handler: sends back what it receives, reversed, once the sender closes; records the protocol it saw. */
export function reverser (calls: string[]): (stream: Stream) => Promise<void> {
  return async (stream) => {
    calls.push(stream.protocol ?? '')
    const got = await readAll(stream)
    await sendAll(stream, Buffer.from(got).reverse())
  }
}
