import type { EndpointSink } from '../../src/net/splice.js'
import type { Chunk } from '../../src/wire/frames.js'

export interface Recorder {
  sink: EndpointSink
  data: Buffer[]
  bytes: () => Buffer
  length: () => number
  ended: number
  closed: number
  reset?: string
  /** Resolves on the endpoint's end or reset. */
  settled: Promise<void>
}

/** A sink that records what an endpoint reports (each chunk copied); `onData` sees every chunk as it arrives. */
export function recorder (onData?: (c: Buffer) => void): Recorder {
  let settle!: () => void
  let length = 0
  const r: Recorder = {
    data: [],
    ended: 0,
    closed: 0,
    reset: undefined,
    settled: new Promise<void>((resolve) => { settle = resolve }),
    bytes: () => Buffer.concat(r.data),
    length: () => length,
    sink: {
      data: (c: Chunk) => {
        const b = Buffer.from(c.subarray())
        length += b.length
        r.data.push(b)
        onData?.(b)
      },
      end: () => { r.ended++; settle() },
      reset: (reason: string) => { r.reset ??= reason; settle() },
      closed: () => { r.closed++ }
    }
  }
  return r
}
