import { loadConfig, readApiToken } from '../config/load.js'
import { ConfigError } from '../config/errors.js'
import { loadIdentity } from '../net/identity.js'
import { createLogger, type LogFormat } from '../log.js'
import { Router } from '../router.js'
import { AdminApi } from '../api/server.js'
import { loadApiCredential, removeApiAddress, writeApiAddress } from '../api/credential.js'
import { isLoopback } from '../config/config.js'
import { resolve } from 'node:path'
import { dataDirOption } from './api-client.js'
import { pino, type Logger } from 'pino'
import { tuneGarbageCollector } from '../gc-tuning.js'

export interface RunOptions {
  config?: string
  site?: string
  dataDir?: string
  listen?: string[]
  advertise?: string[]
  api?: string
  apiToken?: string
  link?: string[]
  connector?: string[]
  listener?: string[]
  livenessTimeout?: string
  logLevel?: string
  logFormat?: LogFormat
  flowRing?: string
  flowReader?: string[]
  accessLog?: string
  workers?: string
}

/** Time a stopping router gets, beyond its drain period, before the process exits regardless. */
const STOP_GRACE_MS = 5_000

export async function runCommand (opts: RunOptions): Promise<number> {
  tuneGarbageCollector()
  let config
  try {
    config = await loadConfig(opts.config, {
      site: opts.site,
      dataDir: dataDirOption(opts.dataDir),
      listen: opts.listen,
      advertise: opts.advertise,
      api: opts.api,
      apiToken: opts.apiToken === undefined ? undefined : readApiToken(opts.apiToken),
      links: opts.link,
      connectors: opts.connector,
      listeners: opts.listener,
      livenessTimeoutMs: opts.livenessTimeout,
      logLevel: opts.logLevel,
      flowRing: opts.flowRing,
      flowReaders: opts.flowReader,
      accessLog: opts.accessLog,
      workers: opts.workers
    })
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portmesh: invalid setting ${err.field}: ${err.reason}\n`)
      return 2
    }
    throw err
  }

  const log = createLogger(config.logLevel, opts.logFormat)
  let identity
  try {
    identity = await loadIdentity(config.dataDir)
  } catch (err) {
    process.stderr.write(`portmesh: cannot use data dir ${config.dataDir}: ${(err as Error).message}\n`)
    return 1
  }

  // The credential: --api-token's file, else the data dir's (created on first start).
  let access
  try {
    const fromDir = config.apiToken === undefined ? await loadApiCredential(config.dataDir) : undefined
    if (fromDir?.loose === true) log.warn({ file: fromDir.path }, 'the admin API credential file is readable by other users; chmod 600 it')
    access = {
      credential: config.apiToken ?? fromDir?.credential ?? '',
      credentialFile: resolve(fromDir?.path ?? opts.apiToken ?? ''),
      credentialForReads: !isLoopback(config.api.host)
    }
  } catch (err) {
    process.stderr.write(`portmesh: cannot use data dir ${config.dataDir}: ${(err as Error).message}\n`)
    return 1
  }

  // The access log: its own destination, JSON only, nothing but `msg: 'access'` lines.
  let accessDest: ReturnType<typeof pino.destination> | undefined
  let accessLog: Logger | undefined
  if (config.accessLog !== undefined) {
    try {
      accessDest = pino.destination({ dest: config.accessLog, mkdir: true, sync: false })
      await new Promise<void>((resolve, reject) => { accessDest?.once('ready', resolve).once('error', reject) })
    } catch (err) {
      process.stderr.write(`portmesh: cannot open the access log ${config.accessLog}: ${(err as Error).message}\n`)
      return 1
    }
    accessLog = pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, accessDest)
  }

  const router = new Router(config, identity, log, accessLog)
  const api = new AdminApi(router, config.api.host, config.api.port, log, access)
  let addressWritten: string | undefined
  try {
    await router.start()
    await api.start()
    addressWritten = await writeApiAddress(config.dataDir, config.api.host, api.port)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    process.stderr.write(`portmesh: cannot start: ${e.code === 'EADDRINUSE' ? `address already in use (${e.message.replace(/^.*EADDRINUSE:?\s*/, '')})` : e.message}\n`)
    await router.stop().catch(() => {})
    await api.stop().catch(() => {})
    return 1
  }

  const lines = [
    `portmesh site ${config.site}`,
    `  peer id  ${router.selfId}`,
    ...router.addresses.map(a => `  address  ${a}`),
    `  api      ${api.url}`,
    ''
  ]
  process.stdout.write(lines.join('\n'))
  log.info({ site: config.site, peerId: router.selfId, epoch: identity.epoch, links: config.links.length, connectors: config.connectors.length, listeners: config.listeners.length }, 'router started')

  return await new Promise<number>((resolve) => {
    let stopping = false
    const stop = (signal: string): void => {
      if (stopping) {
        process.exit(130)
      }
      stopping = true
      log.info({ signal }, 'stopping')
      const deadline = setTimeout(() => {
        log.warn('stop took too long; exiting')
        process.exit(1)
      }, config.timers.drainMs + STOP_GRACE_MS)
      deadline.unref()
      void Promise.allSettled([router.stop(), api.stop()]).then(async () => {
        if (addressWritten !== undefined) await removeApiAddress(config.dataDir, addressWritten)
        accessDest?.flushSync()
        clearTimeout(deadline)
        resolve(0)
      })
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
    // Leak checks (npm run soak): with node --expose-gc, SIGUSR2 runs a full
    // collection, so heap in use afterwards is live data, not garbage.
    const gc = (globalThis as { gc?: () => void }).gc
    if (gc !== undefined) process.on('SIGUSR2', () => gc())
  })
}
