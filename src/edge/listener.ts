import { createServer, type Server, type Socket } from 'node:net'
import type { ListenerConfig } from '../config/config.js'

/**
 * Connections the kernel may hold for a listener before it accepts them
 * (capped by net.core.somaxconn). With Node's default of 511, 5,000 clients
 * connecting at once through one hop overflowed the queue ~20,000 times: the
 * dropped SYNs were retried after 1, 3 and 7 s, and the last client got its
 * echo after 8–9 s. With 4096, after 4.6–4.7 s (a throwaway burst script; the
 * router's CPU sets the rest).
 */
export const LISTEN_BACKLOG = 4096

/**
 * A local TCP port that accepts client connections for one routing key.
 * Sockets are handed over paused, so no client byte is read before a target
 * accepted the connection.
 */
export class Listener {
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  boundPort: number

  constructor (readonly config: ListenerConfig, onClient: (socket: Socket, listener: Listener) => void) {
    this.boundPort = config.port
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => {
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
      onClient(socket, this)
    })
  }

  async start (): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ host: this.config.host, port: this.config.port, backlog: LISTEN_BACKLOG }, () => {
        this.server.off('error', reject)
        const address = this.server.address()
        if (address !== null && typeof address === 'object') this.boundPort = address.port
        resolve()
      })
    })
  }

  /** Clients of this listener that a worker of this site carries (their sockets were handed over). */
  elsewhere = 0

  /**
   * `socket` went to a worker (its handle was sent and closed here without a
   * 'close' event): it counts as carried elsewhere until the worker says so.
   */
  handedOver (socket: Socket): void {
    if (this.sockets.delete(socket)) this.elsewhere++
  }

  get openConnections (): number {
    return this.sockets.size + this.elsewhere
  }

  /** Stops accepting at once; existing connections are left to the caller. */
  close (): void {
    this.server.close()
  }
}
