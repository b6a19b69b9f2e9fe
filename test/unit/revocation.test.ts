import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ResourceError } from '../../src/api/types.js'
import { resolveRevokeTarget, type KnownPeer } from '../../src/router/revocation.js'

const SELF = '12D3KooWAHqjn99nPfA36SHsTCobYvoj69L68sCdtKBCfvSyDFDg'
const EAST = '12D3KooWMQaqe9rpMWaazmkXuv7jNA4okjPMXtGj8V5A5HHaVyhu'
const OTHER = '12D3KooWHcfms86D5VGh9cXn8D2mt4jqqToBBmq2XJHJSPsVvUHC'
const self = { peerId: SELF, site: 'west' }

function refused (fn: () => unknown, status: number, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof ResourceError && err.status === status && pattern.test(err.message))
}

test('revoke target: a site name resolves through authorized-peers, the mesh and open links; a peer id as it is', () => {
  const known: KnownPeer[] = [
    { peerId: EAST, site: 'east', source: 'authorized-peers' },
    { peerId: EAST, site: 'east', source: 'mesh' },
    { peerId: OTHER, site: 'north', source: 'mesh' }
  ]
  const none = (): boolean => false
  assert.deepEqual(resolveRevokeTarget('east', self, known, none), { peerId: EAST, site: 'east' })
  assert.deepEqual(resolveRevokeTarget(` ${OTHER} `, self, known, none), { peerId: OTHER, site: 'north' })
  assert.deepEqual(resolveRevokeTarget(OTHER, self, [], none), { peerId: OTHER, site: '-' }, 'a peer id never seen is revoked ahead of time')

  // A newcomer that borrowed the name "east" makes it ambiguous: both candidates are named.
  const borrowed = [...known, { peerId: OTHER, site: 'east', source: 'link' }]
  refused(() => resolveRevokeTarget('east', self, borrowed, none), 400, new RegExp(`ambiguous.*${EAST} \\(authorized-peers, mesh\\); ${OTHER} \\(link\\).*peer id`))
  // …unless one of them is revoked already: the name means the live one.
  assert.deepEqual(resolveRevokeTarget('east', self, borrowed, (p) => p === EAST), { peerId: OTHER, site: 'east' })

  refused(() => resolveRevokeTarget('south', self, known, none), 404, /no site named south is known here; known sites: east \(12D3KooW…/)
  refused(() => resolveRevokeTarget('south', self, [], none), 404, /knows no other site/)
  refused(() => resolveRevokeTarget('west', self, known, none), 400, /own name/)
  refused(() => resolveRevokeTarget(SELF, self, known, none), 400, /own peer id/)
  refused(() => resolveRevokeTarget('  ', self, known, none), 400, /name a site/)
})
