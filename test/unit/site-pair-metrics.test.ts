import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LabelSetCap, OTHER_LABEL } from '../../src/api/metrics.js'

test('site-pair labels: the first sets keep their labels, later ones fold into _other and are counted', () => {
  const cap = new LabelSetCap(2)
  assert.deepEqual(cap.labels('west', 'east', 'db'), { source_site: 'west', destination_site: 'east', routing_key: 'db' })
  assert.deepEqual(cap.labels('west', 'north', 'db'), { source_site: 'west', destination_site: 'north', routing_key: 'db' })
  const other = { source_site: OTHER_LABEL, destination_site: OTHER_LABEL, routing_key: OTHER_LABEL }
  assert.deepEqual(cap.labels('west', 'south', 'db'), other)
  assert.deepEqual(cap.labels('west', 'east', 'web'), other)
  // A set admitted before the cap keeps its labels for good.
  assert.deepEqual(cap.labels('west', 'east', 'db'), { source_site: 'west', destination_site: 'east', routing_key: 'db' })
  assert.equal(cap.folded, 2)
})
