import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { HEAP_GROWING_PERCENT } from '../../src/gc-tuning.js'

const MODULE = fileURLToPath(new URL('../../src/gc-tuning.js', import.meta.url))

/**
 * A real V8 in a child process, in the state that starved the routers: a live
 * heap that promotes almost nothing between full collections, so V8 derives a
 * small growing factor. V8 weighs the program's promotion over its last 5 s,
 * so the child keeps collecting for 6 s after building its heap: the factor
 * then no longer depends on how fast this machine built it. Answers the
 * factor V8 applied to the old generation's limit after its last full
 * collection, as its own trace prints it ("[HeapController] Limit: old size:
 * … KB, new limit: … KB (factor)").
 */
function appliedFactor (options: { tune: boolean, nodeArgs?: string[] }): number {
  const script = `
    const { tuneGarbageCollector } = await import(${JSON.stringify(MODULE)})
    if (${String(options.tune)}) tuneGarbageCollector()
    globalThis.live = []
    for (let i = 0; i < 100_000; i++) globalThis.live.push({ i, a: [i] })
    for (let k = 0; k < 30; k++) {
      globalThis.gc()
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    globalThis.gc()
  `
  const r = spawnSync(process.execPath, ['--expose-gc', '--trace-gc-verbose', ...(options.nodeArgs ?? []), '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
  assert.equal(r.status, 0, r.stderr)
  const limits = [...r.stdout.matchAll(/\[HeapController\] Limit: old size: \d+ KB, new limit: \d+ KB \(([\d.]+)\)/g)]
  assert.ok(limits.length > 0, `V8 printed no old-generation limit: ${r.stdout.slice(0, 300)}`)
  return Number(limits[limits.length - 1][1])
}

test(`gc-tuning: V8 sets the old generation's limit at ${1 + HEAP_GROWING_PERCENT / 100} × live after a full collection`, () => {
  assert.equal(appliedFactor({ tune: true }), 1 + HEAP_GROWING_PERCENT / 100)
})

test('gc-tuning: without it, a heap that promotes little gets a smaller factor (what the tuning is for)', () => {
  assert.ok(appliedFactor({ tune: false }) < 2, 'V8 now grows a quiet heap by 2× or more on its own: the tuning may no longer be needed')
})

test('gc-tuning: an operator\'s own --heap-growing-percent on node\'s command line is kept', () => {
  assert.equal(appliedFactor({ tune: true, nodeArgs: ['--heap-growing-percent=50'] }), 1.5)
})
