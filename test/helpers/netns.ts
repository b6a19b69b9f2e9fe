import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A test bed of separate hosts on this machine: one network namespace per
 * site, each with one cable into a bridge that this bed creates (a veth pair,
 * or for an impaired host two TAP devices joined by impair.py), addresses in
 * 10.213.N.0/24 that exist only on that bridge. Faults are made on the bed
 * (cut a host's cable, split the bridge in two, delay and lose frames on a
 * host's cable). Everything is removed in destroy(), also when the test
 * process exits on a failure.
 */
export const netnsAvailable = ((): boolean => {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

/** Impaired cables also need python3 (standard library only) and /dev/net/tun. */
export const impairAvailable = netnsAvailable && ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import os; os.close(os.open("/dev/net/tun", os.O_RDWR))'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const liveBeds = new Set<NetnsBed>()
process.on('exit', () => { for (const bed of liveBeds) bed.destroy() })
// Ctrl-C or a killed test run must not leave namespaces or bridges behind.
// (process.exit runs every 'exit' handler: this one and the one that kills the sites.)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130))
}

function ip (...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

/** test/helpers/impair.py, next to this file's source (this file runs from dist/). */
const IMPAIR_PY = resolve(fileURLToPath(import.meta.url), '../../../../test/helpers/impair.py')

/**
 * What an impaired cable does to every Ethernet frame, in each direction
 * independently (as netem on both ends would): drop it with lossPercent %,
 * else deliver it delayMs (± jitterMs, uniform) later.
 */
export interface Impairment {
  delayMs?: number
  lossPercent?: number
  jitterMs?: number
}

/** Counters of one impaired cable: frames each way, how many were dropped. */
export interface ImpairStats {
  delayMs: number
  lossPercent: number
  jitterMs: number
  queued: number
  writeErrors: number
  /** From the host to the bridge. */
  a_to_b: { frames: number, lost: number, overLimit: number }
  /** From the bridge to the host. */
  b_to_a: { frames: number, lost: number, overLimit: number }
}

export interface BedOptions {
  /**
   * Hosts whose cable is a pair of TAP devices joined by impair.py instead of
   * a veth pair: real frames, real TCP loss and retransmission, with a delay
   * and a loss that impair() changes at any time. (This kernel has no netem.)
   */
  impaired?: Record<string, Impairment>
}

/** The impair.py process behind one host's cable, answering one command per line. */
class Impairer {
  private buffered = ''
  private readonly waiting: Array<{ resolve: (line: string) => void, reject: (err: Error) => void }> = []
  stderr = ''
  private exited = false

  constructor (readonly proc: ChildProcess) {
    proc.stdout?.setEncoding('utf8')
    proc.stdout?.on('data', (d: string) => {
      this.buffered += d
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, nl)
        this.buffered = this.buffered.slice(nl + 1)
        this.waiting.shift()?.resolve(line)
      }
    })
    proc.stderr?.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4096) })
    proc.stdin?.on('error', () => {})
    proc.once('exit', (code, signal) => {
      this.exited = true
      const err = new Error(`impair.py exited (${code ?? signal}): ${this.stderr.trim()}`)
      for (const w of this.waiting.splice(0)) w.reject(err)
    })
  }

  /** The next line it prints (its answer to the command just sent, or "ready"). */
  async line (timeoutMs = 10_000): Promise<string> {
    if (this.exited) throw new Error(`impair.py is not running: ${this.stderr.trim()}`)
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`impair.py did not answer in ${timeoutMs} ms`)), timeoutMs)
      this.waiting.push({
        resolve: (l) => { clearTimeout(timer); resolve(l) },
        reject: (e) => { clearTimeout(timer); reject(e) }
      })
    })
  }

  async command (cmd: string): Promise<string> {
    const answer = this.line()
    this.proc.stdin?.write(`${cmd}\n`)
    return await answer
  }

  kill (): void {
    if (!this.exited) this.proc.kill('SIGTERM')
    this.proc.stdin?.destroy()
  }
}

export interface Host {
  name: string
  ns: string
  address: string
  /** The veth end on the bridge side: taking it down cuts the host off. */
  port: string
}

export class NetnsBed {
  readonly hosts = new Map<string, Host>()
  private readonly id = randomBytes(2).toString('hex')
  private readonly bridge = `pmbr${this.id}`
  private readonly subnet = 10 + (parseInt(this.id, 16) % 200)
  private readonly impairers = new Map<string, Impairer>()
  private readonly processes = new Set<ChildProcess>()
  private destroyed = false

  /** A bed whose hosts all have plain (veth) cables. */
  constructor (names: string[], impaired: Record<string, Impairment> = {}) {
    liveBeds.add(this)
    try {
      ip('link', 'add', this.bridge, 'type', 'bridge')
      ip('addr', 'add', `10.213.${this.subnet}.254/24`, 'dev', this.bridge)
      ip('link', 'set', this.bridge, 'up')
      names.forEach((name, i) => {
        const ns = `pm${this.id}-${name}`.slice(0, 15)
        const port = `pm${this.id}p${i}`
        const address = `10.213.${this.subnet}.${i + 1}`
        ip('netns', 'add', ns)
        this.hosts.set(name, { name, ns, address, port })
        // Impaired cables are plugged in by create(): their devices come from impair.py.
        if (name in impaired) return
        ip('link', 'add', port, 'type', 'veth', 'peer', 'name', `pm${this.id}h${i}`)
        this.plug(name, `pm${this.id}h${i}`)
      })
    } catch (err) {
      this.destroy()
      throw err
    }
  }

  /**
   * A bed where the hosts named in `options.impaired` get a cable through
   * impair.py (delay, loss, jitter; changeable with impair()), the others a
   * veth pair. Needs python3 (standard library only) and /dev/net/tun.
   */
  static async create (names: string[], options: BedOptions = {}): Promise<NetnsBed> {
    const impaired = options.impaired ?? {}
    for (const name of Object.keys(impaired)) if (!names.includes(name)) throw new Error(`no host ${name} on this bed`)
    const bed = new NetnsBed(names, impaired)
    try {
      for (const [name, imp] of Object.entries(impaired)) await bed.wireImpaired(name, imp)
    } catch (err) {
      bed.destroy()
      throw err
    }
    return bed
  }

  /** Moves `dev` into the host's namespace as eth0 and its bridge end (host.port) into the bridge. */
  private plug (name: string, dev: string): void {
    const { ns, address, port } = this.host(name)
    ip('link', 'set', dev, 'netns', ns)
    ip('-n', ns, 'link', 'set', dev, 'name', 'eth0')
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    ip('link', 'set', port, 'master', this.bridge)
    ip('link', 'set', port, 'up')
  }

  private async wireImpaired (name: string, imp: Impairment): Promise<void> {
    const { port } = this.host(name)
    const inner = port.replace(/p(\d+)$/, 'h$1')
    const proc = spawn('python3', [IMPAIR_PY, inner, port,
      '--delay-ms', String(imp.delayMs ?? 0), '--loss-percent', String(imp.lossPercent ?? 0), '--jitter-ms', String(imp.jitterMs ?? 0)],
    { stdio: ['pipe', 'pipe', 'pipe'] })
    const impairer = new Impairer(proc)
    this.impairers.set(name, impairer)
    const ready = await impairer.line()
    if (ready !== 'ready') throw new Error(`impair.py for ${name} said ${JSON.stringify(ready)}`)
    this.plug(name, inner)
  }

  host (name: string): Host {
    const h = this.hosts.get(name)
    if (h === undefined) throw new Error(`no host ${name} on this bed`)
    return h
  }

  /** Unplugs (or plugs back) a host's cable: no FIN, no RST, just silence. */
  cable (name: string, connected: boolean): void {
    ip('link', 'set', this.host(name).port, connected ? 'up' : 'down')
  }

  /**
   * Splits the hosts into two groups that cannot reach each other (each host
   * drops what it would send to the other group: silence, as with a cut
   * trunk), or heals the split. The test process still reaches every host.
   */
  partition (left: string[], right: string[], split: boolean): void {
    for (const [from, to] of [[left, right], [right, left]]) {
      for (const a of from) {
        for (const b of to) ip('-n', this.host(a).ns, 'route', split ? 'add' : 'del', 'blackhole', `${this.host(b).address}/32`)
      }
    }
  }

  /** Changes what a host's impaired cable does (only for hosts given in create's `impaired`). */
  async impair (name: string, imp: Impairment): Promise<void> {
    const answer = await this.impairer(name).command(`set delay=${imp.delayMs ?? 0} loss=${imp.lossPercent ?? 0} jitter=${imp.jitterMs ?? 0}`)
    if (answer !== 'ok') throw new Error(`impair.py for ${name} answered ${JSON.stringify(answer)}`)
  }

  /** Frames carried and dropped so far on a host's impaired cable. */
  async impairStats (name: string): Promise<ImpairStats> {
    return JSON.parse(await this.impairer(name).command('stats')) as ImpairStats
  }

  /**
   * Runs a command inside a host's namespace (e.g. a workload that a site's
   * connector reaches on that host's loopback). Killed in destroy().
   */
  exec (name: string, command: string, args: string[]): ChildProcess {
    const proc = spawn('ip', ['netns', 'exec', this.host(name).ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.processes.add(proc)
    proc.once('exit', () => this.processes.delete(proc))
    return proc
  }

  /** An echo server on 127.0.0.1:port inside a host (half-close aware); resolves once it listens. */
  async echoServerIn (name: string, port: number): Promise<ChildProcess> {
    const script = `require('net').createServer({ allowHalfOpen: true }, (s) => { s.on('error', () => {}); s.pipe(s) }).listen(${port}, '127.0.0.1', () => console.log('listening'))`
    const proc = this.exec(name, process.execPath, ['-e', script])
    await new Promise<void>((resolve, reject) => {
      let err = ''
      proc.stderr?.on('data', (d: Buffer) => { err += d.toString() })
      proc.stdout?.once('data', () => resolve())
      proc.once('exit', (code) => reject(new Error(`echo server in ${name} exited with ${code}: ${err}`)))
    })
    return proc
  }

  private impairer (name: string): Impairer {
    const i = this.impairers.get(name)
    if (i === undefined) throw new Error(`host ${name} has no impaired cable (give it in NetnsBed.create's impaired)`)
    return i
  }

  destroy (): void {
    if (this.destroyed) return
    this.destroyed = true
    liveBeds.delete(this)
    for (const i of this.impairers.values()) i.kill()
    for (const p of this.processes) p.kill('SIGKILL')
    for (const h of this.hosts.values()) {
      try { ip('netns', 'del', h.ns) } catch {}
      try { ip('link', 'del', h.port) } catch {}
    }
    try { ip('link', 'del', this.bridge) } catch {}
  }
}
