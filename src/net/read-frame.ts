import type { Stream, StreamMessageEvent } from '@libp2p/interface'
import { ProtocolTimeoutError, WireError } from '../wire/errors.js'
import { EmptyStreamError, FrameDecoder } from '../wire/frames.js'

export interface FirstFrame {
  frame: Uint8Array
  /** Bytes that arrived after the frame; they belong to whatever follows it. */
  rest: Uint8Array
}

/**
 * Reads exactly one frame from a stream and leaves the stream paused (unless its
 * remote end is already closed), so that no byte after the frame is lost while
 * the caller sets up where they go. `initial`: bytes of the stream already read
 * (what came behind an earlier frame).
 */
export async function readFirstFrame (stream: Stream, maxFrameBytes: number, timeoutMs: number, initial?: Uint8Array): Promise<FirstFrame> {
  return await new Promise<FirstFrame>((resolve, reject) => {
    const decoder = new FrameDecoder(maxFrameBytes)
    if (initial !== undefined && initial.byteLength > 0) {
      // Bytes already read behind an earlier frame: the frame may be complete in them.
      let frame: Uint8Array | undefined
      try {
        decoder.append(initial)
        frame = decoder.next()
      } catch (err) {
        reject(err)
        return
      }
      if (frame !== undefined) {
        resolve({ frame, rest: decoder.rest() })
        return
      }
    }
    const finish = (err: Error | undefined, result?: FirstFrame): void => {
      clearTimeout(timer)
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      stream.removeEventListener('end', onEnd)
      if (err !== undefined) reject(err)
      else resolve(result as FirstFrame)
    }
    const onMessage = (evt: StreamMessageEvent): void => {
      let frame: Uint8Array | undefined
      received += evt.data.byteLength
      try {
        decoder.append(evt.data)
        frame = decoder.next()
      } catch (err) {
        finish(err as Error)
        return
      }
      if (frame === undefined) return
      // Pause before returning to the event loop: data for the next stage must wait in the stream.
      if (stream.readStatus === 'readable') stream.pause()
      finish(undefined, { frame, rest: decoder.rest() })
    }
    let received = initial?.byteLength ?? 0
    const onEnd = (): void => finish(received === 0 ? new EmptyStreamError('stream ended without a byte') : new WireError('stream ended before its first message'))
    const onClose = (evt: Event & { error?: Error }): void => finish(evt.error ?? new WireError('stream closed before its first message'))
    const timer = setTimeout(() => finish(new ProtocolTimeoutError(`no complete first message within ${timeoutMs} ms`)), timeoutMs)
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
    stream.addEventListener('end', onEnd)
    // Paused by an earlier read of this stream: the frame is still in it.
    if (stream.readStatus === 'paused') stream.resume()
  })
}
