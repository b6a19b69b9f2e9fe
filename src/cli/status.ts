import type { RouterStatus } from '../api/types.js'
import { callApi, withApi, type ApiOptions } from './api-client.js'

export interface StatusOptions extends ApiOptions {
  json?: boolean
}

export async function routesCommand (opts: StatusOptions): Promise<number> {
  return await withApi(opts, async (api) => {
    const { routes } = await callApi<{ routes: RouterStatus['routers'] }>(api, 'GET', '/v1/routes')
    process.stdout.write(opts.json === true ? JSON.stringify(routes, null, 2) + '\n' : formatRoutes(routes))
  })
}

export async function statusCommand (opts: StatusOptions): Promise<number> {
  return await withApi(opts, async (api) => {
    const status = await callApi<RouterStatus>(api, 'GET', '/v1/status')
    process.stdout.write(opts.json === true ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status))
  })
}

function short (peerId: string): string {
  return peerId.length > 16 ? `…${peerId.slice(-8)}` : peerId
}

/** Control characters (C0, DEL, C1) and bidirectional overrides: a terminal would act on them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/**
 * Text from the network (site names, reasons) as a terminal may show it:
 * every control character written as \u{…}, so a hostile site name cannot
 * move the cursor, recolour the screen or reorder what follows it.
 */
export function printable (text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)?.toString(16) ?? ''}}`)
}

/** Renders rows as aligned columns under a header (every cell made printable). */
export function table (header: string[], rawRows: string[][]): string {
  if (rawRows.length === 0) return '  (none)\n'
  const rows = rawRows.map(r => r.map(printable))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd() + '\n'
  return line(header) + rows.map(line).join('')
}

const shortPeer = short

export function formatLinks (links: RouterStatus['links']): string {
  return table(['NAME', 'SITE', 'STATE', 'COST', 'RTT', 'DIRECTION', 'PEER'],
    links.map(l => [l.name ?? '-', l.site === '' ? '?' : l.site, l.state, String(l.cost), l.rttMs === undefined ? '-' : `${l.rttMs} ms`, l.direction, l.peerId === '' ? (l.address ?? '') : shortPeer(l.peerId)]))
}

/** Next hops are neighbours, so they appear in the route list themselves: show their site names. */
export function formatRoutes (routers: RouterStatus['routers'], siteOf: (peer: string) => string = (peer) => routers.find(r => r.peerId === peer)?.site ?? shortPeer(peer)): string {
  return table(['SITE', 'COST', 'HOPS', 'NEXT HOP'], routers.map(r => [r.site, String(r.cost), String(r.hops), siteOf(r.nextHop)]))
}

/** A rule as one cell: 'every member', or its entries (a name nobody holds yet is marked). */
function formatRule (rule: RouterStatus['connectors'][number]['allow'] | undefined): string {
  if (rule === undefined || rule === 'every member') return 'every member'
  return rule.map(e => e.peerId === undefined ? `${e.entry} (nobody yet)` : e.entry).join(', ')
}

export function formatListeners (listeners: RouterStatus['listeners']): string {
  return table(['NAME', 'ROUTING KEY', 'ADDRESS', 'OPEN', 'SERVED BY', 'UNTRUSTED', 'ACTIVE KEY'], listeners.map(l => [l.name, l.routingKey, `${l.host}:${l.port}`, String(l.openConnections), formatRule(l.trust), (l.untrusted ?? []).map(u => u.site).join(', ') || '-', formatActiveKey(l)]))
}

/** The key new connections go to; a fallback in use is marked. An earlier release's status has none. */
function formatActiveKey (l: RouterStatus['listeners'][number]): string {
  const active = l.activeKey ?? l.routingKey
  return active === l.routingKey ? active : `${active} (fallback)`
}

export function formatConnectors (connectors: RouterStatus['connectors']): string {
  return table(['NAME', 'ROUTING KEY', 'ADDRESS', 'COST', 'WEIGHT', 'WORKLOAD', 'ALLOW', 'E2E'], connectors.map(c => [c.name, c.routingKey, `${c.host}:${c.port}`, String(c.cost), String(c.weight ?? 1), c.healthy === false ? 'not answering' : 'ok', formatRule(c.allow), c.e2e === true ? 'yes' : 'no']))
}

export function formatWorkers (workers: RouterStatus['workers'], siteOf: (peer: string) => string): string {
  return table(['WORKER', 'STATE', 'PID', 'PIPES', 'CPU', 'CONNECTED TO', 'ADDRESS'], workers.map(w => [String(w.index), w.up ? 'up' : 'down', String(w.pid ?? '-'), String(w.openPipes), `${w.cpuSeconds.toFixed(1)} s`, w.connections.map(c => `${c.site === '' ? siteOf(c.peerId) : c.site}${c.count > 1 ? ` (${c.count})` : ''}`).join(', ') || '-', w.addresses[0] ?? '-']))
}

export function formatStatus (s: RouterStatus): string {
  const siteOf = (peer: string): string => s.routers.find(r => r.peerId === peer)?.site ?? s.links.find(l => l.peerId === peer)?.site ?? short(peer)
  let out = `Site ${s.site}  (peer ${s.peerId})\n`
  out += s.addresses.map(a => `  ${a}\n`).join('')
  out += '\nLinks\n' + formatLinks(s.links)
  out += '\nRouters\n' + formatRoutes(s.routers, siteOf)
  out += '\nServices\n' + table(['ROUTING KEY', 'TARGET', 'COST', 'WEIGHT', 'OPEN', 'NOTE'],
    s.services.flatMap(svc => svc.targets.map(t => [svc.routingKey, t.peerId === s.peerId ? `${t.site} (here)` : t.site, String(t.cost), String(t.weight ?? 1), String(t.openConnections), [t.e2e === true ? 'e2e' : '', t.denied === true ? 'denied this site' : ''].filter(Boolean).join(', ') || '-'])))
  out += '\nListeners\n' + formatListeners(s.listeners)
  out += '\nConnectors\n' + formatConnectors(s.connectors)
  // An earlier release's status has no workers; a site without them shows none.
  if ((s.workers ?? []).length > 0) out += '\nWorkers\n' + formatWorkers(s.workers, siteOf)
  for (const c of s.nameConflicts ?? []) out += `\nWarning: peer ${short(c.claimant)} calls itself ${printable(c.site)}, a name bound here to ${short(c.pinned)}; allow and trust rules do not match it.\n`
  return out
}
