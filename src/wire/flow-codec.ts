import { portmesh as pb } from './pb/configure.js'
import { decodeWith, WireError } from './errors.js'
import { checkPeerId } from './codec.js'
import type { FlowAttempt, FlowFilter, FlowRecord, FlowResult, SitePairCount } from '../core/flow-ring.js'

/**
 * The mesh query for flow records (`portmesh flows --mesh`): the asking
 * site's filter and the answering site's records and site-pair counters.
 * Everything decoded here came from another site: every field is bounded and
 * checked, and a bad answer is refused whole.
 */

/** An answer holds at most this many records (the newest that match). */
export const MAX_FLOW_ANSWER_RECORDS = 1000
/** And at most this many site-pair counters (the router's own label-set cap is 1,000). */
export const MAX_FLOW_ANSWER_PAIRS = 2000
/** The answer's frame: 1,000 records of every field at its longest would not fit, typical ones (~300 bytes) do. */
export const MAX_FLOW_ANSWER_BYTES = 1024 * 1024
export const MAX_FLOW_QUERY_BYTES = 1024
const MAX_ATTEMPTS = 32
const MAX_NAME = 63
const MAX_TEXT = 300
const MAX_ADDRESS = 64
const RESULTS: readonly FlowResult[] = ['closed', 'reset', 'refused', 'denied']
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/

function text (value: string | null | undefined, max: number, field: string): string {
  const v = value ?? ''
  if (v.length > max) throw new WireError(`flow answer ${field} longer than ${max} characters`)
  return v
}

function name (value: string | null | undefined, field: string): string {
  const v = text(value, MAX_NAME, field)
  if (v !== '' && !NAME.test(v)) throw new WireError(`flow answer ${field} is not a site name or routing key`)
  return v
}

function peer (value: string | null | undefined, field: string): string {
  const v = value ?? ''
  return v === '' ? '' : checkPeerId(v, `flow answer ${field}`)
}

function count (n: number | null | undefined, field: string): number {
  const v = n ?? 0
  if (!Number.isSafeInteger(v) || v < 0) throw new WireError(`flow answer ${field} out of range`)
  return v
}

function iso (ms: number, field: string): string {
  // Year 10000 and later cannot be written as an ISO string.
  if (ms > 253_402_300_799_999) throw new WireError(`flow answer ${field} out of range`)
  return new Date(ms).toISOString()
}

export function encodeFlowQuery (f: FlowFilter): Uint8Array {
  return pb.FlowQuery.encode({ key: f.key, site: f.site, sinceMs: f.sinceMs, limit: f.limit }).finish()
}

export function decodeFlowQuery (bytes: Uint8Array): FlowFilter {
  return decodeWith('flow query', () => {
    const q = pb.FlowQuery.decode(bytes)
    const f: FlowFilter = { limit: Math.min(count(q.limit, 'limit'), MAX_FLOW_ANSWER_RECORDS) || MAX_FLOW_ANSWER_RECORDS }
    const key = name(q.key, 'key')
    if (key !== '') f.key = key
    const site = text(q.site, 128, 'site')
    if (site !== '') f.site = site
    const since = count(Object.hasOwn(q, 'sinceMs') ? q.sinceMs : 0, 'since')
    if (since > 0) f.sinceMs = since
    return f
  })
}

export interface FlowAnswer {
  records: FlowRecord[]
  truncated: boolean
  pairs: SitePairCount[]
}

export function encodeFlowAnswer (a: FlowAnswer): Uint8Array {
  return pb.FlowAnswer.encode({
    truncated: a.truncated,
    records: a.records.map(r => ({
      destination: r.side === 'destination',
      connectionId: r.connectionId,
      startMs: Date.parse(r.start),
      endMs: Date.parse(r.end),
      durationMs: r.durationMs,
      key: r.key,
      listener: r.listener,
      clientAddress: r.clientAddress,
      clientPort: r.clientPort,
      ingressSite: r.ingressSite,
      ingressPeer: r.ingressPeer,
      targetSite: r.targetSite,
      targetPeer: r.targetPeer,
      connector: r.connector,
      bytesIn: r.bytesIn,
      bytesOut: r.bytesOut,
      result: r.result,
      status: r.status,
      reason: r.reason?.slice(0, MAX_TEXT),
      reforwarded: r.reforwarded?.slice(0, MAX_ATTEMPTS).map(t => ({ site: t.site, peerId: t.peerId, status: t.status, reason: t.reason.slice(0, MAX_TEXT) }))
    })),
    pairs: a.pairs.map(p => ({ toPeer: p.toPeer, toSite: p.toSite, key: p.key, bytesIn: p.bytesIn, bytesOut: p.bytesOut, open: p.open }))
  }).finish()
}

function record (m: pb.IFlowRecordMsg): FlowRecord {
  const result = m.result as FlowResult
  if (!RESULTS.includes(result)) throw new WireError('flow answer result is unknown')
  const startMs = count(m.startMs, 'start')
  const endMs = count(m.endMs, 'end')
  const r: FlowRecord = {
    side: m.destination === true ? 'destination' : 'ingress',
    connectionId: count(m.connectionId, 'connection id'),
    start: iso(startMs, 'start'),
    end: iso(endMs, 'end'),
    durationMs: count(m.durationMs, 'duration'),
    key: name(m.key, 'key'),
    ingressSite: name(m.ingressSite, 'ingress site'),
    ingressPeer: peer(m.ingressPeer, 'ingress peer'),
    bytesIn: count(m.bytesIn, 'bytes in'),
    bytesOut: count(m.bytesOut, 'bytes out'),
    result
  }
  const listener = name(m.listener, 'listener')
  if (listener !== '') r.listener = listener
  const client = text(m.clientAddress, MAX_ADDRESS, 'client address')
  if (client !== '') {
    r.clientAddress = client
    r.clientPort = count(m.clientPort, 'client port')
  }
  const targetPeer = peer(m.targetPeer, 'target peer')
  if (targetPeer !== '') {
    r.targetPeer = targetPeer
    r.targetSite = name(m.targetSite, 'target site')
  }
  const connector = text(m.connector, MAX_TEXT, 'connector')
  if (connector !== '') r.connector = connector
  const status = name(m.status, 'status')
  if (status !== '') r.status = status
  const reason = text(m.reason, MAX_TEXT, 'reason')
  if (reason !== '') r.reason = reason
  const tried = m.reforwarded ?? []
  if (tried.length > MAX_ATTEMPTS) throw new WireError(`flow answer has more than ${MAX_ATTEMPTS} attempts in one record`)
  if (tried.length > 0) {
    r.reforwarded = tried.map((t): FlowAttempt => ({ site: name(t.site, 'attempt site'), peerId: peer(t.peerId, 'attempt peer'), status: name(t.status, 'attempt status'), reason: text(t.reason, MAX_TEXT, 'attempt reason') }))
  }
  return r
}

export function decodeFlowAnswer (bytes: Uint8Array): FlowAnswer {
  return decodeWith('flow answer', () => {
    const a = pb.FlowAnswer.decode(bytes)
    const records = a.records ?? []
    const pairs = a.pairs ?? []
    if (records.length > MAX_FLOW_ANSWER_RECORDS) throw new WireError(`flow answer has more than ${MAX_FLOW_ANSWER_RECORDS} records`)
    if (pairs.length > MAX_FLOW_ANSWER_PAIRS) throw new WireError(`flow answer has more than ${MAX_FLOW_ANSWER_PAIRS} site pairs`)
    return {
      records: records.map(record),
      truncated: a.truncated === true,
      pairs: pairs.map(p => ({ toPeer: peer(p.toPeer, 'pair peer'), toSite: name(p.toSite, 'pair site'), key: name(p.key, 'pair key'), bytesIn: count(p.bytesIn, 'pair bytes in'), bytesOut: count(p.bytesOut, 'pair bytes out'), open: count(p.open, 'pair open') }))
    }
  })
}
