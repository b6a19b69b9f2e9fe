import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Logger } from 'pino'
import { TUNNEL_PROTOCOL } from '../wire/constants.js'

/** A dial to a neighbour's worker gives up after this long. */
const DIAL_TIMEOUT_MS = 5_000
/** Opening a tunnel stream waits for nothing on the network (libp2p-patches), so it needs no deadline. */
const NO_DEADLINE = new AbortController().signal

/**
 * A worker's connections to the workers of neighbour sites: one per
 * neighbour, made when a tunnel first needs it, or taken from the
 * neighbour's side if its worker connected first. Worker i of this site
 * dials worker (i - 1) mod n + 1 of a neighbour with n workers, so a site's
 * workers spread over the neighbour's.
 */
export class WorkerLinks {
  private readonly dialing = new Map<string, Promise<Connection>>()

  constructor (private readonly node: Libp2p, private readonly index: number, private readonly workersOf: (peer: string) => string[][], private readonly log: Logger) {}

  async streamTo (peer: string): Promise<Stream> {
    const conn = this.openConnection(peer) ?? await this.dial(peer)
    return await conn.newStream(TUNNEL_PROTOCOL, { negotiateFully: false, signal: NO_DEADLINE })
  }

  /** Closes every connection to `peer` (its link is down, or it was revoked). */
  closePeer (peer: string, why: string): void {
    for (const c of this.node.getConnections(peerIdFromString(peer))) c.abort(new Error(why))
  }

  /** Open connections per neighbour (for status). */
  counts (): Array<[string, number]> {
    const n = new Map<string, number>()
    for (const c of this.node.getConnections()) {
      if (c.status !== 'open') continue
      const peer = c.remotePeer.toString()
      n.set(peer, (n.get(peer) ?? 0) + 1)
    }
    return [...n]
  }

  private openConnection (peer: string): Connection | undefined {
    return this.node.getConnections(peerIdFromString(peer)).find(c => c.status === 'open')
  }

  private async dial (peer: string): Promise<Connection> {
    let pending = this.dialing.get(peer)
    if (pending === undefined) {
      pending = this.dialWorkers(peer).finally(() => this.dialing.delete(peer))
      this.dialing.set(peer, pending)
    }
    return await pending
  }

  private async dialWorkers (peer: string): Promise<Connection> {
    const workers = this.workersOf(peer)
    if (workers.length === 0) throw new Error('the next hop runs no workers')
    const first = (this.index - 1) % workers.length
    const errors: string[] = []
    for (let k = 0; k < workers.length; k++) {
      const addrs = workers[(first + k) % workers.length].map(a => multiaddr(`${a}/p2p/${peer}`))
      if (addrs.length === 0) continue
      try {
        return await this.node.dial(addrs, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      } catch (err) {
        errors.push((err as Error).message)
      }
    }
    this.log.warn({ peer, errors }, 'cannot reach any worker of the next hop')
    throw new Error(`no worker of ${peer} answered: ${errors.join('; ')}`)
  }
}
