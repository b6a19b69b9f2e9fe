import type { StreamMessageEvent } from '@libp2p/interface'
import { WireError } from './errors.js'

/** Prefixes a message with its length as an unsigned varint. */
export function encodeFrame (message: Uint8Array): Uint8Array {
  let n = message.length
  const prefix: number[] = []
  while (n >= 0x80) {
    prefix.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  prefix.push(n)
  const out = new Uint8Array(prefix.length + message.length)
  out.set(prefix, 0)
  out.set(message, prefix.length)
  return out
}

/** What a stream delivers: one buffer or a list of them. */
export type Chunk = StreamMessageEvent['data']

function toBytes (chunk: Chunk): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray()
}

/**
 * Splits a byte stream into length-prefixed frames. The length is checked
 * against maxFrameBytes before the frame is buffered, so a hostile peer cannot
 * make us allocate more than the cap.
 */
export class FrameDecoder {
  private buf: Uint8Array = new Uint8Array(0)

  constructor (private readonly maxFrameBytes: number) {}

  /** Appends bytes and returns every complete frame; throws WireError on an oversized or malformed prefix. */
  push (chunk: Chunk): Uint8Array[] {
    this.append(chunk)
    const frames: Uint8Array[] = []
    for (;;) {
      const frame = this.next()
      if (frame === undefined) break
      frames.push(frame)
    }
    return frames
  }

  append (chunk: Chunk): void {
    const bytes = toBytes(chunk)
    this.buf = this.buf.length === 0 ? bytes : concat(this.buf, bytes)
  }

  /** Takes the first complete frame, leaving the rest in the buffer. */
  next (): Uint8Array | undefined {
    let len = 0
    let shift = 0
    let i = 0
    for (;; i++) {
      if (i >= this.buf.length) {
        this.checkLength(len)
        return undefined
      }
      if (i >= 4) throw new WireError('frame length prefix too long')
      const b = this.buf[i]
      len += (b & 0x7f) * 2 ** shift
      shift += 7
      if ((b & 0x80) === 0) break
    }
    this.checkLength(len)
    const start = i + 1
    if (this.buf.length - start < len) return undefined
    const frame = this.buf.subarray(start, start + len)
    this.buf = this.buf.subarray(start + len)
    return frame
  }

  /** Bytes received after the last complete frame. */
  rest (): Uint8Array {
    const rest = this.buf
    this.buf = new Uint8Array(0)
    return rest
  }

  private checkLength (len: number): void {
    if (len > this.maxFrameBytes) throw new WireError(`frame of ${len} bytes exceeds the limit of ${this.maxFrameBytes}`)
  }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** The stream was closed cleanly before a single byte (opened ahead of need and not used). */
export class EmptyStreamError extends WireError {
  override name = 'EmptyStreamError'
}
