/**
 * The status page served at `/`: the mesh as this site sees it, drawn with
 * Cytoscape (served from the package, at /assets/cytoscape.min.js: no CDN,
 * meshes run in closed networks). It redraws on every change announced on
 * /v1/events and shows live throughput from the stream's ticks.
 */
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portmesh</title>
<style>
  :root { --fg: #1d2733; --muted: #5d6b7a; --line: #d5dbe1; --accent: #1f6feb; --bg: #f7f9fb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); display: grid; grid-template-columns: 1fr 360px; grid-template-rows: auto 1fr; height: 100vh; }
  header { grid-column: 1 / 3; padding: 10px 16px; border-bottom: 1px solid var(--line); background: #fff; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  header .muted { color: var(--muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #state { margin-left: auto; font-size: 12px; color: var(--muted); }
  #graph { min-height: 300px; }
  aside { border-left: 1px solid var(--line); background: #fff; overflow: auto; padding: 8px 14px; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 14px 0 6px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 3px 4px; border-bottom: 1px solid var(--line); }
  th { color: var(--muted); font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .up { color: #1a7f37; } .down { color: #cf222e; }
</style>
</head>
<body>
<header><h1 id="site">portmesh</h1><span class="muted" id="peer"></span><span id="state">connecting…</span></header>
<div id="graph"></div>
<aside>
  <h2>Open connections from this site <span data-open-total>0</span></h2>
  <table id="services"><thead><tr><th>Routing key</th><th>Target</th><th class="num">Cost</th><th class="num">Open</th></tr></thead><tbody></tbody></table>
  <h2>Throughput (this site's clients)</h2>
  <table id="throughput"><thead><tr><th>Routing key</th><th class="num">In</th><th class="num">Out</th></tr></thead><tbody></tbody></table>
  <h2>Links</h2>
  <table id="links"><thead><tr><th>Site</th><th>State</th><th class="num">Cost</th><th class="num">RTT</th><th class="num">Traffic</th></tr></thead><tbody></tbody></table>
  <h2>Listeners</h2>
  <table id="listeners"><thead><tr><th>Routing key</th><th>Address</th><th class="num">Open</th></tr></thead><tbody></tbody></table>
  <h2>Connectors</h2>
  <table id="connectors"><thead><tr><th>Routing key</th><th>Address</th><th>Workload</th></tr></thead><tbody></tbody></table>
</aside>
<script src="/assets/cytoscape.min.js"></script>
<script>
'use strict'
const cy = window.cy = cytoscape({
  container: document.getElementById('graph'),
  style: [
    { selector: 'node', style: { 'shape': 'round-rectangle', 'background-color': '#fff', 'border-width': 2, 'border-color': '#8c959f', 'label': 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'font-size': 12, 'width': 'label', 'height': 'label', 'padding': '10px', 'color': '#1d2733' } },
    { selector: 'node[?self]', style: { 'border-color': '#1f6feb', 'border-width': 3 } },
    { selector: 'edge', style: { 'width': 2, 'line-color': '#8c959f', 'label': 'data(label)', 'font-size': 11, 'text-background-color': '#f7f9fb', 'text-background-opacity': 1, 'curve-style': 'bezier' } },
    { selector: 'edge[?active]', style: { 'line-color': '#1f6feb', 'width': 4 } }
  ],
  layout: { name: 'grid' },
  minZoom: 0.2,
  maxZoom: 1.2,
  wheelSensitivity: 0.2
})
const el = (id) => document.getElementById(id)
const esc = (s) => String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]))
const rows = (id, list) => { el(id).querySelector('tbody').innerHTML = list.length ? list.map(r => '<tr>' + r.join('') + '</tr>').join('') : '<tr><td colspan="5" style="color:#5d6b7a">none</td></tr>' }
const td = (v, cls) => '<td' + (cls ? ' class="' + cls + '"' : '') + '>' + esc(v) + '</td>'
const rate = (bps) => bps >= 1e6 ? (bps / 1e6).toFixed(1) + ' MB/s' : bps >= 1e3 ? (bps / 1e3).toFixed(1) + ' kB/s' : Math.round(bps) + ' B/s'
let status = null
let lastTick = null
let layoutKey = ''

async function refresh () {
  const [s, topo] = await Promise.all([fetch('/v1/status').then(r => r.json()), fetch('/v1/topology').then(r => r.json())])
  status = s
  el('site').textContent = s.site
  el('peer').textContent = s.peerId
  const open = new Map()
  for (const svc of s.services) for (const t of svc.targets) open.set(t.peerId, (open.get(t.peerId) || 0) + t.openConnections)
  const label = (n) => n.site + (n.services.length ? '\\n' + n.services.map(x => x.routingKey).join(', ') : '') + (open.get(n.peerId) ? '\\n' + open.get(n.peerId) + ' open from here' : '')
  const wanted = new Set()
  for (const n of topo.nodes) {
    wanted.add(n.peerId)
    const data = { id: n.peerId, label: label(n), self: n.self, site: n.site }
    const existing = cy.getElementById(n.peerId)
    if (existing.nonempty()) existing.data(data); else cy.add({ group: 'nodes', data })
  }
  for (const e of topo.edges) {
    const id = e.a < e.b ? e.a + '~' + e.b : e.b + '~' + e.a
    wanted.add(id)
    const active = open.get(e.a) > 0 || open.get(e.b) > 0
    const data = { id, source: e.a, target: e.b, label: 'cost ' + e.cost, cost: e.cost, active }
    const existing = cy.getElementById(id)
    if (existing.nonempty()) existing.data(data); else cy.add({ group: 'edges', data })
  }
  cy.elements().filter(x => !wanted.has(x.id())).remove()
  const key = [...wanted].sort().join(',')
  if (key !== layoutKey) {
    layoutKey = key
    // This site at the top, every other site below it by hop count.
    const self = topo.nodes.find(n => n.self)
    cy.layout({ name: 'breadthfirst', roots: self ? [self.peerId] : undefined, spacingFactor: 1.3, padding: 40, animate: false }).run()
    cy.fit(undefined, 40)
  }
  const total = [...open.values()].reduce((a, b) => a + b, 0)
  document.querySelector('[data-open-total]').textContent = total
  rows('services', s.services.flatMap(svc => svc.targets.map(t => [td(svc.routingKey), td(t.site + (t.peerId === s.peerId ? ' (here)' : '')), td(t.cost, 'num'), td(t.openConnections, 'num')])))
  rows('listeners', s.listeners.map(l => [td(l.routingKey), td(l.host + ':' + l.port), td(l.openConnections, 'num')]))
  rows('connectors', s.connectors.map(c => [td(c.routingKey), td(c.host + ':' + c.port), td(c.healthy === false ? 'not answering' : 'ok')]))
  renderLinks()
}

function renderLinks (rates) {
  if (!status) return
  rows('links', status.links.map(l => [td(l.site || '?'), '<td class="' + (l.state === 'up' ? 'up' : 'down') + '">' + esc(l.state) + '</td>', td(l.cost, 'num'), td(l.rttMs === undefined ? '–' : l.rttMs + ' ms', 'num'), td(rates && rates[l.peerId] !== undefined ? rate(rates[l.peerId]) : '–', 'num')]))
}

function onTick (tick) {
  if (lastTick) {
    const dt = (tick.at - lastTick.at) / 1000
    const keys = Object.keys(tick.bytes)
    rows('throughput', keys.map(k => {
      const prev = lastTick.bytes[k] || { in: 0, out: 0 }
      return [td(k), td(rate((tick.bytes[k].in - prev.in) / dt), 'num'), td(rate((tick.bytes[k].out - prev.out) / dt), 'num')]
    }))
    const linkRates = {}
    for (const [peer, b] of Object.entries(tick.links)) {
      const prev = lastTick.links[peer] || { in: 0, out: 0 }
      linkRates[peer] = ((b.in - prev.in) + (b.out - prev.out)) / dt
    }
    renderLinks(linkRates)
  }
  lastTick = tick
}

let pending = false
function scheduleRefresh () {
  if (pending) return
  pending = true
  setTimeout(() => { pending = false; refresh().catch(() => {}) }, 100)
}

const events = new EventSource('/v1/events')
events.addEventListener('open', () => { el('state').textContent = 'live'; scheduleRefresh() })
events.addEventListener('error', () => { el('state').textContent = 'reconnecting…' })
events.addEventListener('change', scheduleRefresh)
events.addEventListener('tick', (e) => onTick(JSON.parse(e.data)))
refresh().catch(() => {})
</script>
</body>
</html>
`
