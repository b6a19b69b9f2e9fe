import type { FlowFilter } from '../core/flow-ring.js'
import { QUERY_FLOWS } from '../wire/codec.js'
import { decodeFlowAnswer, encodeFlowQuery, MAX_FLOW_ANSWER_BYTES, type FlowAnswer } from '../wire/flow-codec.js'
import { encodeFrame } from '../wire/frames.js'
import { readFirstFrame } from './read-frame.js'
import { newConnectionId, openTunnel, type TunnelHost } from './tunnel.js'

/**
 * Asking another member for its flow records (`portmesh flows --mesh`). The
 * query is a tunnel like a client connection (routed hop by hop, its origin
 * proven to the destination, transit hops splicing bytes they cannot alter),
 * marked as a query in the signed header so that it never reaches a
 * connector. The destination signs its OK, so the answer comes from the site
 * that was asked: the asker sends its filter behind the OK, the destination
 * one answer frame, and both close.
 */

/** The routing key a query carries (any valid key: a query never reaches a connector). */
export const QUERY_ROUTING_KEY = 'flows'
/** How long a member gets to answer, the whole exchange included. */
export const MESH_QUERY_TIMEOUT_MS = 5000

/** Asks `destination` for its flow records that match `filter`. Rejects with TunnelRefusedError (DENIED: not shared with us) or a timeout. */
export async function askFlows (host: TunnelHost, destination: string, filter: FlowFilter, hopLimit: number): Promise<FlowAnswer> {
  const tunnel = await openTunnel(host, QUERY_ROUTING_KEY, destination, hopLimit, newConnectionId(), undefined, { proveDestination: true, query: QUERY_FLOWS })
  const { stream } = tunnel
  try {
    stream.send(encodeFrame(encodeFlowQuery(filter)))
    const { frame } = await readFirstFrame(stream, MAX_FLOW_ANSWER_BYTES, MESH_QUERY_TIMEOUT_MS, tunnel.rest)
    return decodeFlowAnswer(frame)
  } catch (err) {
    stream.abort(err as Error)
    throw err
  } finally {
    if (stream.status === 'open') stream.close().catch(() => {})
  }
}
