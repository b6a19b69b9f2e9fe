import { test } from 'node:test'
import { stallUntilDropped } from '../helpers/stalled-reader.js'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { pino } from 'pino'
import { AdminApi, FLOW_FOLLOW_MAX_BEHIND } from '../../src/api/server.js'
import type { ApiRouter } from '../../src/api/types.js'
import { FlowRing, type FlowRecord } from '../../src/core/flow-ring.js'

let n = 0
const rec = (key: string, reason = ''): FlowRecord => {
  n++
  const at = new Date(1_700_000_000_000 + n).toISOString()
  return { side: 'ingress', connectionId: n, start: at, end: at, durationMs: 0, key, ingressSite: 'west', ingressPeer: 'pw', bytesIn: 1, bytesOut: 2, result: 'refused', status: 'NO_TARGET', reason }
}

async function bed (): Promise<{ api: AdminApi, ring: FlowRing, warnings: string[] }> {
  const ring = new FlowRing(100)
  const warnings: string[] = []
  const log = pino({ level: 'warn' }, { write: (line: string) => { warnings.push(line) } })
  const router = { flows: ring, events: new EventEmitter() } as unknown as ApiRouter
  const api = new AdminApi(router, '127.0.0.1', 0, log, { credential: 'c', credentialFile: 'f', credentialForReads: false })
  await api.start()
  return { api, ring, warnings }
}

test('GET /v1/flows filters by key and limit; a bad since or limit is a 400 naming it', async () => {
  const { api, ring } = await bed()
  try {
    for (const key of ['a', 'b', 'a', 'a']) ring.push(rec(key))
    const res = await fetch(`${api.url}/v1/flows?key=a&limit=2`)
    const { flows } = await res.json() as { flows: FlowRecord[] }
    assert.deepEqual(flows.map(f => f.key), ['a', 'a'])
    assert.equal(flows[1].connectionId, n)
    const bad = await fetch(`${api.url}/v1/flows?since=later`)
    assert.equal(bad.status, 400)
    assert.match((await bad.json() as { error: string }).error, /^since:/)
    assert.equal((await fetch(`${api.url}/v1/flows?limit=0`)).status, 400)
  } finally {
    await api.stop()
  }
})

test('a ?follow reader that stops reading is dropped once it is too far behind; the ring does not wait for it', async () => {
  const { api, ring, warnings } = await bed()
  try {
    const big = 'x'.repeat(16 * 1024)
    const dropped = (): boolean => warnings.some(w => w.includes('dropping a flows follower'))
    const { socket: s, pushed } = await stallUntilDropped(api.port, '/v1/flows?follow', () => ring.push(rec('k', big)), dropped)
    assert.ok(dropped(), `not dropped after ${pushed} records`)
    assert.ok(pushed > FLOW_FOLLOW_MAX_BEHIND)
    s.destroy()
  } finally {
    await api.stop()
  }
})
