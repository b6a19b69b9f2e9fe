import type { Site } from '../test/helpers/site.js'

/**
 * A router's live heap: started with `--inspect=127.0.0.1:0` (LIVE_HEAP_NODE_ARGS),
 * asked over the inspector protocol for a full collection and then for the
 * heap in use. RSS and the heap in use without a collection follow the
 * heap's growth steps and garbage, and move by several KiB per connection
 * between process pairs; this resolves a few hundred bytes per connection.
 * Needs Node's WebSocket client (node --experimental-websocket on Node 20).
 */
export const LIVE_HEAP_NODE_ARGS = ['--inspect=127.0.0.1:0']

interface Message { id?: number, result?: { usedSize?: number }, error?: { message: string } }

export async function liveHeapBytes (site: Site): Promise<number> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(site.stderr)?.[1]
  if (url === undefined) throw new Error(`${site.name} was not started with ${LIVE_HEAP_NODE_ARGS.join(' ')}`)
  const WebSocketClient = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket
  if (WebSocketClient === undefined) throw new Error('no WebSocket client: run node with --experimental-websocket')
  const ws = new WebSocketClient(url)
  const pending = new Map<number, (m: Message) => void>()
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as Message
    if (m.id !== undefined) pending.get(m.id)?.(m)
  })
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => { resolve() }, { once: true })
    ws.addEventListener('error', () => { reject(new Error(`${site.name}: cannot reach its inspector at ${url}`)) }, { once: true })
  })
  let next = 1
  const call = async (method: string): Promise<Message> => await new Promise((resolve, reject) => {
    const id = next++
    const timer = setTimeout(() => { reject(new Error(`${site.name}: no answer to ${method} in 30 s`)) }, 30_000)
    pending.set(id, (m) => { clearTimeout(timer); if (m.error !== undefined) reject(new Error(m.error.message)); else resolve(m) })
    ws.send(JSON.stringify({ id, method }))
  })
  try {
    await call('HeapProfiler.collectGarbage')
    await call('HeapProfiler.collectGarbage')
    const usage = await call('Runtime.getHeapUsage')
    const used = usage.result?.usedSize
    if (typeof used !== 'number') throw new Error(`${site.name}: Runtime.getHeapUsage answered without usedSize`)
    return used
  } finally {
    ws.close()
  }
}
