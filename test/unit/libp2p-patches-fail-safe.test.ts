import '../../src/polyfill.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Stream } from '@libp2p/interface'
import { YamuxStream } from '@libp2p/yamux/stream'
import { pino } from 'pino'
import { createNode } from '../../src/net/node.js'
import { Metrics } from '../../src/api/metrics.js'
import type { RouterStatus } from '../../src/api/types.js'
import { keepReceiveWindowShut, libp2pPatchStates } from '../../src/net/libp2p-patches/index.js'

/**
 * A Yamux whose streams have no sendPause (as another version might): the
 * start-up probe finds it, the patch reports itself inactive, createNode
 * logs one warning, /metrics shows 0, and the call site leaves the stream as
 * libp2p leaves it. Its own file, so its own process: the other tests see
 * Yamux as installed.
 */
test('a patch whose internal is missing reports itself inactive, warns once and leaves libp2p\'s behaviour in place', async () => {
  const proto = YamuxStream.prototype as unknown as { sendPause?: () => void }
  const sendPause = proto.sendPause
  delete proto.sendPause
  const lines: Array<Record<string, unknown>> = []
  const log = pino({ level: 'info' }, new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>)
      done()
    }
  }))
  const node = await createNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], maxStreamsPerConnection: 8, log })
  try {
    const states = libp2pPatchStates()
    assert.deepEqual(states.filter(s => !s.active).map(s => s.name), ['yamux-send-pause'])
    const warnings = lines.filter(l => l.level === 40)
    assert.equal(warnings.length, 1)
    assert.equal(warnings[0].patch, 'yamux-send-pause')
    assert.equal(warnings[0].package, '@libp2p/yamux')
    assert.match(String(warnings[0].msg), /yamux-send-pause is inactive .*@libp2p\/yamux 8\.0\.3/)
    // Refused again later: no second warning.
    keepReceiveWindowShut({} as unknown as Stream)
    assert.equal(lines.filter(l => l.level === 40).length, 1)
    const status = { links: [], routers: [], services: [], listeners: [], workers: [] } as unknown as RouterStatus
    const text = await new Metrics({ status: () => status, keyBytes: () => new Map(), linkBytes: () => new Map() }).registry.metrics()
    assert.match(text, /^portmesh_libp2p_patch_active\{patch="yamux-send-pause"\} 0$/m)
    assert.match(text, /^portmesh_libp2p_patch_active\{patch="yamux-window-updates"\} 1$/m)
  } finally {
    proto.sendPause = sendPause
    await node.stop()
  }
})
