import type { FlowRecord, MeshFlows } from '../core/flow-ring.js'
import { ApiError, callApi, withApi, type ApiOptions, type ApiTarget } from './api-client.js'
import { printable, table } from './status.js'

export interface FlowsOptions extends ApiOptions {
  key?: string
  site?: string
  since?: string
  limit?: string
  json?: boolean
  follow?: boolean
  mesh?: boolean
}

const HEADER = ['START', 'KEY', 'CLIENT', 'FROM', 'TO', 'IN', 'OUT', 'MS', 'RESULT']
const AGO = /^(\d+)(s|m|h|d)$/
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `--since 15m` means 15 minutes ago; anything else goes to the router as it is (ISO or unix ms). */
function sinceParam (since: string, now = Date.now()): string {
  const ago = AGO.exec(since)
  return ago === null ? since : String(now - Number(ago[1]) * UNIT_MS[ago[2]])
}

export function flowRow (r: FlowRecord): string[] {
  const client = r.clientAddress === undefined ? '-' : `${r.clientAddress}:${r.clientPort ?? ''}`
  const result = r.status === undefined || r.result === 'closed' ? r.result : `${r.result} ${r.status}`
  return [r.start, r.key, client, r.ingressSite, r.targetSite ?? '-', String(r.bytesIn), String(r.bytesOut), String(r.durationMs), result]
}

export function formatFlows (flows: FlowRecord[]): string {
  return table(HEADER, flows.map(flowRow))
}

const MESH_HEADER = ['START', 'KEY', 'CLIENT', 'FROM', 'TO', 'CONNECTOR', 'IN', 'OUT', 'MS', 'RESULT']

/**
 * One row per connection: the ingress's record and the destination's of the
 * same connection (same ingress, same id) are merged; the ingress knows the
 * client, the destination the connector. Bytes and result are the ingress's
 * when it answered (what the client saw), else the destination's.
 */
export function mergeMeshFlows (flows: FlowRecord[]): FlowRecord[] {
  const open = new Map<string, number>()
  const rows: FlowRecord[] = []
  for (const r of flows) {
    const id = `${r.ingressPeer}/${r.connectionId}`
    const at = open.get(id)
    const other = at === undefined ? undefined : rows[at]
    if (at === undefined || other === undefined || other.side === r.side) {
      open.set(id, rows.length)
      rows.push(r)
      continue
    }
    const [ingress, destination] = r.side === 'ingress' ? [r, other] : [other, r]
    rows[at] = { ...destination, ...ingress, connector: destination.connector, targetSite: ingress.targetSite ?? destination.targetSite }
    open.delete(id)
  }
  return rows
}

export function formatMeshFlows (mesh: MeshFlows): string {
  const rows = mergeMeshFlows(mesh.flows).map(r => {
    const [start, key, client, from, to, bytesIn, bytesOut, ms, result] = flowRow(r)
    return [start, key, client, from, to, r.connector ?? '-', bytesIn, bytesOut, ms, result]
  })
  const sites = mesh.sites.map(s => {
    const what = s.state === 'answered' ? `${s.records} record${s.records === 1 ? '' : 's'}${s.truncated ? ' (the newest; more matched)' : ''}` : `${s.state}: ${s.message ?? ''}`
    return `  ${printable(s.site)}: ${printable(what)}\n`
  })
  return table(MESH_HEADER, rows) + '\nsites asked:\n' + sites.join('')
}

export async function flowsCommand (opts: FlowsOptions): Promise<number> {
  const q = new URLSearchParams()
  if (opts.key !== undefined) q.set('key', opts.key)
  if (opts.site !== undefined) q.set('site', opts.site)
  if (opts.since !== undefined) q.set('since', sinceParam(opts.since))
  if (opts.limit !== undefined) q.set('limit', opts.limit)
  if (opts.mesh === true && opts.follow === true) {
    process.stderr.write('portmesh: --mesh asks every member once; it does not combine with --follow\n')
    return 2
  }
  return await withApi(opts, async (api) => {
    if (opts.follow === true) {
      q.set('follow', '')
      await follow(api, `/v1/flows?${q.toString()}`, opts.json === true)
      return
    }
    if (opts.mesh === true) {
      q.set('mesh', '')
      const mesh = await callApi<MeshFlows>(api, 'GET', `/v1/flows?${q.toString()}`)
      process.stdout.write(opts.json === true ? JSON.stringify(mesh, null, 2) + '\n' : formatMeshFlows(mesh))
      return
    }
    const { flows } = await callApi<{ flows: FlowRecord[] }>(api, 'GET', `/v1/flows?${q.toString()}`)
    process.stdout.write(opts.json === true ? JSON.stringify(flows, null, 2) + '\n' : formatFlows(flows))
  })
}

/** Prints each 'flow' event as it comes: a JSON line, or a table row (columns sized for typical values). */
async function follow (api: ApiTarget, path: string, json: boolean): Promise<void> {
  let res: Response
  try {
    res = await fetch(`${api.base}${path}`, { headers: api.token !== undefined ? { authorization: `Bearer ${api.token}` } : {} })
  } catch {
    throw new ApiError(0, `no router is answering at ${api.base}`)
  }
  if (!res.ok || res.body === null) throw new ApiError(res.status, `the router refused: HTTP ${res.status}`)
  const widths = [24, 12, 21, 10, 10, 10, 10, 6, 0]
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => printable(c).padEnd(widths[i])).join('  ').trimEnd() + '\n'
  if (!json) process.stdout.write(line(HEADER))
  const decoder = new TextDecoder()
  let buffered = ''
  const reader = res.body.getReader()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffered += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      const data = event.split('\n').find(l => l.startsWith('data: '))
      if (!event.startsWith('event: flow') || data === undefined) continue
      const r = JSON.parse(data.slice(6)) as FlowRecord
      process.stdout.write(json ? JSON.stringify(r) + '\n' : line(flowRow(r)))
    }
  }
}
