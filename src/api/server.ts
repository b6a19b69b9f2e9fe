import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { RouterStatus } from '../router.js'

export interface ApiRouter {
  status (): RouterStatus
}

/**
 * The admin API: JSON over HTTP, on loopback by default. The CLI's `status`
 * reads GET /v1/status.
 */
export class AdminApi {
  private readonly server: Server
  port = 0

  constructor (private readonly router: ApiRouter, private readonly host: string, private readonly wantedPort: number, private readonly log: Logger) {
    this.server = createServer((req, res) => this.handle(req, res))
  }

  async start (): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ host: this.host, port: this.wantedPort }, () => {
        this.server.off('error', reject)
        const address = this.server.address()
        if (address !== null && typeof address === 'object') this.port = address.port
        resolve()
      })
    })
  }

  get url (): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host
    return `http://${host}:${this.port}`
  }

  async stop (): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private handle (req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET') {
      send(res, 405, { error: `${req.method ?? ''} is not allowed on ${path}` })
      return
    }
    try {
      switch (path) {
        case '/healthz':
          send(res, 200, { ok: true })
          return
        case '/v1/status':
          send(res, 200, this.router.status())
          return
        default:
          send(res, 404, { error: `no such route: ${path}` })
      }
    } catch (err) {
      this.log.error({ err }, 'admin API request failed')
      send(res, 500, { error: 'internal error' })
    }
  }
}

function send (res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n'
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
  res.end(text)
}
