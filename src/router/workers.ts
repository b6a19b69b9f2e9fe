import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import type { OriginCheck } from '../net/origin-proof.js'
import type { ClientMessage, Command, FromWorker, InitMessage, StateMessage, WorkerEvent, WorkerStats } from '../workers/protocol.js'

/** How long a worker gets to start (its libp2p host listening) before the router gives up. */
const WORKER_START_TIMEOUT_MS = 30_000
/** A worker that died is started again after this long. */
const WORKER_RESTART_DELAY_MS = 1_000
/** A stopping worker gets its drain period and this much more before it is killed. */
const WORKER_STOP_GRACE_MS = 3_000
/** Workers asked who holds a connection answer within this, or count as not holding it. */
const LOCATE_TIMEOUT_MS = 1_000

const WORKER_ENTRY = fileURLToPath(new URL('../workers/worker.js', import.meta.url))

/** `addr` with its TCP port moved up by `offset` (a port of 0 stays 0: the kernel picks one). */
export function offsetPort (addr: string, offset: number): string {
  return addr.replace(/\/tcp\/(\d+)/, (whole, port: string) => Number(port) === 0 ? whole : `/tcp/${Number(port) + offset}`)
}

export interface WorkerPoolOptions {
  /** Worker processes (the router itself is process 0 and not counted). */
  count: number
  init: Omit<InitMessage, 't' | 'index' | 'listen' | 'advertise' | 'relayDir'>
  /** The router's listen and advertise addresses: worker i uses each with its port + i. */
  listen: string[]
  advertise: string[]
  log: Logger
  /** Events of worker `index`, in order. */
  events: (index: number, events: WorkerEvent[]) => void
  /** The site's replay guard, for a proof a worker verified. */
  replay: (proof: Uint8Array, expiresAt: number) => OriginCheck
  /** A worker came up (addresses to advertise) or went down: its counts are void. */
  changed: (index: number, up: boolean) => void
}

interface Worker {
  index: number
  proc?: ChildProcess
  ready: boolean
  addrs: string[]
  stats?: WorkerStats
}

/**
 * The router's side of its workers (workers/worker.ts): forks them, sends
 * each the state it decides with and the clients it is handed, answers their
 * replay checks and resume lookups, restarts one that dies, and stops them
 * with the router. Each worker listens on the router's listen ports + its
 * index and advertises the same addresses with that offset (its own
 * addresses when the router advertises none).
 */
export class WorkerPool {
  private readonly workers: Worker[]
  private readonly relayDir = mkdtempSync(join(tmpdir(), 'portmesh-workers-'))
  private state: StateMessage | undefined
  private stopping = false
  private nextLocateId = 1
  private readonly locating = new Map<number, { waiting: Set<number>, holder?: number, answer: (holder: number | undefined) => void }>()

  constructor (private readonly o: WorkerPoolOptions) {
    this.workers = Array.from({ length: o.count }, (_, i) => ({ index: i + 1, ready: false, addrs: [] }))
  }

  /** Starts every worker; rejects (having stopped them) if one cannot listen. */
  async start (): Promise<void> {
    try {
      await Promise.all(this.workers.map(async w => await this.launch(w)))
    } catch (err) {
      await this.stop(0)
      throw err
    }
  }

  get size (): number {
    return this.workers.length
  }

  /** Per worker, the addresses it takes connections on (empty while it is down). */
  addresses (): string[][] {
    return this.workers.map(w => w.ready ? w.addrs : [])
  }

  isReady (index: number): boolean {
    return this.workers[index - 1]?.ready === true
  }

  /** What each worker reported last. */
  snapshot (): Array<{ index: number, pid?: number, ready: boolean, addrs: string[], stats?: WorkerStats }> {
    return this.workers.map(w => ({ index: w.index, pid: w.proc?.pid, ready: w.ready, addrs: w.addrs, stats: w.stats }))
  }

  /** The state every worker decides with; sent to each at once, and to a worker when it (re)starts. */
  pushState (state: StateMessage): void {
    this.state = state
    for (const w of this.workers) if (w.ready) this.sendTo(w, state)
  }

  /** Hands a client to worker `index`; its socket's handle goes with the message and is closed here. */
  handOff (index: number, msg: ClientMessage, socket: Socket): void {
    const w = this.workers[index - 1]
    w.proc?.send(msg, socket, { keepOpen: false }, (err) => {
      // The worker died between the choice and the send: the client sees a reset, as if it had.
      if (err !== null && err !== undefined) socket.resetAndDestroy()
    })
  }

  broadcast (cmd: Command): void {
    for (const w of this.workers) if (w.ready) this.sendTo(w, cmd)
  }

  /** Tells every worker to drain for drainMs and stop; resolves when all have exited (killed after a grace period). */
  async stop (drainMs: number): Promise<void> {
    this.stopping = true
    await Promise.all(this.workers.map(async (w) => {
      const proc = w.proc
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      if (proc.connected) proc.send({ t: 'stop', drainMs } satisfies Command)
      else proc.kill('SIGKILL')
      const timer = setTimeout(() => proc.kill('SIGKILL'), drainMs + WORKER_STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    }))
    rmSync(this.relayDir, { recursive: true, force: true })
  }

  private sendTo (w: Worker, msg: StateMessage | Command): void {
    if (w.proc?.connected === true) w.proc.send(msg)
  }

  private async launch (w: Worker): Promise<void> {
    const proc = fork(WORKER_ENTRY, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    w.proc = proc
    const init: InitMessage = {
      ...this.o.init,
      t: 'init',
      index: w.index,
      listen: this.o.listen.map(a => offsetPort(a, w.index)),
      advertise: this.o.advertise.map(a => offsetPort(a, w.index)),
      relayDir: this.relayDir
    }
    proc.send(init)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`worker ${w.index} did not start within ${WORKER_START_TIMEOUT_MS / 1000} s`)) }, WORKER_START_TIMEOUT_MS)
      proc.on('message', (msg: FromWorker) => {
        if (msg.t === 'ready') {
          clearTimeout(timer)
          w.ready = true
          w.addrs = msg.addrs
          if (this.state !== undefined) this.sendTo(w, this.state)
          this.o.log.info({ worker: w.index, pid: proc.pid, addrs: msg.addrs }, 'worker started')
          this.o.changed(w.index, true)
          resolve()
        } else if (msg.t === 'fatal') {
          clearTimeout(timer)
          reject(new Error(`worker ${w.index}: ${msg.message}`))
        } else {
          this.onMessage(w, msg)
        }
      })
      proc.once('exit', (code, signal) => {
        clearTimeout(timer)
        const wasReady = w.ready
        w.ready = false
        w.stats = undefined
        if (wasReady) this.o.changed(w.index, false)
        this.answerLocatesWithout(w.index)
        if (this.stopping) return
        reject(new Error(`worker ${w.index} exited (${signal ?? code}) before it was ready`))
        if (!wasReady) return
        this.o.log.error({ worker: w.index, code, signal }, 'worker exited; its connections are lost; starting it again')
        setTimeout(() => {
          if (!this.stopping) this.launch(w).catch((err: Error) => this.o.log.error({ worker: w.index, err: err.message }, 'worker did not start again'))
        }, WORKER_RESTART_DELAY_MS).unref()
      })
    })
  }

  private onMessage (w: Worker, msg: FromWorker): void {
    switch (msg.t) {
      case 'events':
        this.o.events(w.index, msg.events)
        return
      case 'stats':
        w.stats = msg.stats
        return
      case 'replay?': {
        const check = this.o.replay(msg.proof, msg.expiresAt)
        this.sendTo(w, check.ok ? { t: 'replay', id: msg.id, ok: true } : { t: 'replay', id: msg.id, ok: false, reason: check.reason, detail: check.detail })
        return
      }
      case 'locate?':
        void this.locate(w.index, msg.ingress, msg.connectionId).then(holder => this.sendTo(w, { t: 'located', id: msg.id, holder }))
        return
      case 'located': {
        const q = this.locating.get(msg.id)
        if (q === undefined) return
        q.waiting.delete(w.index)
        if (msg.held) q.holder = w.index
        if (q.waiting.size === 0 || msg.held) this.finishLocate(msg.id)
      }
    }
  }

  /** Which other worker holds connection (ingress, id), asking each. */
  private async locate (asker: number, ingress: string, connectionId: number): Promise<number | undefined> {
    const others = this.workers.filter(w => w.ready && w.index !== asker)
    if (others.length === 0) return undefined
    const id = this.nextLocateId++
    return await new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => this.finishLocate(id), LOCATE_TIMEOUT_MS)
      this.locating.set(id, { waiting: new Set(others.map(w => w.index)), answer: (holder) => { clearTimeout(timer); resolve(holder) } })
      for (const w of others) this.sendTo(w, { t: 'locate', id, ingress, connectionId })
    })
  }

  private finishLocate (id: number): void {
    const q = this.locating.get(id)
    if (q === undefined) return
    this.locating.delete(id)
    q.answer(q.holder)
  }

  /** A worker that died answers no lookup: those waiting on it stop waiting for it. */
  private answerLocatesWithout (index: number): void {
    for (const [id, q] of this.locating) {
      q.waiting.delete(index)
      if (q.waiting.size === 0) this.finishLocate(id)
    }
  }
}
