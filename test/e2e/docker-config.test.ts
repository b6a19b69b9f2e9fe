import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load.js'

const DOCKER = resolve(fileURLToPath(import.meta.url), '../../../../docker')

test('the compose file\'s site configs load with the same loader as `portmesh run`', async () => {
  const files = readdirSync(resolve(DOCKER, 'sites')).filter(f => f.endsWith('.yaml')).sort()
  assert.deepEqual(files, ['east.yaml', 'middle.yaml', 'west.yaml'])
  const configs = await Promise.all(files.map(async f => await loadConfig(resolve(DOCKER, 'sites', f), {})))
  const [east, middle, west] = configs
  assert.deepEqual([east.site, middle.site, west.site], ['east', 'middle', 'west'])
  assert.equal(east.connectors[0].routingKey, west.listeners[0].routingKey)
  for (const c of configs) {
    assert.equal(c.dataDir, '/data')
    assert.deepEqual(c.advertise, [`/dns4/${c.site}/tcp/7070`])
  }
})

test('compose mounts each site config and links each site with a token from the one it links to', () => {
  const compose = parse(readFileSync(resolve(DOCKER, 'compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[], command?: string[] }> }
  for (const site of ['east', 'middle', 'west']) {
    assert.ok(compose.services[site].volumes?.includes(`./sites/${site}.yaml:/etc/portmesh/site.yaml:ro`), site)
    assert.match(compose.services[site].command?.[0] ?? '', /\$\$PM run --config \/etc\/portmesh\/site\.yaml/)
  }
  assert.match(compose.services.middle.command?.[0] ?? '', /--link \/shared\/east\.token/)
  assert.match(compose.services.west.command?.[0] ?? '', /--link \/shared\/middle\.token/)
  assert.match(compose.services.east.command?.[0] ?? '', /token issue --expires 1h > \/shared\/east\.token/)
  const dockerfile = readFileSync(resolve(DOCKER, 'Dockerfile'), 'utf8')
  assert.match(dockerfile, /CMD \["run", "--config", "\/etc\/portmesh\/site.yaml"\]/)
  assert.match(dockerfile, /127\.0\.0\.1:7071\/healthz/)
  assert.match(dockerfile, /USER node/)
  // token issue in the containers finds the API's credential in the data dir.
  assert.match(dockerfile, /ENV PORTMESH_DATA_DIR=\/data/)
})

test('the compose site configs run: west reaches east through middle on its configured listener', async (t) => {
  // Only what cannot exist here is overridden: addresses (no compose network:
  // the helper passes --listen, --advertise, --api, --data-dir) and east's
  // connector host ("demo" is a compose service name).
  const { Mesh, Site } = await import('../helpers/site.js')
  const { namedServer, whoAnswers } = await import('../helpers/tcp.js')
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const demo = await namedServer('demo at east')
  mesh.onStop(async () => { await demo.close() })
  const site = (name: string): string[] => ['--config', resolve(DOCKER, 'sites', `${name}.yaml`)]
  const east = await Site.start(mesh, 'east', { args: [...site('east'), '--connector', `demo=127.0.0.1:${demo.port}`] })
  const middle = await Site.start(mesh, 'middle', { links: [await east.token()], args: site('middle') })
  const west = await Site.start(mesh, 'west', { links: [await middle.token()], args: site('west') })
  const status = await west.waitTargets('demo', ['east'])
  const listener = status.listeners.find(l => l.routingKey === 'demo')
  assert.deepEqual([listener?.host, listener?.port], ['0.0.0.0', 15678])
  assert.equal(await whoAnswers(15678), 'demo at east')
})
