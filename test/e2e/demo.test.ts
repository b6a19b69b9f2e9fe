import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const DEMO = resolve(fileURLToPath(import.meta.url), '../../../scripts/demo.js')

test('npm run demo: balances across east and north, fails over to north, takes east back', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO, '--duration', '0'], {
    timeout: 90_000,
    env: { ...process.env, PORTMESH_DEMO_PORT: '27400' }
  })
  const lines = stdout.split('\n')
  const answered = lines.filter(l => l.includes('answered by'))
  assert.equal(answered.length, 3, stdout)
  assert.match(answered[0], /east: \d+/)
  assert.match(answered[0], /north: \d+/)
  assert.match(answered[1], /answered by north: 10$/)
  assert.match(answered[2], /east: \d+/)
  assert.match(stdout, /The mesh is running/)
})
