import type { RouterStatus } from '../router.js'
import { ConfigError } from '../config/errors.js'
import { apiTarget, callApi } from './api-client.js'

export interface StatusOptions {
  api?: string
  apiToken?: string
  json?: boolean
}

export async function statusCommand (opts: StatusOptions): Promise<number> {
  let target
  try {
    target = apiTarget(opts.api, opts.apiToken)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portmesh: invalid setting ${err.field}: ${err.reason}\n`)
      return 2
    }
    throw err
  }
  let status: RouterStatus
  try {
    status = await callApi<RouterStatus>(target, 'GET', '/v1/status')
  } catch (err) {
    process.stderr.write(`portmesh: ${(err as Error).message}\n`)
    return 1
  }
  process.stdout.write(opts.json === true ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status))
  return 0
}

function short (peerId: string): string {
  return peerId.length > 16 ? `…${peerId.slice(-8)}` : peerId
}

/** Renders rows as aligned columns under a header. */
export function table (header: string[], rows: string[][]): string {
  if (rows.length === 0) return '  (none)\n'
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n'
  return line(header) + rows.map(line).join('')
}

export function formatStatus (s: RouterStatus): string {
  const siteOf = (peer: string): string => s.routers.find(r => r.peerId === peer)?.site ?? s.links.find(l => l.peerId === peer)?.site ?? short(peer)
  let out = `Site ${s.site}  (peer ${s.peerId})\n`
  out += s.addresses.map(a => `  ${a}\n`).join('')
  out += '\nLinks\n' + table(['SITE', 'STATE', 'COST', 'RTT', 'PEER'],
    s.links.map(l => [l.site === '' ? '?' : l.site, l.state, String(l.cost), l.rttMs === undefined ? '-' : `${l.rttMs} ms`, l.peerId === '' ? (l.address ?? '') : short(l.peerId)]))
  out += '\nRouters\n' + table(['SITE', 'COST', 'HOPS', 'NEXT HOP'],
    s.routers.map(r => [r.site, String(r.cost), String(r.hops), siteOf(r.nextHop)]))
  out += '\nServices\n' + table(['ROUTING KEY', 'TARGET', 'COST', 'OPEN'],
    s.services.flatMap(svc => svc.targets.map(t => [svc.routingKey, t.peerId === s.peerId ? `${t.site} (here)` : t.site, String(t.cost), String(t.openConnections)])))
  out += '\nListeners\n' + table(['ROUTING KEY', 'ADDRESS', 'OPEN'], s.listeners.map(l => [l.routingKey, `${l.host}:${l.port}`, String(l.openConnections)]))
  out += '\nConnectors\n' + table(['ROUTING KEY', 'ADDRESS', 'COST', 'WORKLOAD'], s.connectors.map(c => [c.routingKey, `${c.host}:${c.port}`, String(c.cost), c.healthy === false ? 'not answering' : 'ok']))
  return out
}
