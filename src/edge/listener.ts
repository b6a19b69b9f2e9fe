import { createServer, type Server, type Socket } from 'node:net'
import type { ListenerConfig } from '../config/config.js'

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
      this.server.listen({ host: this.config.host, port: this.config.port }, () => {
        this.server.off('error', reject)
        const address = this.server.address()
        if (address !== null && typeof address === 'object') this.boundPort = address.port
        resolve()
      })
    })
  }

  get openConnections (): number {
    return this.sockets.size
  }

  /** Stops accepting at once; existing connections are left to the caller. */
  close (): void {
    this.server.close()
  }
}
