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
  assert.deepEqual(middle.links, [{ address: '/dns4/east/tcp/7070', cost: 1 }])
  assert.deepEqual(west.links, [{ address: '/dns4/middle/tcp/7070', cost: 1 }])
  assert.equal(east.connectors[0].routingKey, west.listeners[0].routingKey)
  for (const c of configs) assert.equal(c.dataDir, '/data')
})

test('compose mounts each site config, and the image runs `portmesh run --config`', () => {
  const compose = parse(readFileSync(resolve(DOCKER, 'compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> }
  for (const site of ['east', 'middle', 'west']) {
    assert.ok(compose.services[site].volumes?.includes(`./sites/${site}.yaml:/etc/portmesh/site.yaml:ro`), site)
  }
  const dockerfile = readFileSync(resolve(DOCKER, 'Dockerfile'), 'utf8')
  assert.match(dockerfile, /CMD \["run", "--config", "\/etc\/portmesh\/site.yaml"\]/)
  assert.match(dockerfile, /127\.0\.0\.1:7071\/healthz/)
  assert.match(dockerfile, /USER node/)
})
