/**
 * The reference C router for the bench: three skupper-router processes
 * (skrouterd) chained SA – SB – SC on 127.0.0.1, configured as Skupper deploys
 * them (interior routers, mutual-TLS inter-router links authenticated with
 * SASL EXTERNAL). The bench never builds or installs skrouterd: the caller
 * passes the path of one built as shared/anchors/skupper-router.md says.
 *
 * SC holds one tcpConnector per backend; SB (one hop) and SA (two hops) hold
 * one tcpListener per backend, all with the backend's name as address. The CA,
 * certificates, configs and router logs live in a temp dir that stop() removes.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../test/helpers/site.js'

export interface SkupperChain {
  /** Backend name -> port of its tcpListener at SB (SB → SC). */
  oneHop: Record<string, number>
  /** Backend name -> port of its tcpListener at SA (SA → SB → SC). */
  twoHops: Record<string, number>
  pids: { SA: number, SB: number, SC: number }
  stop: () => Promise<void>
}

type RouterId = 'SA' | 'SB' | 'SC'
const ROUTERS: RouterId[] = ['SA', 'SB', 'SC']

/** The internal backend that readiness is checked through; no caller's backend may take its name. */
const PROBE = 'portmesh-probe'
/** Route convergence took 6–8 s here; 30 s leaves room for a loaded machine. */
const READY_TIMEOUT_MS = 30_000
const POLL_MS = 100
const KILL_GRACE_MS = 2_000

const execFileAsync = promisify(execFile)

interface Router { id: RouterId, proc: ChildProcess, log: string, exited: Promise<void>, exit?: string }

/**
 * Starts the chain and resolves once a random payload echoes byte-exact
 * through the probe listeners at SB and SA and every listener accepts
 * connections (skrouterd opens a tcpListener's socket only once its address
 * has a consumer, i.e. after the routes converged). That last check opens one
 * empty connection per listener, which skrouterd carries to its backend
 * (iperf3 -s logs an error for it and goes on serving); the inter-router
 * listeners' logs likewise show one connection without a protocol header.
 */
export async function startSkupperChain (skrouterd: string, backends: Record<string, number>, opts: { workerThreads?: number } = {}): Promise<SkupperChain> {
  for (const name of Object.keys(backends)) {
    // Names go unquoted into the config file, as entity names and addresses.
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`backend name not usable as a skrouterd address: ${JSON.stringify(name)}`)
    if (name === PROBE) throw new Error(`backend name ${PROBE} is reserved for the readiness probe`)
  }
  const workerThreads = opts.workerThreads ?? 2
  const probe = await probeEchoServer()
  const dir = mkdtempSync(join(tmpdir(), 'portmesh-bench-skrouter-'))
  const routers: Router[] = []
  // A caller that exits without stop() must not leave routers behind; the probe server goes with this process.
  const onExit = (): void => {
    for (const r of routers) if (r.exit === undefined) r.proc.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.on('exit', onExit)

  let stopped: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopped ??= (async () => {
      await Promise.all(routers.map(async r => await stopRouter(r)))
      process.off('exit', onExit)
      await probe.close()
      rmSync(dir, { recursive: true, force: true })
    })()
    await stopped
  }

  try {
    await makeCerts(dir)
    const all: Record<string, number> = { ...backends, [PROBE]: probe.port }
    const oneHop: Record<string, number> = {}
    const twoHops: Record<string, number> = {}
    for (const name of Object.keys(all)) {
      oneHop[name] = await freePort()
      twoHops[name] = await freePort()
    }
    const interRouter = { SB: await freePort(), SC: await freePort() }
    const configs: Record<RouterId, string> = {
      // SA dials SB and SB dials SC, so only SB and SC listen for routers.
      SA: routerConfig(dir, 'SA', workerThreads, [
        connectorSection('SB', interRouter.SB),
        ...Object.entries(twoHops).map(([name, port]) => tcpSection('tcpListener', name, port))
      ]),
      SB: routerConfig(dir, 'SB', workerThreads, [
        listenerSection(interRouter.SB),
        connectorSection('SC', interRouter.SC),
        ...Object.entries(oneHop).map(([name, port]) => tcpSection('tcpListener', name, port))
      ]),
      SC: routerConfig(dir, 'SC', workerThreads, [
        listenerSection(interRouter.SC),
        ...Object.entries(all).map(([name, port]) => tcpSection('tcpConnector', name, port))
      ])
    }
    // Each router starts once the one it dials listens: a connector whose
    // first attempt is refused retries only after 5 s (qd_connector.c), which
    // delayed readiness from ~8 s to ~13 s.
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (const [id, dials] of [['SC', undefined], ['SB', interRouter.SC], ['SA', interRouter.SB]] as const) {
      while (dials !== undefined && !await accepts(dials)) {
        checkAlive(routers, deadline, `the inter-router listener on port ${dials}`)
        await sleep(20)
      }
      routers.push(startRouter(skrouterd, dir, id, configs[id]))
    }

    const waitingFor = new Map<string, number>([['SB', oneHop[PROBE]], ['SA', twoHops[PROBE]]])
    while (waitingFor.size > 0) {
      checkAlive(routers, deadline, `the probe to echo through ${[...waitingFor.keys()].join(' and ')}`)
      for (const [at, port] of waitingFor) {
        if (await echoes(port, randomBytes(4096), 1_000)) waitingFor.delete(at)
      }
      if (waitingFor.size > 0) await sleep(POLL_MS)
    }
    for (const port of [...Object.values(oneHop), ...Object.values(twoHops)]) {
      while (!await accepts(port)) {
        checkAlive(routers, deadline, `port ${port} to accept connections`)
        await sleep(POLL_MS)
      }
    }

    delete oneHop[PROBE]
    delete twoHops[PROBE]
    const pid = (id: RouterId): number => routers.find(r => r.id === id)?.proc.pid as number
    return { oneHop, twoHops, pids: { SA: pid('SA'), SB: pid('SB'), SC: pid('SC') }, stop }
  } catch (err) {
    // The logs are read before stop() removes them.
    const tails = routers.map(r => `--- ${r.id} (${r.exit ?? 'running'}), last lines of its log ---\n${logTail(r.log)}`).join('\n')
    await stop()
    throw new Error(`skupper chain did not start: ${(err as Error).message}\n${tails}`, { cause: err })
  }
}

/** A throwaway CA and one RSA-2048 certificate per router, each usable as TLS server and client. */
async function makeCerts (dir: string): Promise<void> {
  // Our own openssl config, so the machine's openssl.cnf adds no extensions.
  // CN=127.0.0.1: Proton's verifyHostname matches the DNS SANs and the CN, not
  // an IP SAN; the IP SAN is there for clients that do check it.
  const cnf = join(dir, 'openssl.cnf')
  writeFileSync(cnf, [
    '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', 'CN = portmesh-bench-ca',
    '[ca]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign', 'subjectKeyIdentifier = hash',
    '[leaf]', 'basicConstraints = CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage = serverAuth,clientAuth', 'subjectAltName = IP:127.0.0.1,DNS:localhost',
    'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', ''
  ].join('\n'))
  const f = (name: string): string => join(dir, name)
  await openssl(['req', '-x509', '-config', cnf, '-extensions', 'ca', '-newkey', 'rsa:2048', '-nodes', '-days', '7',
    '-subj', '/CN=portmesh-bench-ca', '-keyout', f('ca.key'), '-out', f('ca.crt')])
  await Promise.all(ROUTERS.map(async (id) => {
    await openssl(['req', '-new', '-config', cnf, '-newkey', 'rsa:2048', '-nodes',
      '-subj', `/O=portmesh-bench/OU=${id}/CN=127.0.0.1`, '-keyout', f(`${id}.key`), '-out', f(`${id}.csr`)])
    await openssl(['x509', '-req', '-in', f(`${id}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'),
      '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '7', '-extfile', cnf, '-extensions', 'leaf', '-out', f(`${id}.crt`)])
  }))
}

async function openssl (args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args)
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed: ${(err as { stderr?: string }).stderr?.trim() ?? (err as Error).message}`, { cause: err })
  }
}

/**
 * skrouterd's conf format: `entity {` and `}` each alone on a line, one
 * `attribute: value` per line, no quotes or commas, `#` starts a comment.
 */
function section (entity: string, attributes: Record<string, string | number>): string {
  return `${entity} {\n${Object.entries(attributes).map(([k, v]) => `    ${k}: ${v}\n`).join('')}}\n`
}

function routerConfig (dir: string, id: RouterId, workerThreads: number, sections: string[]): string {
  return [
    section('router', { mode: 'interior', id, workerThreads }),
    section('sslProfile', { name: 'inter-router-tls', caCertFile: join(dir, 'ca.crt'), certFile: join(dir, `${id}.crt`), privateKeyFile: join(dir, `${id}.key`) }),
    ...sections
  ].join('\n')
}

function listenerSection (port: number): string {
  return section('listener', {
    name: 'inter-router', role: 'inter-router', host: '127.0.0.1', port, sslProfile: 'inter-router-tls',
    requireSsl: 'yes', authenticatePeer: 'yes', saslMechanisms: 'EXTERNAL'
  })
}

function connectorSection (to: RouterId, port: number): string {
  return section('connector', {
    name: `to-${to}`, role: 'inter-router', host: '127.0.0.1', port, sslProfile: 'inter-router-tls',
    verifyHostname: 'yes', saslMechanisms: 'EXTERNAL'
  })
}

function tcpSection (entity: 'tcpListener' | 'tcpConnector', address: string, port: number): string {
  return section(entity, { name: `${entity}-${address}`, host: '127.0.0.1', port, address })
}

function startRouter (skrouterd: string, dir: string, id: RouterId, config: string): Router {
  const file = join(dir, `${id}.conf`)
  const log = join(dir, `${id}.log`)
  writeFileSync(file, config)
  const fd = openSync(log, 'a')
  // Not detached: a terminal's Ctrl-C reaches the routers with the caller.
  const proc = spawn(skrouterd, ['-c', file], { stdio: ['ignore', fd, fd] })
  closeSync(fd)
  const router: Router = { id, proc, log, exited: Promise.resolve() }
  router.exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => { router.exit = signal !== null ? `killed by ${signal}` : `exited with ${code}`; resolve() })
    // Spawning failed (no such file, not executable): there is no process to wait for.
    proc.once('error', (err) => { if (proc.pid === undefined) { router.exit = `did not start: ${err.message}`; resolve() } })
  })
  return router
}

async function stopRouter (r: Router): Promise<void> {
  if (r.exit !== undefined) return
  r.proc.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const graced = await Promise.race([r.exited.then(() => true), new Promise<boolean>(resolve => { timer = setTimeout(() => resolve(false), KILL_GRACE_MS) })])
  clearTimeout(timer)
  if (!graced) {
    r.proc.kill('SIGKILL')
    await r.exited
  }
}

function checkAlive (routers: Router[], deadline: number, waitingFor: string): void {
  const gone = routers.find(r => r.exit !== undefined)
  if (gone !== undefined) throw new Error(`router ${gone.id} ${gone.exit}`)
  if (Date.now() > deadline) throw new Error(`timed out after ${READY_TIMEOUT_MS} ms waiting for ${waitingFor}`)
}

function logTail (file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log)'
  const text = readFileSync(file, 'utf8').trimEnd()
  return text === '' ? '(empty log)' : text.split('\n').slice(-lines).join('\n')
}

/** An echo server in this process, the readiness probe's backend; close() also ends its open connections. */
async function probeEchoServer (): Promise<{ port: number, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    s.pipe(s)
  })
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve) })
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** Whether the payload comes back byte-exact over one connection to the port within timeoutMs. */
async function echoes (port: number, payload: Buffer, timeoutMs: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const chunks: Buffer[] = []
    let received = 0
    let settled = false
    const s = connect(port, '127.0.0.1')
    const done = (ok: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      s.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    s.once('connect', () => s.write(payload))
    s.on('data', (d: Buffer) => {
      chunks.push(d)
      received += d.length
      if (received >= payload.length) done(Buffer.concat(chunks).equals(payload))
    })
    s.once('error', () => done(false))
    s.once('close', () => done(false))
  })
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
