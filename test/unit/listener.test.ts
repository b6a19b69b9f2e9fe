import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { LISTEN_BACKLOG, Listener } from '../../src/edge/listener.js'

/** The accept queue length the kernel gives a listening socket: `ss` shows it as Send-Q. */
function kernelBacklog (port: number): number | undefined {
  let out: string
  try {
    out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' })
  } catch {
    return undefined
  }
  const fields = out.trim().split(/\s+/)
  return fields.length >= 3 ? Number(fields[2]) : undefined
}

test('a listener asks the kernel for a deep accept queue, so a burst of clients waits there instead of retrying SYNs', async (t) => {
  const listener = new Listener({ routingKey: 'svc', host: '127.0.0.1', port: 0, maxConnections: 16384, trust: [] }, (socket) => { socket.destroy() })
  await listener.start()
  t.after(() => { listener.close() })
  const backlog = kernelBacklog(listener.boundPort)
  if (backlog === undefined) {
    t.skip('ss (iproute2) is not available')
    return
  }
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))
  // Node's default is 511; the kernel caps whatever is asked at somaxconn (4096 on current kernels).
  assert.equal(backlog, Math.min(LISTEN_BACKLOG, somaxconn))
})
