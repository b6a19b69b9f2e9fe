import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Command } from 'commander'
import { parse } from 'yaml'
import { ConfigError } from '../../src/config/errors.js'
import { boolean, defineResource, host, KEY_HOST_PORT, name, port, routingKey } from '../../src/config/schema.js'
import { addResourceCommands, createBody, createOptions } from '../../src/cli/resource-commands.js'

/**
 * The schema machinery's repeatable and boolean fields, on a throwaway
 * resource (the real ones have none yet): a list in YAML and the API body,
 * the option repeated in a flag and on the command line.
 */

interface Probe { routingKey: string, host: string, port: number, allow: string[], e2e: boolean }

const PROBE = defineResource<Probe>({
  flag: '--probe',
  flagHead: KEY_HOST_PORT,
  fields: {
    routingKey: { type: routingKey },
    host: { type: host, default: '127.0.0.1' },
    port: { type: port({ allowZero: false }) },
    allow: { type: name, list: true, default: [], flagOption: 'allow', cliOption: '--allow <site>', help: 'a site that may connect' },
    e2e: { type: boolean, default: false, flagOption: 'e2e', cliOption: '--e2e', help: 'encrypt end to end' }
  }
})

function fails (fn: () => unknown, field: string, reason: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    assert.equal(err.field, field)
    assert.match(err.reason, reason)
    return true
  })
}

const yaml = (text: string): Probe => PROBE.fromFile(parse(text), 'probes[0]')

test('a list field: a list, or one value alone, in YAML and the body; the option repeated in a flag', () => {
  const want: Probe = { routingKey: 'db', host: '127.0.0.1', port: 1, allow: ['east', 'west'], e2e: false }
  assert.deepEqual(yaml('{routingKey: db, port: 1, allow: [east, west]}'), want)
  assert.deepEqual(PROBE.fromBody({ routingKey: 'db', port: 1, allow: ['east', 'west'] }), want)
  assert.deepEqual(PROBE.fromFlag('db=:1,allow=east,allow=west'), want)
  assert.deepEqual(yaml('{routingKey: db, port: 1, allow: east}').allow, ['east'])
  assert.deepEqual(PROBE.fromBody({ routingKey: 'db', port: 1, allow: 'east' }).allow, ['east'])
  assert.deepEqual(PROBE.fromFlag('db=:1,allow=east').allow, ['east'])
})

test('a list field left out is an empty list of its own, not one shared between configs', () => {
  const a = PROBE.fromFlag('db=:1')
  assert.equal(a.allow.length, 0)
  a.allow.push('mutated')
  assert.deepEqual(PROBE.fromBody({ routingKey: 'db', port: 1 }).allow, [])
  assert.deepEqual(yaml('{routingKey: db, port: 1}').allow, [])
})

test('a bad list item is named by its index', () => {
  fails(() => yaml('{routingKey: db, port: 1, allow: [east, "a b"]}'), 'probes[0].allow[1]', /name "a b"/)
  fails(() => PROBE.fromBody({ routingKey: 'db', port: 1, allow: ['east', 'a b'] }), 'allow[1]', /name "a b"/)
  fails(() => PROBE.fromFlag('db=:1,allow=east,allow=a b'), '--probe allow[1]', /name "a b"/)
})

test('a boolean field: true or false in YAML and the body, the text true or false in a flag; default false', () => {
  assert.equal(yaml('{routingKey: db, port: 1, e2e: true}').e2e, true)
  assert.equal(PROBE.fromBody({ routingKey: 'db', port: 1, e2e: true }).e2e, true)
  assert.equal(PROBE.fromFlag('db=:1,e2e=true').e2e, true)
  assert.equal(PROBE.fromFlag('db=:1,e2e=false').e2e, false)
  assert.equal(PROBE.fromFlag('db=:1').e2e, false)
  fails(() => yaml('{routingKey: db, port: 1, e2e: yes please}'), 'probes[0].e2e', /must be true or false, got "yes please"/)
  fails(() => PROBE.fromBody({ routingKey: 'db', port: 1, e2e: 1 }), 'e2e', /must be true or false, got 1/)
  fails(() => PROBE.fromFlag('db=:1,e2e=yes'), '--probe e2e', /must be true or false/)
  fails(() => PROBE.fromFlag('db=:1,e2e'), '--probe', /unknown option "e2e" \(expected allow=NAME, e2e=true\|false\)/)
})

test('on the command line, a list option repeats and a boolean option takes no value; both reach the body', () => {
  const cmd = new Command('create').exitOverride().argument('<routing-key>').argument('<port>')
  for (const { option } of createOptions(PROBE.schema)) cmd.addOption(option)
  cmd.parse(['db', '5', '--allow', 'east', '--e2e', '--allow', 'west'], { from: 'user' })
  const args = [{ syntax: '<routing-key>', field: 'routingKey' }, { syntax: '<port>', field: 'port' }]
  const body = createBody(PROBE.schema, args, cmd.args, cmd.opts())
  assert.deepEqual(body, { routingKey: 'db', port: 5, allow: ['east', 'west'], e2e: true })
  assert.deepEqual(PROBE.fromBody(body), { routingKey: 'db', host: '127.0.0.1', port: 5, allow: ['east', 'west'], e2e: true })

  const bare = new Command('create').exitOverride().argument('<routing-key>').argument('<port>')
  for (const { option } of createOptions(PROBE.schema)) bare.addOption(option)
  bare.parse(['db', '5'], { from: 'user' })
  assert.deepEqual(createBody(PROBE.schema, args, bare.args, bare.opts()), { routingKey: 'db', port: 5 })
})

test('the generator registers create, delete and status with the schema\'s options and their defaults in the help', () => {
  const program = new Command().exitOverride()
  addResourceCommands(program, [{
    name: 'probe',
    description: 'probes',
    plural: 'probes',
    schema: PROBE.schema,
    create: { description: 'make a probe', args: [{ syntax: '<routing-key>', field: 'routingKey' }, { syntax: '<port>', field: 'port' }], printCreated: (r) => r.name },
    delete: { arg: '<name>', description: 'remove a probe' },
    status: { description: 'probes here', format: () => '' }
  }])
  const probe = program.commands.find(c => c.name() === 'probe')
  assert.deepEqual(probe?.commands.map(c => c.name()), ['create', 'delete', 'status'])
  const help = probe?.commands[0].helpInformation() ?? ''
  assert.match(help, /Usage: {2}?.*create \[options\] <routing-key> <port>/)
  assert.match(help, /--allow <site>\s+a site that may connect\n/)
  assert.match(help, /--e2e\s+encrypt end to end \(default: false\)\n/)
  assert.match(help, /--api <host:port>/)
})
