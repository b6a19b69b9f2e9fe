import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { RouterStatus } from '../../src/api/types.js'
import { waitFor } from './wait.js'

export const CLI = resolve(fileURLToPath(import.meta.url), '../../../src/cli/main.js')
const ARTIFACTS = resolve(fileURLToPath(import.meta.url), '../../../../test-artifacts')

// Children are killed when the test process exits, even after a crash.
const liveChildren = new Set<ChildProcess>()
process.on('exit', () => { for (const p of liveChildren) p.kill('SIGKILL') })

/**
 * A free TCP port on loopback, never one this process handed out before, and
 * never one the kernel hands out by itself. A port taken with listen(0) and
 * released comes from the ephemeral range, the same range every outgoing
 * connection's local port comes from: between its release and the router's
 * bind, any connect() on the host (a link dial, a test's client) may take it,
 * and the router then exits with "address already in use". (CI saw that once:
 * a site exited 1 before it was ready.) So the port is drawn from below the
 * ephemeral range, where neither connect() nor listen(0) ever lands, and
 * checked free by binding it.
 */
const handedOut = new Set<number>()

let testPorts: [number, number] | undefined

export async function freePort (): Promise<number> {
  const [low, high] = testPorts ??= portsOutsideEphemeralRange()
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1))
    if (handedOut.has(port) || !await bindsOnLoopback(port)) continue
    handedOut.add(port)
    return port
  }
  throw new Error(`no free loopback port in ${low}-${high} that was not handed out before, in 100 tries`)
}

/** Ports below the kernel's ephemeral range (ip_local_port_range), at most 12,000 of them, above the well-known ones. */
function portsOutsideEphemeralRange (): [number, number] {
  let ephemeralLow = 32768
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
  } catch { /* not Linux: assume the usual 32768 */ }
  const high = ephemeralLow - 1
  if (high < 2048) throw new Error(`the ephemeral port range starts at ${ephemeralLow}: no room below it for test ports`)
  return [Math.max(1024, high - 12_000), high]
}

/**
 * `n` consecutive free ports, as freePort() draws them: a site with workers
 * listens on its port and the n - 1 after it (each worker on port + i).
 */
export async function freePortRange (n: number): Promise<number> {
  const [low, high] = testPorts ??= portsOutsideEphemeralRange()
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = low + Math.floor(Math.random() * (high - low - n + 2))
    const ports = Array.from({ length: n }, (_, i) => first + i)
    if (ports.some(p => handedOut.has(p))) continue
    if (!(await Promise.all(ports.map(bindsOnLoopback))).every(Boolean)) continue
    for (const p of ports) handedOut.add(p)
    return first
  }
  throw new Error(`no ${n} consecutive free loopback ports in ${low}-${high}, in 100 tries`)
}

async function bindsOnLoopback (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

export interface SiteOptions {
  /** Run inside this network namespace, listening on this address (see netns.ts). */
  netns?: { ns: string, address: string }
  links?: string[]
  connectors?: string[]
  listeners?: string[]
  args?: string[]
  /** Options for node itself, e.g. --expose-gc. */
  nodeArgs?: string[]
  /** More environment variables for the process. */
  env?: Record<string, string>
  /** Another build's CLI (dist/src/cli/main.js of another checkout), e.g. the previous release. */
  cli?: string
  /** `--workers n`: the site's port and the n - 1 after it are reserved for it. */
  workers?: number
}

/** One `portmesh run` process on loopback, with its own data dir and ports. */
export class Site {
  proc: ChildProcess | undefined
  peerId = ''
  apiUrl = ''
  exitCode: number | null = null
  /** Everything the process wrote to stderr (the one-sentence errors). */
  stderr = ''
  /** The last MiB of its stdout (summary and JSON log lines). */
  stdout = ''
  private exited: Promise<void> = Promise.resolve()

  private constructor (readonly name: string, readonly dataDir: string, readonly port: number, private readonly options: SiteOptions) {}

  /** The address other sites link to. */
  get address (): string {
    return `/ip4/${this.options.netns?.address ?? '127.0.0.1'}/tcp/${this.port}`
  }

  /** The host other processes reach this site's API and listeners at. */
  get host (): string {
    return this.options.netns?.address ?? '127.0.0.1'
  }

  static async start (mesh: Mesh, name: string, options: SiteOptions = {}): Promise<Site> {
    const port = options.netns !== undefined ? 7070 : (options.workers ?? 1) > 1 ? await freePortRange(options.workers ?? 1) : await freePort()
    const site = new Site(name, join(mesh.dir, name), port, options)
    mesh.sites.push(site)
    await site.launch()
    return site
  }

  async launch (): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true })
    // In a namespace the API must be reachable from outside it: it binds the
    // host's address, which needs a bearer token.
    const api = this.options.netns !== undefined ? [`${this.host}:7071`, '--api-token', this.apiTokenFile()] : ['127.0.0.1:0']
    const args = [this.options.cli ?? CLI, 'run', '--site', this.name, '--data-dir', this.dataDir,
      '--listen', this.address, '--advertise', this.address, '--api', ...api, '--log-format', 'json', '--log-level', 'debug',
      ...(this.options.links ?? []).flatMap(l => ['--link', l]),
      ...(this.options.connectors ?? []).flatMap(c => ['--connector', c]),
      ...(this.options.listeners ?? []).flatMap(l => ['--listener', l]),
      ...(this.options.workers !== undefined ? ['--workers', String(this.options.workers)] : []),
      ...(this.options.args ?? [])]
    const proc = this.options.netns !== undefined
      ? spawn('ip', ['netns', 'exec', this.options.netns.ns, process.execPath, ...(this.options.nodeArgs ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.options.env } })
      : spawn(process.execPath, [...(this.options.nodeArgs ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.options.env } })
    this.proc = proc
    this.exitCode = null
    liveChildren.add(proc)
    proc.once('exit', () => liveChildren.delete(proc))
    const log = createWriteStream(join(ARTIFACTS, `${this.name}-${this.port}.log`), { flags: 'a' })
    proc.stderr?.on('data', (d: Buffer) => { this.stderr += d.toString(); log.write(d) })
    this.exited = new Promise((resolve) => proc.once('exit', (code) => { this.exitCode = code; resolve() }))
    let out = ''
    const ready = new Promise<void>((resolve, reject) => {
      proc.stdout?.on('data', (d: Buffer) => {
        log.write(d)
        this.stdout = (this.stdout + d.toString()).slice(-1024 * 1024)
        if (this.apiUrl !== '') return
        out += d.toString()
        const id = /peer id\s+(\S+)/.exec(out)
        const api = /api\s+(http:\/\/\S+)/.exec(out)
        if (id !== null && api !== null) {
          this.peerId = id[1]
          this.apiUrl = api[1]
          resolve()
        }
      })
      proc.once('close', (code) => reject(new Error(`site ${this.name} exited with ${code} before it was ready: ${this.stderr.trim()}${out === '' ? '' : ` (stdout: ${out})`}`)))
    })
    this.apiUrl = ''
    await Promise.race([ready, new Promise((_resolve, reject) => setTimeout(() => reject(new Error(`site ${this.name} not ready in 20 s`)), 20_000).unref())])
  }

  private apiTokenFile (): string {
    const file = join(this.dataDir + '.api-token')
    writeFileSync(file, `${this.apiToken}\n`, { mode: 0o600 })
    return file
  }

  private readonly apiToken = 'portmesh-test-api-token-0123456789'

  /**
   * The admin API credential, as the owner's CLI finds it: the namespace
   * site's token file, a file given with --api-token in `args`, else the
   * `api-token` the router created in its data dir.
   */
  get apiCredential (): string {
    if (this.options.netns !== undefined) return this.apiToken
    const args = this.options.args ?? []
    const flag = args.lastIndexOf('--api-token')
    const file = flag >= 0 ? args[flag + 1] : join(this.dataDir, 'api-token')
    return readFileSync(file, 'utf8').split('\n')[0].trim()
  }

  /** Headers for the admin API: the owner's bearer credential (every change needs it; off loopback, every read too). */
  get apiHeaders (): Record<string, string> {
    // A build of an earlier release (options.cli) has no credential: its API takes none on loopback.
    if (this.options.cli !== undefined && !existsSync(join(this.dataDir, 'api-token'))) return {}
    return { authorization: `Bearer ${this.apiCredential}` }
  }

  /**
   * One admin API call as the owner makes it (with the credential). A string
   * body is sent as it is (to test bad JSON); anything else as JSON.
   */
  async api (method: string, path: string, body?: unknown): Promise<Response> {
    return await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { ...this.apiHeaders, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(5000)
    })
  }

  /** A join token from this site, for another site's --link. */
  async token (uses = 1, expiresInSeconds = 600): Promise<string> {
    const res = await this.api('POST', '/v1/tokens', { uses, expiresInSeconds })
    if (res.status !== 201) throw new Error(`${this.name}: token issue answered ${res.status}: ${await res.text()}`)
    return (await res.json() as { token: string }).token
  }

  /** One sample of this site's /metrics, by its name with labels exactly as exposed (`name{a="x",b="y"}`); undefined when absent. */
  async metric (series: string): Promise<number | undefined> {
    const text = await (await this.api('GET', '/metrics')).text()
    const line = text.split('\n').find(l => l.startsWith(series + ' '))
    return line === undefined ? undefined : Number(line.slice(series.length + 1))
  }

  async status (): Promise<RouterStatus> {
    return await (await this.api('GET', '/v1/status')).json() as RouterStatus
  }

  get running (): boolean {
    return this.proc !== undefined && this.exitCode === null && this.proc.signalCode === null
  }

  signal (sig: NodeJS.Signals): void {
    if (this.running) this.proc?.kill(sig)
  }

  /** kill -9: no goodbye, the kernel closes its sockets. */
  async kill (): Promise<void> {
    this.signal('SIGCONT')
    this.signal('SIGKILL')
    await this.exited
  }

  /** SIGTERM and wait for the exit; returns the exit code. */
  async stop (): Promise<number | null> {
    this.signal('SIGCONT')
    this.signal('SIGTERM')
    await this.exited
    return this.exitCode
  }

  async restart (): Promise<void> {
    if (this.running) await this.stop()
    await this.launch()
  }

  /** Waits until this site's routing table says `pred`. */
  async waitStatus (what: string, pred: (s: RouterStatus) => boolean, timeoutMs = 15_000): Promise<RouterStatus> {
    return await waitFor(`${this.name}: ${what}`, async () => {
      const s = await this.status()
      return pred(s) ? s : undefined
    }, timeoutMs)
  }

  /** Waits until `key` has exactly the target sites `sites` (in any order). */
  async waitTargets (key: string, sites: string[], timeoutMs = 15_000): Promise<RouterStatus> {
    const want = [...sites].sort().join(',')
    return await this.waitStatus(`targets of ${key} = [${want}]`, (s) =>
      (s.services.find(x => x.routingKey === key)?.targets.map(t => t.site).sort().join(',') ?? '') === want, timeoutMs)
  }

  listenerPort (key: string, status: RouterStatus): number {
    const l = status.listeners.find(x => x.routingKey === key)
    if (l === undefined) throw new Error(`${this.name} has no listener for ${key}`)
    return l.port
  }
}

/** Writes a config file for one site into the mesh's directory; returns the flags that load it. */
export function configArgs (mesh: Mesh, name: string, yaml: string): string[] {
  const path = join(mesh.dir, `${name}.yaml`)
  writeFileSync(path, yaml)
  return ['--config', path]
}

/** Every site a test started, torn down in `stop` even when the test failed. */
export class Mesh {
  readonly sites: Site[] = []
  readonly dir = mkdtempSync(join(tmpdir(), 'portmesh-test-'))
  private readonly cleanups: Array<() => Promise<void> | void> = []

  onStop (fn: () => Promise<void> | void): void {
    this.cleanups.push(fn)
  }

  async stop (): Promise<void> {
    await Promise.all(this.sites.map(async s => await s.kill()))
    for (const fn of this.cleanups.reverse()) await fn()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
