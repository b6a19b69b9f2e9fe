import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from 'yaml'
import { buildConfig, parseConnectorFlag, parseLinkFlag, parseListenerFlag } from '../../src/config/config.js'
import { ConfigError } from '../../src/config/errors.js'

function fails (fn: () => unknown, field: string, reason: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    assert.equal(err.field, field)
    assert.match(err.reason, reason)
    return true
  })
}

test('defaults: host name as site, ./portmesh-data, listen 0.0.0.0:7070, API on loopback 7071', () => {
  const c = buildConfig(undefined, {}, 'myhost')
  assert.equal(c.site, 'myhost')
  assert.equal(c.dataDir, './portmesh-data')
  assert.deepEqual(c.listen, ['/ip4/0.0.0.0/tcp/7070'])
  assert.deepEqual(c.api, { host: '127.0.0.1', port: 7071 })
  assert.equal(c.timers.livenessTimeoutMs, 1000)
})

test('flags: links with cost, connectors with cost, listeners', () => {
  assert.deepEqual(parseLinkFlag('/ip4/10.1.2.3/tcp/7070'), { address: '/ip4/10.1.2.3/tcp/7070', cost: 1 })
  assert.deepEqual(parseLinkFlag('/ip4/10.1.2.3/tcp/7070,cost=9999'), { address: '/ip4/10.1.2.3/tcp/7070', cost: 9999 })
  assert.deepEqual(parseConnectorFlag('db=127.0.0.1:5432'), { routingKey: 'db', host: '127.0.0.1', port: 5432, cost: 0, allow: [], e2e: false, weight: 1 })
  assert.deepEqual(parseConnectorFlag('db=[::1]:5432,cost=3'), { routingKey: 'db', host: '::1', port: 5432, cost: 3, allow: [], e2e: false, weight: 1 })
  assert.deepEqual(parseListenerFlag('db=127.0.0.1:15432'), { routingKey: 'db', host: '127.0.0.1', port: 15432, maxConnections: 16384, trust: [], fallback: [] })
  assert.equal(parseListenerFlag('db=127.0.0.1:15432,max=10').maxConnections, 10)
  // Rules: repeatable entries, each a site name or a peer id.
  const peer = '12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'
  assert.deepEqual(parseConnectorFlag(`db=127.0.0.1:5432,allow=west,allow=${peer},e2e=true`), { routingKey: 'db', host: '127.0.0.1', port: 5432, cost: 0, allow: ['west', peer], e2e: true, weight: 1 })
  assert.deepEqual(parseListenerFlag('db=127.0.0.1:15432,trust=east').trust, ['east'])
  assert.equal(parseConnectorFlag('db=127.0.0.1:5432,weight=3').weight, 3)
  fails(() => parseConnectorFlag('db=127.0.0.1:5432,weight=0'), '--connector weight', /between 1 and 1000/)
  fails(() => parseConnectorFlag('db=127.0.0.1:5432,weight=1001'), '--connector weight', /between 1 and 1000/)
  assert.deepEqual(parseListenerFlag('db-primary=127.0.0.1:15432,fallback=db-replica,fallback=db-dr').fallback, ['db-replica', 'db-dr'])
  fails(() => parseListenerFlag('db=127.0.0.1:15432,fallback=no key'), '--listener fallback[0]', /routing key/)
  fails(() => parseConnectorFlag('db=127.0.0.1:5432,allow=not a site'), '--connector allow[0]', /site name .* or a peer id/)
  fails(() => parseConnectorFlag('db=127.0.0.1:5432,allow=12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSy'), '--connector allow[0]', /not a valid one/)
  fails(() => parseConnectorFlag('db=127.0.0.1:5432,e2e=yes'), '--connector e2e', /true or false/)
})

test('bad flags name the flag and the reason', () => {
  fails(() => parseLinkFlag('10.1.2.3:7070'), '--link', /not a multiaddr/)
  fails(() => parseLinkFlag('/ip4/10.1.2.3/udp/7070'), '--link', /TCP multiaddr/)
  fails(() => parseLinkFlag('/ip4/10.1.2.3/tcp/7070,cost=0'), '--link cost', /between 1 and/)
  fails(() => parseLinkFlag('/ip4/10.1.2.3/tcp/7070,weight=2'), '--link', /unknown option/)
  fails(() => parseConnectorFlag('db:5432'), '--connector', /KEY=HOST:PORT/)
  fails(() => parseConnectorFlag('db=127.0.0.1:99999'), '--connector', /between 1 and 65535/)
  fails(() => parseConnectorFlag('d b=127.0.0.1:5432'), '--connector', /routing key/)
  fails(() => parseListenerFlag('db=localhost'), '--listener', /HOST:PORT/)
})

test('a YAML file holds the same settings; flags override it', () => {
  const file = parse(`
site: west
dataDir: /var/lib/portmesh
listen: [/ip4/127.0.0.1/tcp/7000]
api: 127.0.0.1:7001
links:
  - address: /ip4/127.0.0.2/tcp/7000
    cost: 5
connectors:
  - { routingKey: db, host: 127.0.0.1, port: 5432, cost: 2 }
listeners:
  - { routingKey: web, host: 127.0.0.1, port: 8080 }
timers: { livenessTimeoutMs: 3000 }
`)
  const c = buildConfig(file, {}, 'host')
  assert.equal(c.site, 'west')
  assert.deepEqual(c.links, [{ address: '/ip4/127.0.0.2/tcp/7000', cost: 5 }])
  assert.deepEqual(c.connectors, [{ routingKey: 'db', host: '127.0.0.1', port: 5432, cost: 2, allow: [], e2e: false, weight: 1 }])
  assert.deepEqual(c.listeners, [{ routingKey: 'web', host: '127.0.0.1', port: 8080, maxConnections: 16384, trust: [], fallback: [] }])
  assert.equal(c.timers.livenessTimeoutMs, 3000)
  const o = buildConfig(file, { site: 'east', links: ['/ip4/127.0.0.3/tcp/7000'], api: '127.0.0.1:9' }, 'host')
  assert.equal(o.site, 'east')
  assert.deepEqual(o.links, [{ address: '/ip4/127.0.0.3/tcp/7000', cost: 1 }])
  assert.deepEqual(o.api, { host: '127.0.0.1', port: 9 })
  assert.deepEqual(o.connectors, c.connectors)
})

test('a wrong value in the file names the field', () => {
  fails(() => buildConfig(parse('links: [{address: /ip4/1.2.3.4/tcp/1, cost: -1}]'), {}, 'h'), 'links[0].cost', /between 1 and/)
  fails(() => buildConfig(parse('connectors: [{routingKey: db, port: "x"}]'), {}, 'h'), 'connectors[0].port', /whole number/)
  fails(() => buildConfig(parse('listeners: [{routingKey: db, port: 1, hots: a}]'), {}, 'h'), 'listeners[0].hots', /unknown setting/)
  fails(() => buildConfig(parse('sight: west'), {}, 'h'), 'sight', /unknown setting/)
  fails(() => buildConfig(parse('- a\n- b'), {}, 'h'), 'config', /mapping/)
  fails(() => buildConfig(parse('timers: {helloIntervalMs: 600, livenessTimeoutMs: 1000}'), {}, 'h'), 'timers.livenessTimeoutMs', /twice/)
  fails(() => buildConfig(undefined, { site: 'a b' }, 'h'), '--site', /site name/)
  fails(() => buildConfig(undefined, { listen: ['/ip4/0.0.0.0/tcp/1/p2p/12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'] }, 'h'), '--listen', /no \/p2p\//)
  fails(() => buildConfig(parse('listeners: [{routingKey: a, port: 80}, {routingKey: b, port: 80}]'), {}, 'h'), 'listeners[1]', /used by another listener/)
  fails(() => buildConfig(parse('api: 0.0.0.0:7071'), {}, 'h'), 'api', /needs a bearer token/)
  fails(() => buildConfig(undefined, { api: '10.1.2.3:7071' }, 'h'), '--api', /--api-token/)
  assert.equal(buildConfig(undefined, { api: '0.0.0.0:7071', apiToken: 'x'.repeat(20) }, 'h').apiToken, 'x'.repeat(20))
  fails(() => buildConfig(parse('links: [{token: "portmesh-token-v1:AAAA"}]'), {}, 'h'), 'links[0].token', /damaged/)
  fails(() => buildConfig(parse('links: [{token: "/ip4/1.2.3.4/tcp/1"}]'), {}, 'h'), 'links[0].token', /not a portmesh token/)
  fails(() => buildConfig(parse('limits: {tunnelsPerPeer: 0}'), {}, 'h'), 'limits.tunnelsPerPeer', /between 1/)
})

test('flows.ringSize and accessLog: defaults, file, flags over the file, bad values named', () => {
  const d = buildConfig(undefined, {}, 'h')
  assert.deepEqual(d.flows, { ringSize: 10_000, readers: [] })
  assert.equal(d.accessLog, undefined)
  const f = buildConfig(parse('flows:\n  ringSize: 5\naccessLog: /var/log/pm.log\n'), {}, 'h')
  assert.deepEqual([f.flows.ringSize, f.accessLog], [5, '/var/log/pm.log'])
  const o = buildConfig(parse('flows:\n  ringSize: 5\n'), { flowRing: '7', accessLog: 'a.log' }, 'h')
  assert.deepEqual([o.flows.ringSize, o.accessLog], [7, 'a.log'])
  fails(() => buildConfig(parse('flows:\n  ringSize: -1\n'), {}, 'h'), 'flows.ringSize', /between 0 and/)
  assert.equal(buildConfig(parse('flows:\n  ringSize: 0\n'), {}, 'h').flows.ringSize, 0)
  fails(() => buildConfig(parse('flows:\n  size: 5\n'), {}, 'h'), 'flows.size', /unknown|not a setting|known/i)
  // Who may read them over the mesh: nobody by default; site names, peer ids or '*'; flags over the file.
  assert.deepEqual(buildConfig(parse('flows:\n  readers: [west, "*"]\n'), {}, 'h').flows.readers, ['west', '*'])
  assert.deepEqual(buildConfig(parse('flows:\n  readers: west\n'), { flowReaders: ['east'] }, 'h').flows.readers, ['east'])
  fails(() => buildConfig(parse('flows:\n  readers: ["no spaces"]\n'), {}, 'h'), 'flows.readers[0]', /site name .* or a peer id/)
  fails(() => buildConfig(undefined, { flowReaders: ['west', '12D3KooW' + 'a'.repeat(44)] }, 'h'), '--flow-reader[1]', /not a valid one/)
  fails(() => buildConfig(undefined, { flowRing: 'many' }, 'h'), '--flow-ring', /whole number/)
})

test('workers: 1 by default; auto or 1-64 from the file or --workers; anything else names the field', () => {
  assert.equal(buildConfig(undefined, {}, 'h').workers, 1)
  assert.equal(buildConfig(parse('workers: auto'), {}, 'h').workers, 'auto')
  assert.equal(buildConfig(parse('workers: 4'), {}, 'h').workers, 4)
  assert.equal(buildConfig(parse('workers: 4'), { workers: '2' }, 'h').workers, 2, 'the flag overrides the file')
  assert.equal(buildConfig(undefined, { workers: 'auto' }, 'h').workers, 'auto')
  fails(() => buildConfig(parse('workers: 0'), {}, 'h'), 'workers', /between 1 and 64/)
  fails(() => buildConfig(parse('workers: 65'), {}, 'h'), 'workers', /between 1 and 64/)
  fails(() => buildConfig(undefined, { workers: 'many' }, 'h'), '--workers', /auto or a whole number/)
  fails(() => buildConfig(parse('workers: 2.5'), {}, 'h'), 'workers', /whole number/)
})
