import type { Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { FlowFilter } from '../core/flow-ring.js'
import { decodeFlowQuery, encodeFlowAnswer, MAX_FLOW_ANSWER_BYTES, MAX_FLOW_QUERY_BYTES, type FlowAnswer } from '../wire/flow-codec.js'
import { encodeFrame } from '../wire/frames.js'
import { HEADER_TIMEOUT_MS } from './constants.js'
import { readFirstFrame } from './read-frame.js'

/** The answering side of a mesh query (mesh-query.ts asks). */

/** The answer encoded within the frame limit: halved (the oldest records dropped, marked truncated) until it fits. */
export function fitAnswer (answer: FlowAnswer): Uint8Array {
  let a = answer
  let bytes = encodeFlowAnswer(a)
  while (bytes.byteLength > MAX_FLOW_ANSWER_BYTES && a.records.length > 0) {
    a = { ...a, records: a.records.slice(Math.ceil(a.records.length / 2)), truncated: true }
    bytes = encodeFlowAnswer(a)
  }
  return bytes
}

/** The destination's side, after its signed OK: reads the filter behind it, answers once, closes. */
export async function serveFlows (stream: Stream, rest: Uint8Array, answer: (filter: FlowFilter) => FlowAnswer, log: Logger): Promise<void> {
  try {
    const { frame } = await readFirstFrame(stream, MAX_FLOW_QUERY_BYTES, HEADER_TIMEOUT_MS, rest)
    stream.send(encodeFrame(fitAnswer(answer(decodeFlowQuery(frame)))))
    await stream.close()
  } catch (err) {
    log.info({ err: (err as Error).message }, 'flow query not answered')
    stream.abort(err as Error)
  }
}
