import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { FlowRecord } from '../../src/core/flow-ring.js'
import { fitAnswer } from '../../src/net/query-answer.js'
import { portmesh as pb } from '../../src/wire/pb/configure.js'
import { WireError } from '../../src/wire/errors.js'
import { decodeFlowAnswer, decodeFlowQuery, encodeFlowAnswer, encodeFlowQuery, MAX_FLOW_ANSWER_BYTES, MAX_FLOW_ANSWER_RECORDS } from '../../src/wire/flow-codec.js'
import { mergeMeshFlows } from '../../src/cli/flows.js'

const peer = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

async function sample (): Promise<{ ingress: FlowRecord, destination: FlowRecord }> {
  const [west, east] = [await peer(), await peer()]
  const base = { connectionId: 281_474_976_710_000, start: '2026-12-02T03:00:00.000Z', end: '2026-12-02T03:00:01.500Z', durationMs: 1500, key: 'db', ingressSite: 'west', ingressPeer: west, targetSite: 'east', targetPeer: east, bytesIn: 3_000_000_000, bytesOut: 12, result: 'closed' as const }
  return {
    ingress: { ...base, side: 'ingress', listener: 'db', clientAddress: '::ffff:127.0.0.1', clientPort: 50123, reforwarded: [{ site: 'north', peerId: east, status: 'CONNECT_FAILED', reason: 'connect ECONNREFUSED 127.0.0.1:1' }] },
    destination: { ...base, side: 'destination', connector: '127.0.0.1:5432' }
  }
}

test('flow answer: records and site pairs survive the wire exactly', async () => {
  const { ingress, destination } = await sample()
  const pairs = [{ toPeer: destination.targetPeer as string, toSite: 'east', key: 'db', bytesIn: 7, bytesOut: 9, open: 2 }]
  const back = decodeFlowAnswer(encodeFlowAnswer({ records: [ingress, destination], truncated: true, pairs }))
  assert.deepEqual(back, { records: [ingress, destination], truncated: true, pairs })
  assert.deepEqual(decodeFlowQuery(encodeFlowQuery({ key: 'db', site: 'east', sinceMs: 1_800_000_000_000, limit: 5 })), { key: 'db', site: 'east', sinceMs: 1_800_000_000_000, limit: 5 })
  // No limit asked: the answer's own cap.
  assert.deepEqual(decodeFlowQuery(encodeFlowQuery({})), { limit: MAX_FLOW_ANSWER_RECORDS })
})

test('flow answer: what another site sends is checked field by field and refused whole', async () => {
  const { ingress } = await sample()
  const good = (pb.FlowAnswer.decode(encodeFlowAnswer({ records: [ingress], truncated: false, pairs: [] })).records ?? [])[0]
  const bad: Array<[string, Partial<pb.IFlowRecordMsg>]> = [
    ['unknown result', { result: 'exploded' }],
    ['site name with markup', { ingressSite: '<img src=x onerror=alert(1)>' }],
    ['peer id that is not one', { ingressPeer: 'not-a-peer' }],
    ['reason too long', { reason: 'x'.repeat(301) }],
    ['end beyond year 9999', { endMs: Number.MAX_SAFE_INTEGER }],
    ['too many attempts', { reforwarded: Array.from({ length: 33 }, () => ({ site: 'a', peerId: '', status: 'NO_ROUTE', reason: '' })) }]
  ]
  for (const [what, change] of bad) {
    const bytes = pb.FlowAnswer.encode({ records: [{ ...good, ...change }] }).finish()
    assert.throws(() => decodeFlowAnswer(bytes), WireError, what)
  }
  const many = pb.FlowAnswer.encode({ records: Array.from({ length: MAX_FLOW_ANSWER_RECORDS + 1 }, () => good) }).finish()
  assert.throws(() => decodeFlowAnswer(many), /more than 1000 records/)
  assert.throws(() => decodeFlowAnswer(new Uint8Array([0x0a, 0xff, 0xff, 0x03])), WireError)
})

test('flow answer: one too large for its frame is halved, newest kept, and says it was cut', async () => {
  const { ingress } = await sample()
  const tried = { ...(ingress.reforwarded ?? [])[0], reason: 'r'.repeat(300) }
  const long = { ...ingress, reason: 'r'.repeat(300), reforwarded: Array.from({ length: 8 }, () => tried) }
  const records = Array.from({ length: MAX_FLOW_ANSWER_RECORDS }, (_, i) => ({ ...long, connectionId: i }))
  assert.ok(encodeFlowAnswer({ records, truncated: false, pairs: [] }).byteLength > MAX_FLOW_ANSWER_BYTES)
  const fitted = fitAnswer({ records, truncated: false, pairs: [] })
  assert.ok(fitted.byteLength <= MAX_FLOW_ANSWER_BYTES)
  const back = decodeFlowAnswer(fitted)
  assert.equal(back.truncated, true)
  assert.equal(back.records.at(-1)?.connectionId, MAX_FLOW_ANSWER_RECORDS - 1)
})

test('flows --mesh: the two ends of one connection become one row; a restarted ingress\'s reused id is not merged with another side of its own', async () => {
  const { ingress, destination } = await sample()
  const rows = mergeMeshFlows([ingress, destination, { ...ingress, connectionId: 5 }])
  assert.equal(rows.length, 2)
  assert.equal(rows[0].clientPort, 50123)
  assert.equal(rows[0].connector, '127.0.0.1:5432')
  assert.equal(rows[1].connectionId, 5)
})
