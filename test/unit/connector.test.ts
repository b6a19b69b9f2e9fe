import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LocalConnectors } from '../../src/edge/connector.js'
import { echoServer } from '../helpers/tcp.js'

test('several connectors for one key at one site share held connections by weight; the site advertises their summed weight', async (t) => {
  const heavy = await echoServer()
  const light = await echoServer()
  t.after(async () => { await heavy.close(); await light.close() })
  const connectors = new LocalConnectors(1000)
  connectors.add({ name: 'heavy', routingKey: 'svc', host: '127.0.0.1', port: heavy.port, cost: 0, allow: [], e2e: false, weight: 3 })
  connectors.add({ name: 'light', routingKey: 'svc', host: '127.0.0.1', port: light.port, cost: 0, allow: [], e2e: false, weight: 1 })
  assert.deepEqual(connectors.summary(), [{ routingKey: 'svc', connectors: 2, cost: 0, weight: 4, e2e: false }])
  const got: Record<string, number> = {}
  const held = []
  for (let i = 0; i < 40; i++) {
    const c = await connectors.connect('svc')
    got[c.connector.name] = (got[c.connector.name] ?? 0) + 1
    held.push(c)
  }
  assert.deepEqual(got, { heavy: 30, light: 10 })
  for (const c of held) { c.socket.destroy(); c.release() }
})
