import { MeshPairs } from './mesh-pairs.js'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { STATUS_PAGE, STATUS_PAGE_CSP } from './page.js'
import { CONSOLE_SCRIPT } from './page-script.js'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { CONNECTOR, LINK, LISTENER } from '../config/resource-schemas.js'
import { ConfigError } from '../config/errors.js'
import { ResourceError, type ApiRouter } from './types.js'
import { hasCredential, isChange, RefusalLog, refuseForeignOrigin, refuseHost } from './access.js'
import { matchesFlow, parseSince, type FlowFilter } from '../core/flow-ring.js'

/** Cytoscape's browser build, read once from the installed package. */
let cytoscapeJs: Buffer | undefined
function cytoscapeBundle (): Buffer {
  cytoscapeJs ??= readFileSync(createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js'))
  return cytoscapeJs
}

const EVENT_FLUSH_MS = 200
const EVENT_TICK_MS = 1000
/** An event-stream reader (`/v1/events`, `flows?follow`) this many events behind (its socket not draining) is dropped: a slow reader costs bounded memory. */
export const FLOW_FOLLOW_MAX_BEHIND = 1000
const MAX_FLOWS_LIMIT = 1_000_000

/** Bad input to the API: answered 400 with a message naming the field. */
class BadRequest extends Error {}

const MAX_BODY_BYTES = 64 * 1024
const MAX_TOKEN_LIFETIME_MS = 365 * 24 * 3600_000

/** Who may use the API: see access.ts. */
export interface ApiAccess {
  /** The bearer credential every change needs. */
  credential: string
  /** Where the owner finds it (a file), named in the 401 sentence. */
  credentialFile: string
  /** Off loopback, reads need the credential too. */
  credentialForReads: boolean
}

/**
 * The admin API: JSON over HTTP, on loopback by default. It obeys only its
 * owner: a foreign Host is refused (421), a change from another origin is
 * refused (403), and every change needs the credential (401); off loopback,
 * every request needs it.
 */
export class AdminApi {
  private readonly server: Server
  private readonly refusals: RefusalLog
  /** Traffic between other sites, asked of the members while a console is open. */
  private readonly meshPairs: MeshPairs
  port = 0

  constructor (private readonly router: ApiRouter, private readonly host: string, private readonly wantedPort: number, private readonly log: Logger, private readonly access: ApiAccess) {
    this.server = createServer((req, res) => { void this.handle(req, res) })
    this.refusals = new RefusalLog(log)
    this.meshPairs = new MeshPairs(router, () => router.status().peerId)
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
    this.meshPairs.stop()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /**
   * Server-Sent Events: 'change' (data: the kinds that changed: link, route,
   * service, connection), batched over 200 ms; 'tick' every second and after
   * each change, with byte totals per routing key and per link, the share
   * each target of this site's listeners gets (`services`) and traffic by
   * site pair (`pairs`), from which readers derive throughput, and the
   * pairs between other sites that members report (`meshPairs`, with their
   * rates: mesh-pairs.ts); 'flow' per
   * flow record as it finishes (as `/v1/flows?follow` sends them). A reader
   * that stops reading is dropped like a flows follower.
   */
  private openEvents (req: IncomingMessage, res: ServerResponse): void {
    const kinds = new Set<string>()
    let flushTimer: NodeJS.Timeout | undefined
    const ticker = setInterval(() => tick(), EVENT_TICK_MS)
    let unfollow = (): void => {}
    let closeMeshPairs = (): void => {}
    const stop = (): void => {
      this.router.events.off('change', onChange)
      unfollow()
      closeMeshPairs()
      clearInterval(ticker)
      clearTimeout(flushTimer)
    }
    const send = this.eventStream(req, res, 'dropping an events reader that fell behind', stop)
    const onChange = (kind: string): void => {
      kinds.add(kind)
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined
        send('change', { kinds: [...kinds] })
        kinds.clear()
        // Open connections as of now, not as of the last tick (readers measure rates over their own window).
        tick()
      }, EVENT_FLUSH_MS)
    }
    const tick = (): void => {
      // One snapshot of the pairs serves both (it reads every open connection's counters).
      const pairs = this.router.sitePairTraffic()
      send('tick', { at: Date.now(), bytes: Object.fromEntries(this.router.keyBytes()), links: Object.fromEntries(this.router.linkBytes()), services: this.router.serviceTraffic(pairs), pairs, meshPairs: this.meshPairs.latest() })
    }
    closeMeshPairs = this.meshPairs.open()
    this.router.events.on('change', onChange)
    unfollow = this.router.flows.follow((r) => send('flow', r))
    req.on('close', stop)
    tick()
  }

  /**
   * `GET /v1/flows?follow`: one 'flow' event per record that finishes from
   * now on and matches the filter.
   */
  private followFlows (req: IncomingMessage, res: ServerResponse, filter: FlowFilter): void {
    let unfollow = (): void => {}
    const send = this.eventStream(req, res, 'dropping a flows follower that fell behind', () => unfollow())
    unfollow = this.router.flows.follow((r) => {
      if (matchesFlow(r, filter)) send('flow', r)
    })
    req.on('close', unfollow)
  }

  /**
   * Starts an SSE answer; returns its writer. Events written while the socket
   * does not drain are counted; past FLOW_FOLLOW_MAX_BEHIND the reader is
   * dropped (`stop` unsubscribes it first), so a slow reader costs bounded
   * memory and never slows the router.
   */
  private eventStream (req: IncomingMessage, res: ServerResponse, dropMsg: string, stop: () => void): (event: string, data: unknown) => void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write('retry: 2000\n\n')
    let behind = 0
    res.on('drain', () => { behind = 0 })
    return (event, data) => {
      if (res.destroyed) return
      if (behind > 0 || res.writableNeedDrain) {
        if (++behind > FLOW_FOLLOW_MAX_BEHIND) {
          stop()
          this.log.warn({ from: req.socket.remoteAddress, behind }, dropMsg)
          res.destroy()
          return
        }
      }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
  }

  /** True when the request may go on; otherwise it has been answered (and nothing was read or changed). */
  private admit (req: IncomingMessage, res: ServerResponse): boolean {
    const change = isChange(req.method)
    const refusal = refuseHost(req.headers.host, this.host, this.port) ?? (change ? refuseForeignOrigin(req.headers) : undefined)
    if (refusal !== undefined) {
      const msg = refusal.kind === 'host' ? 'refusing an admin API request addressed to a foreign Host' : 'refusing an admin API change from another origin'
      this.refusals.refused(refusal.kind, { method: req.method, url: req.url, host: req.headers.host, origin: req.headers.origin, secFetchSite: req.headers['sec-fetch-site'], from: req.socket.remoteAddress }, msg)
      send(res, refusal.status, { error: refusal.error })
      return false
    }
    if ((change || this.access.credentialForReads) && !hasCredential(req.headers.authorization, this.access.credential)) {
      this.refusals.refused('credential', { method: req.method, url: req.url, from: req.socket.remoteAddress }, 'refusing an admin API request without the credential')
      res.setHeader('www-authenticate', 'Bearer')
      // Off loopback the asker may be anyone: the file's path is told only on loopback.
      const where = this.access.credentialForReads ? 'the file given to `portmesh run --api-token`' : this.access.credentialFile
      send(res, 401, { error: `${change ? 'a change' : 'this API off loopback'} needs the credential in ${where} as "Authorization: Bearer <its first line>" (the portmesh CLI sends it given --data-dir DIR or --api-token FILE).` })
      return false
    }
    return true
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    const route = `${req.method ?? ''} ${path}`
    if (!this.admit(req, res)) {
      // Unread, the body would hold the connection; it is not wanted.
      req.resume()
      return
    }
    try {
      switch (route) {
        case 'GET /healthz':
          send(res, 200, { ok: true })
          return
        case 'GET /readyz':
          send(res, this.router.ready ? 200 : 503, { ready: this.router.ready })
          return
        case 'GET /metrics': {
          const text = await this.router.metrics.registry.metrics()
          res.writeHead(200, { 'content-type': this.router.metrics.registry.contentType, 'cache-control': 'no-store' })
          res.end(text)
          return
        }
        case 'GET /v1/status':
          send(res, 200, this.router.status())
          return
        case 'GET /v1/topology':
          send(res, 200, this.router.topology())
          return
        case 'GET /v1/events':
          this.openEvents(req, res)
          return
        case 'GET /v1/flows': {
          const query = new URL(req.url ?? '/', 'http://x').searchParams
          const filter = flowFilter(query)
          if (query.has('follow') && query.get('follow') !== 'false') this.followFlows(req, res, filter)
          else if (query.has('mesh') && query.get('mesh') !== 'false') send(res, 200, await this.router.meshFlowRecords(filter))
          else send(res, 200, { flows: this.router.flows.query(filter) })
          return
        }
        case 'GET /':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': STATUS_PAGE_CSP, 'x-content-type-options': 'nosniff' })
          res.end(STATUS_PAGE)
          return
        case 'GET /assets/console.js':
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
          res.end(CONSOLE_SCRIPT)
          return
        case 'GET /assets/cytoscape.min.js':
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' })
          res.end(cytoscapeBundle())
          return
        case 'POST /v1/tokens': {
          const body = await readJson(req)
          const expiresInMs = body.expiresInSeconds === undefined ? 15 * 60_000 : Number(body.expiresInSeconds) * 1000
          if (!Number.isFinite(expiresInMs) || expiresInMs < 1000 || expiresInMs > MAX_TOKEN_LIFETIME_MS) throw new BadRequest('expiresInSeconds: must be between 1 and 31536000')
          const uses = body.uses === undefined ? 1 : Number(body.uses)
          if (!Number.isInteger(uses) || uses < 1 || uses > 1000) throw new BadRequest('uses: must be a whole number between 1 and 1000')
          send(res, 201, await this.router.issueToken(expiresInMs, uses))
          return
        }
        case 'GET /v1/tokens':
          send(res, 200, { tokens: this.router.listTokens() })
          return
        case 'GET /v1/revocations':
          send(res, 200, { revocations: this.router.revocations() })
          return
        case 'POST /v1/revocations': {
          const body = await readJson(req)
          if (typeof body.peer !== 'string' || body.peer.trim() === '') throw new BadRequest('peer: name the site or give the peer id to revoke')
          send(res, 201, await this.router.revoke(body.peer))
          return
        }
        case 'GET /v1/links':
          send(res, 200, { links: this.router.status().links })
          return
        case 'GET /v1/routes':
          send(res, 200, { routes: this.router.status().routers })
          return
        case 'GET /v1/services':
          send(res, 200, { services: this.router.status().services })
          return
        case 'GET /v1/listeners':
          send(res, 200, { listeners: this.router.status().listeners })
          return
        case 'GET /v1/connectors':
          send(res, 200, { connectors: this.router.status().connectors })
          return
        case 'POST /v1/listeners':
          send(res, 201, await this.router.createListener(LISTENER.fromBody(await readJson(req))))
          return
        case 'POST /v1/connectors':
          send(res, 201, await this.router.createConnector(CONNECTOR.fromBody(await readJson(req))))
          return
        case 'POST /v1/links':
          send(res, 201, await this.router.createLink(LINK.fromBody(await readJson(req))))
          return
      }
      const delToken = /^DELETE \/v1\/tokens\/([^/]+)$/.exec(route)
      if (delToken !== null) {
        await this.router.revokeToken(decodeURIComponent(delToken[1]))
        res.writeHead(204).end()
        return
      }
      const del = /^DELETE \/v1\/(links|listeners|connectors)\/([^/]+)$/.exec(route)
      if (del !== null) {
        const name = decodeURIComponent(del[2])
        if (del[1] === 'links') await this.router.deleteLink(name)
        else if (del[1] === 'listeners') await this.router.deleteListener(name)
        else await this.router.deleteConnector(name)
        res.writeHead(204).end()
        return
      }
      send(res, path === '/healthz' || path === '/metrics' || path.startsWith('/v1/') ? 405 : 404, { error: `no such route: ${route}` })
    } catch (err) {
      if (err instanceof BadRequest) {
        send(res, 400, { error: err.message })
        return
      }
      if (err instanceof ConfigError) {
        send(res, 400, { error: `${err.field}: ${err.reason}`, field: err.field })
        return
      }
      if (err instanceof ResourceError) {
        send(res, err.status, { error: err.message, field: err.field })
        return
      }
      this.log.error({ err }, 'admin API request failed')
      send(res, 500, { error: 'internal error' })
    }
  }
}

/** The filters of GET /v1/flows: key, site (either end), since (ISO or unix ms), limit. */
function flowFilter (q: URLSearchParams): FlowFilter {
  const f: FlowFilter = {}
  const key = q.get('key')
  if (key !== null && key !== '') f.key = key
  const site = q.get('site')
  if (site !== null && site !== '') f.site = site
  const since = q.get('since')
  if (since !== null && since !== '') {
    f.sinceMs = parseSince(since)
    if (f.sinceMs === undefined) throw new BadRequest('since: must be an ISO time or unix milliseconds')
  }
  const limit = q.get('limit')
  if (limit !== null && limit !== '') {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_FLOWS_LIMIT) throw new BadRequest(`limit: must be a whole number between 1 and ${MAX_FLOWS_LIMIT}`)
    f.limit = Number(limit)
  }
  return f
}

async function readJson (req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body: larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new BadRequest('body: not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('body: must be a JSON object')
  return body as Record<string, unknown>
}

function send (res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n'
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' })
  res.end(text)
}
