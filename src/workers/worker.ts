/**
 * A worker process of a site (`workers` in the config): forked by the router
 * (router/workers.ts), told everything over the IPC channel (protocol.ts),
 * carrying tunnels in a WorkerSite. It exits when its router says stop, or
 * when the channel closes (the router is gone).
 */
import '../polyfill.js'
import type { Socket } from 'node:net'
import { createLogger, type LogFormat } from '../log.js'
import { WorkerSite } from './worker-site.js'
import { tuneGarbageCollector } from '../gc-tuning.js'
import type { FromWorker, InitMessage, ToWorker } from './protocol.js'

function send (msg: FromWorker): void {
  if (process.connected) process.send?.(msg)
}

let site: WorkerSite | undefined
const early: Array<[ToWorker, unknown]> = []

async function start (init: InitMessage): Promise<void> {
  tuneGarbageCollector()
  const log = createLogger(init.logLevel, process.env.PORTMESH_LOG_FORMAT as LogFormat | undefined).child({ worker: init.index })
  const s = new WorkerSite(init, log, send)
  try {
    const addrs = await s.start()
    site = s
    send({ t: 'ready', addrs })
    for (const [msg, handle] of early.splice(0)) dispatch(msg, handle)
  } catch (err) {
    const message = (err as Error).message
    // libp2p wraps the listen error in a paragraph of its own: say it in one sentence.
    send({ t: 'fatal', message: /EADDRINUSE/.test(message) || (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `cannot listen on ${init.listen.join(', ')}: address already in use (a site's workers listen on its listen ports + 1, + 2, ...)` : message.split('\n')[0] })
    process.exit(1)
  }
}

function dispatch (msg: ToWorker, handle: unknown): void {
  if (msg.t === 'init') {
    void start(msg)
    return
  }
  if (site === undefined) {
    early.push([msg, handle])
    return
  }
  if (msg.t === 'client') site.onClient(msg, handle as Socket)
  else if (msg.t === 'stop') void site.stop(msg.drainMs).finally(exitSoon)
  else site.onMessage(msg)
}

process.on('message', (msg: ToWorker, handle: unknown) => { dispatch(msg, handle) })
// A stop is the router's to order: Ctrl-C reaches the whole process group, and the router drains its workers.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => {})
process.on('disconnect', () => { process.exit(0) })

/** Once stopped: the last message's callback says everything before it reached the channel; then the process ends. */
function exitSoon (): void {
  if (!process.connected || process.send === undefined) process.exit(0)
  process.send({ t: 'stopped' } satisfies FromWorker, undefined, {}, () => process.exit(0))
  setTimeout(() => process.exit(0), 1000).unref()
}
