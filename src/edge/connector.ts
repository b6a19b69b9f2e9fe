import { connect, type Socket } from 'node:net'
import type { ConnectorConfig } from '../config/config.js'
import { rankTargets } from '../core/select-target.js'

export class NoConnectorError extends Error {
  override name = 'NoConnectorError'
}

export class ConnectFailedError extends Error {
  override name = 'ConnectFailedError'
}

export interface ConnectorState extends ConnectorConfig {
  open: number
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
 * balanced by their cost plus the connections open to each, and a connector
 * whose workload refuses is skipped for the next one.
 */
export class LocalConnectors {
  private readonly byKey = new Map<string, ConnectorState[]>()
  private rotation = 0

  constructor (configs: ConnectorConfig[], private readonly connectTimeoutMs: number) {
    for (const c of configs) {
      const list = this.byKey.get(c.routingKey) ?? []
      list.push({ ...c, open: 0 })
      this.byKey.set(c.routingKey, list)
    }
  }

  has (routingKey: string): boolean {
    return this.byKey.has(routingKey)
  }

  /** What this site advertises: per key, how many connectors and the lowest cost. */
  summary (): Array<{ routingKey: string, connectors: number, cost: number }> {
    return [...this.byKey].map(([routingKey, list]) => ({
      routingKey,
      connectors: list.length,
      cost: Math.min(...list.map(c => c.cost))
    })).sort((a, b) => a.routingKey < b.routingKey ? -1 : 1)
  }

  list (): ConnectorConfig[] {
    return [...this.byKey.values()].flat().map(({ routingKey, host, port, cost }) => ({ routingKey, host, port, cost }))
  }

  /**
   * Connects to the best working connector for the key. The returned `release`
   * must be called once the connection is over (it keeps open counts right).
   */
  async connect (routingKey: string): Promise<{ socket: Socket, connector: ConnectorState, release: () => void }> {
    const list = this.byKey.get(routingKey)
    if (list === undefined || list.length === 0) throw new NoConnectorError(`no connector for ${routingKey} at this site`)
    const ranked = rankTargets(list.map(c => ({ id: `${c.host}:${c.port}`, pathCost: 0, ownCost: c.cost, open: c.open, value: c })), this.rotation++)
    const failures: string[] = []
    for (const { value: connector } of ranked) {
      connector.open++
      try {
        const socket = await dialTcp(connector.host, connector.port, this.connectTimeoutMs)
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
        failures.push((err as Error).message)
      }
    }
    throw new ConnectFailedError(failures.join('; '))
  }
}
