import { connect, type Socket } from 'node:net'
import type { ConnectorConfig } from '../config/config.js'
import { rankTargets } from '../core/select-target.js'

export class NoConnectorError extends Error {
  override name = 'NoConnectorError'
}

export class ConnectFailedError extends Error {
  override name = 'ConnectFailedError'
}

/** Every connector for the key refused this caller (its `allow`, or it needs end-to-end encryption). */
export class ConnectorDeniedError extends Error {
  override name = 'ConnectorDeniedError'
}

/** Why a connector refuses this tunnel, or undefined when it takes it. */
export type ConnectorAdmission = (c: ConnectorConfig) => string | undefined

export interface ConnectorState extends ConnectorConfig {
  name: string
  open: number
  /** False while its workload does not accept connections (probe or real connect failed). */
  healthy: boolean
}

/** Dials host:port; resolves once connected, rejects on error or timeout. */
export async function dialTcp (host: string, port: number, timeoutMs: number): Promise<Socket> {
  return await new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true, noDelay: true })
    const fail = (err: Error): void => {
      socket.destroy()
      reject(err)
    }
    const timer = setTimeout(() => fail(new ConnectFailedError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs)
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      fail(new ConnectFailedError(`connect to ${host}:${port} failed: ${err.code ?? err.message}`))
    })
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      socket.pause()
      resolve(socket)
    })
  })
}

/**
 * The connectors of this site. Several connectors for one routing key are
 * balanced by their cost plus the connections open to each over its weight, and a connector
 * whose workload refuses is skipped for the next one.
 */
export class LocalConnectors {
  private readonly byKey = new Map<string, ConnectorState[]>()
  private rotation = 0
  private probing = false
  private probeIntervalMs = 0

  /** `onHealthChange` is called when a connector's workload stops or starts answering. */
  constructor (private readonly connectTimeoutMs: number, private readonly onHealthChange: (c: ConnectorState) => void = () => {}) {}

  add (c: ConnectorConfig & { name: string }): void {
    const list = this.byKey.get(c.routingKey) ?? []
    list.push({ ...c, open: 0, healthy: true })
    this.byKey.set(c.routingKey, list)
    if (this.probeIntervalMs > 0) void this.probeAll()
  }

  /**
   * Takes this list as the connectors (a worker mirrors its router's, health
   * included); a connector kept by name keeps its open count.
   */
  replaceAll (list: ReadonlyArray<ConnectorConfig & { name: string, healthy: boolean }>): void {
    const open = new Map([...this.byKey.values()].flat().map(c => [c.name, c.open]))
    this.byKey.clear()
    for (const c of list) {
      const entries = this.byKey.get(c.routingKey) ?? []
      entries.push({ ...c, open: open.get(c.name) ?? 0 })
      this.byKey.set(c.routingKey, entries)
    }
  }

  /** Removes a connector; connections already made through it go on. */
  remove (name: string): boolean {
    for (const [key, list] of this.byKey) {
      const i = list.findIndex(c => c.name === name)
      if (i < 0) continue
      list.splice(i, 1)
      if (list.length === 0) this.byKey.delete(key)
      return true
    }
    return false
  }

  names (): Set<string> {
    return new Set([...this.byKey.values()].flat().map(c => c.name))
  }

  /**
   * Probes every connector's workload with a TCP connect now; the router's
   * ticker calls `probeAll` every intervalMs from then on. A connector that
   * does not answer is withdrawn from what this site advertises, and offered
   * again once it answers.
   */
  startProbing (intervalMs: number): void {
    this.probeIntervalMs = intervalMs
    if (intervalMs > 0) void this.probeAll()
  }

  /** One probe of every connector; a probe waits at most one interval (and never past the connect timeout). */
  async probeAll (): Promise<void> {
    const timeoutMs = Math.min(this.probeIntervalMs, this.connectTimeoutMs)
    if (this.probing) return
    this.probing = true
    try {
      await Promise.all([...this.byKey.values()].flat().map(async (c) => {
        try {
          const socket = await dialTcp(c.host, c.port, timeoutMs)
          socket.destroy()
          this.setHealth(c, true)
        } catch {
          this.setHealth(c, false)
        }
      }))
    } finally {
      this.probing = false
    }
  }

  private setHealth (c: ConnectorState, healthy: boolean): void {
    if (c.healthy === healthy) return
    c.healthy = healthy
    this.onHealthChange(c)
  }

  has (routingKey: string): boolean {
    return this.byKey.has(routingKey)
  }

  /**
   * What this site advertises: per key, how many healthy connectors, the
   * lowest cost among them, their summed weight, and whether tunnels must be end-to-end encrypted
   * (any of them asks for it: an encrypted tunnel may reach any connector).
   */
  summary (): Array<{ routingKey: string, connectors: number, cost: number, weight: number, e2e: boolean }> {
    const out = []
    for (const [routingKey, list] of this.byKey) {
      const healthy = list.filter(c => c.healthy)
      if (healthy.length > 0) out.push({ routingKey, connectors: healthy.length, cost: Math.min(...healthy.map(c => c.cost)), weight: healthy.reduce((sum, c) => sum + (c.weight ?? 1), 0), e2e: healthy.some(c => c.e2e) })
    }
    return out.sort((a, b) => a.routingKey < b.routingKey ? -1 : 1)
  }

  list (): Array<ConnectorConfig & { name: string, weight: number, healthy: boolean }> {
    return [...this.byKey.values()].flat().map(({ name, routingKey, host, port, cost, allow, e2e, weight, healthy }) => ({ name, routingKey, host, port, cost, allow, e2e, weight: weight ?? 1, healthy }))
  }

  /**
   * Connects to the best working connector for the key. The returned `release`
   * must be called once the connection is over (it keeps open counts right).
   * `admission` (a tunnel's caller) leaves out connectors that refuse it;
   * when every one does, ConnectorDeniedError.
   */
  async connect (routingKey: string, admission?: ConnectorAdmission): Promise<{ socket: Socket, connector: ConnectorState, release: () => void }> {
    const all = this.byKey.get(routingKey)
    if (all === undefined || all.length === 0) throw new NoConnectorError(`no connector for ${routingKey} at this site`)
    const refusals = admission === undefined ? [] : all.map(admission)
    const list = admission === undefined ? all : all.filter((_, i) => refusals[i] === undefined)
    if (list.length === 0) throw new ConnectorDeniedError([...new Set(refusals)].join('; '))
    // Healthy connectors first; an unhealthy one is still tried last, it may be back.
    const rank = (cs: ConnectorState[]): ReturnType<typeof rankTargets<ConnectorState>> =>
      rankTargets(cs.map(c => ({ id: `${c.host}:${c.port}`, pathCost: 0, ownCost: c.cost, open: c.open, weight: c.weight ?? 1, value: c })), this.rotation)
    const ranked = [...rank(list.filter(c => c.healthy)), ...rank(list.filter(c => !c.healthy))]
    this.rotation++
    const failures: string[] = []
    for (const { value: connector } of ranked) {
      connector.open++
      try {
        const socket = await dialTcp(connector.host, connector.port, this.connectTimeoutMs)
        this.setHealth(connector, true)
        let released = false
        return {
          socket,
          connector,
          release: () => {
            if (!released) { released = true; connector.open-- }
          }
        }
      } catch (err) {
        connector.open--
        this.setHealth(connector, false)
        failures.push((err as Error).message)
      }
    }
    throw new ConnectFailedError(failures.join('; '))
  }
}
