import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatMeshFlows } from '../../src/cli/flows.js'
import { printable, table } from '../../src/cli/status.js'

// What a hostile member can put in its site name (any text of at most 63 characters from the wire).
const HOSTILE = 'east\u001b[2J\u001b]0;owned\u0007\u202egnp.exe'
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

test('text from the network reaches the terminal with its control characters written out', () => {
  assert.equal(printable('plain site-name_1.2'), 'plain site-name_1.2')
  assert.equal(printable('a\u001bb\u0007c\u202ed\u009be'), 'a\\u{1b}b\\u{7}c\\u{202e}d\\u{9b}e')
  const out = table(['SITE', 'STATE'], [[HOSTILE, 'up']])
  assert.equal(CONTROL.test(out.replace(/\n/g, '')), false, out)
  assert.match(out, /east\\u\{1b\}\[2J/)
})

test('flows --mesh: a hostile site name in the rows and in the sites-asked lines stays inert', () => {
  const out = formatMeshFlows({
    flows: [{ side: 'destination', connectionId: 1, start: '2026-12-02T00:00:00.000Z', end: '2026-12-02T00:00:01.000Z', durationMs: 1000, key: 'db', ingressSite: HOSTILE, ingressPeer: '', targetSite: 'west', bytesIn: 1, bytesOut: 2, result: 'closed', reportedBy: HOSTILE }],
    pairs: [],
    sites: [{ site: HOSTILE, peerId: '', state: 'refused', message: `${HOSTILE} does not share`, records: 0, truncated: false }]
  })
  assert.equal(CONTROL.test(out.replace(/\n/g, '')), false, out)
})
