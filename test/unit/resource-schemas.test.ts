import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildConfig, type FlagSettings } from '../../src/config/config.js'
import { ConfigError } from '../../src/config/errors.js'
import { CONNECTOR, LINK, LISTENER } from '../../src/config/resource-schemas.js'
import type { Resource } from '../../src/config/schema.js'

/**
 * One table drives all three ways a resource is given: a YAML item, a `run`
 * flag and an admin API body. For each row the three must agree: the same
 * config, or the same reason with each naming the field its own way. How each
 * source spells a resource is written out here by hand, not taken from the
 * schema under test.
 */

type Values = Record<string, string | undefined>

interface Spelling {
  section: 'listeners' | 'connectors' | 'links'
  resource: Resource<unknown>
  /** A valid resource; a row replaces one of its fields. */
  base: Values
  /** The YAML item's key for a field, when not the field's own. */
  fileKey?: Record<string, string>
  /** The flag text, or undefined when these values cannot be written as a flag. */
  flag: (v: Values) => string | undefined
  /** The field a flag error names. */
  flagWhere: (field: string) => string
}

/** HOST:PORT; a flag cannot hold a port that is not digits (that is a syntax error there). */
const hostPort = (v: Values): string | undefined => v.port === undefined || !/^\d+$/.test(v.port) ? undefined : `${v.host?.includes(':') === true ? `[${v.host}]` : v.host ?? ''}:${v.port}`
const opt = (name: string, value: string | undefined): string => value === undefined ? '' : `,${name}=${value}`

const SPELLINGS: Record<'listener' | 'connector' | 'link', Spelling> = {
  listener: {
    section: 'listeners',
    resource: LISTENER,
    base: { routingKey: 'db', port: '15432' },
    flag: (v) => v.name !== undefined || hostPort(v) === undefined ? undefined : `${v.routingKey ?? ''}=${hostPort(v) ?? ''}${opt('max', v.maxConnections)}`,
    flagWhere: (f) => f === 'maxConnections' ? '--listener max' : '--listener'
  },
  connector: {
    section: 'connectors',
    resource: CONNECTOR,
    base: { routingKey: 'db', port: '5432' },
    flag: (v) => v.name !== undefined || hostPort(v) === undefined ? undefined : `${v.routingKey ?? ''}=${hostPort(v) ?? ''}${opt('cost', v.cost)}`,
    flagWhere: (f) => f === 'cost' ? '--connector cost' : '--connector'
  },
  link: {
    section: 'links',
    resource: LINK,
    base: { target: '/ip4/10.1.2.3/tcp/7070' },
    fileKey: { target: 'address' },
    flag: (v) => v.name !== undefined || v.target === undefined ? undefined : `${v.target}${opt('cost', v.cost)}`,
    flagWhere: (f) => f === 'cost' ? '--link cost' : '--link'
  }
}

/** As YAML or JSON would hold the text: digits as a number. */
const typed = (text: string): string | number => /^-?\d+$/.test(text) ? Number(text) : text

// [resource, field, value as typed (undefined: left out), the config value wanted or the error's reason]
const CASES: Array<[keyof typeof SPELLINGS, string, string | undefined, unknown]> = [
  ['listener', 'routingKey', 'web', 'web'],
  ['listener', 'routingKey', 'd b', /^routing key "d b" must be 1-63 letters/],
  ['listener', 'routingKey', undefined, /^a routing key is required$/],
  ['listener', 'host', undefined, '127.0.0.1'],
  ['listener', 'host', '::1', '::1'],
  ['listener', 'host', 'a/b', /^not a host name or IP address/],
  ['listener', 'port', '0', 0],
  ['listener', 'port', '70000', /^must be between 0 and 65535, got 70000$/],
  ['listener', 'port', undefined, /^a port number is required$/],
  ['listener', 'maxConnections', undefined, 16_384],
  ['listener', 'maxConnections', '10', 10],
  ['listener', 'maxConnections', '0', /^must be between 1 and 1000000, got 0$/],
  ['listener', 'maxConnections', 'x', /^must be a whole number, got "x"$/],
  ['listener', 'name', 'front', 'front'],
  ['listener', 'name', 'a b', /^name "a b" must be/],
  ['connector', 'routingKey', 'd b', /^routing key "d b"/],
  ['connector', 'host', undefined, '127.0.0.1'],
  ['connector', 'host', 'db.internal', 'db.internal'],
  ['connector', 'port', '5432', 5432],
  ['connector', 'port', '0', /^must be between 1 and 65535, got 0$/],
  ['connector', 'port', 'http', /^must be a whole number, got "http"$/],
  ['connector', 'cost', undefined, 0],
  ['connector', 'cost', '3', 3],
  ['connector', 'cost', '-1', /^must be between 0 and 1000000, got -1$/],
  ['connector', 'cost', '1000001', /^must be between 0 and 1000000/],
  ['connector', 'name', 'pg', 'pg'],
  ['link', 'target', '/ip4/10.1.2.3/tcp/7070/p2p/12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg', { address: '/ip4/10.1.2.3/tcp/7070/p2p/12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg', token: undefined }],
  ['link', 'target', '10.1.2.3:7070', /^not a multiaddr/],
  ['link', 'target', '/ip4/10.1.2.3/udp/7070', /^must be a TCP multiaddr/],
  ['link', 'target', 'portmesh-token-v1:AAAA', /^the token is damaged/],
  ['link', 'cost', undefined, 1],
  ['link', 'cost', '9999', 9999],
  ['link', 'cost', '0', /^must be between 1 and 1000000, got 0$/],
  ['link', 'name', 'east', 'east']
]

type Outcome = { config: Record<string, unknown> } | { field: string, reason: string }

function outcome (fn: () => unknown): Outcome {
  try {
    return { config: fn() as Record<string, unknown> }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { field: err.field, reason: err.reason }
  }
}

for (const [kind, field, given, want] of CASES) {
  test(`${kind} ${field} ${given === undefined ? 'left out' : JSON.stringify(given)}: the same through YAML, a flag and the API body`, () => {
    const s = SPELLINGS[kind]
    const values: Values = { ...s.base, [field]: given }
    const item = Object.fromEntries(Object.entries(values).flatMap(([k, v]) => v === undefined ? [] : [[s.fileKey?.[k] ?? k, typed(v)]]))
    const body = Object.fromEntries(Object.entries(values).flatMap(([k, v]) => v === undefined ? [] : [[k, typed(v)]]))
    const flagText = s.flag(values)

    const outcomes: Array<[string, Outcome, string]> = [
      ['YAML', outcome(() => buildConfig({ [s.section]: [item] }, {}, 'h')[s.section][0]), `${s.section}[0].${s.fileKey?.[field] ?? field}`],
      ['API body', outcome(() => s.resource.fromBody(body)), field]
    ]
    if (flagText !== undefined) {
      const flags: FlagSettings = { [s.section]: [flagText] }
      outcomes.push(['flag', outcome(() => buildConfig(undefined, flags, 'h')[s.section][0]), s.flagWhere(field)])
    }

    for (const [source, got, where] of outcomes) {
      if (want instanceof RegExp) {
        assert.ok('reason' in got, `${source}: expected an error, got ${JSON.stringify(got)}`)
        assert.equal(got.field, where, `${source} names the field`)
        assert.match(got.reason, want, source)
      } else {
        assert.ok('config' in got, `${source}: ${JSON.stringify(got)}`)
        const value = field === 'target' ? { address: got.config.address, token: got.config.token } : got.config[field]
        assert.deepEqual(value, want, source)
      }
    }
    // Beyond the field under test: every source makes the same config, or says the same reason.
    const [first, ...rest] = outcomes
    for (const [source, got] of rest) {
      assert.deepEqual('config' in got ? got.config : got.reason, 'config' in first[1] ? first[1].config : first[1].reason, `${source} agrees with ${first[0]}`)
    }
  })
}
