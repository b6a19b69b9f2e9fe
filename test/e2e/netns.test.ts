import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Mesh, Site } from '../helpers/site.js'
import { NetnsBed, netnsAvailable } from '../helpers/netns.js'
import { closed, dial, namedServer, readLine, whoAnswers } from '../helpers/tcp.js'
import { waitFor } from '../helpers/wait.js'

// Sites as separate hosts (network namespaces); needs root and iproute2, which CI has.
const skip = netnsAvailable ? false : 'needs root and iproute2 (ip netns)'

test('a cut cable (silence, no FIN or RST) is detected within the liveness timeout; traffic moves to the backup and back', { skip }, async (t) => {
  //  west --1-- a (svc)
  //  west --5-- b (svc)        hosts on one bridge; a's cable is pulled
  const bed = new NetnsBed(['west', 'a', 'b'])
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop(); bed.destroy() })
  const gateway = `10.213.${bed.host('west').address.split('.')[2]}.254`
  const sa = await namedServer('a', gateway)
  const sb = await namedServer('b', gateway)
  mesh.onStop(async () => { await sa.close(); await sb.close() })
  const a = await Site.start(mesh, 'a', { netns: bed.host('a'), connectors: [`svc=${gateway}:${sa.port}`] })
  const b = await Site.start(mesh, 'b', { netns: bed.host('b'), connectors: [`svc=${gateway}:${sb.port}`] })
  const west = await Site.start(mesh, 'west', { netns: bed.host('west'), links: [await a.token(), `${await b.token()},cost=5`], listeners: [`svc=${bed.host('west').address}:15000`] })
  await west.waitTargets('svc', ['a', 'b'])
  const clientHost = bed.host('west').address
  assert.equal(await whoAnswers(15000, clientHost), 'a')

  const held = await dial(15000, clientHost)
  assert.equal(await readLine(held), 'a')
  const heldClosed = closed(held)
  const cutAt = Date.now()
  bed.cable('a', false)
  await west.waitStatus('link to a down', s => !s.links.some(l => l.site === 'a' && l.state === 'up'), 10_000)
  const detectedMs = Date.now() - cutAt
  assert.equal(await heldClosed, 'reset')
  const resetMs = Date.now() - cutAt
  t.diagnostic(`cable cut detected after ${detectedMs} ms; held connection reset after ${resetMs} ms`)
  assert.ok(detectedMs < 2500, `detected after ${detectedMs} ms`)
  assert.ok(resetMs < detectedMs + 1000)
  assert.equal(await whoAnswers(15000, clientHost), 'b')

  bed.cable('a', true)
  await waitFor('a back as the target', async () => await whoAnswers(15000, clientHost) === 'a', 20_000)
})
