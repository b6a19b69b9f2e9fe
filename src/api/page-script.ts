/**
 * The console's script (served at /assets/console.js, for the status page in
 * page.ts). Data: /v1/status and /v1/topology when /v1/events announces a
 * change; the shares, site-pair traffic and link throughput from its ticks;
 * the last connections from its flow events, seeded once per connection of
 * the stream from GET /v1/flows. Everything from the network is escaped
 * before it reaches markup (Cytoscape draws labels as canvas text).
 * Browser JavaScript in a raw string: no backticks or dollar-braces inside.
 */
export const CONSOLE_SCRIPT = String.raw`'use strict'
const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif'
const NODE_FONT_PX = 13
const FLOWS_KEPT = 1000
const FLOWS_SHOWN = 200
const cy = window.cy = cytoscape({
  container: document.getElementById('graph'),
  style: [
    { selector: 'node', style: { 'shape': 'round-rectangle', 'background-color': '#fff', 'border-width': 2, 'border-color': '#8c959f', 'label': 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'font-size': NODE_FONT_PX, 'font-family': FONT, 'line-height': 1.3, 'width': 'data(w)', 'height': 'data(h)', 'color': '#1d2733' } },
    { selector: 'node[?self]', style: { 'border-color': '#1f6feb', 'border-width': 3 } },
    { selector: 'edge[kind = "link"]', style: { 'width': 2, 'line-color': '#8c959f', 'label': 'data(label)', 'font-size': 11, 'color': '#5d6b7a', 'text-background-color': '#f7f9fb', 'text-background-opacity': 1, 'text-background-padding': '2px', 'curve-style': 'bezier' } },
    { selector: 'edge[kind = "pair"]', style: { 'width': 'data(width)', 'line-color': '#d9480f', 'target-arrow-color': '#d9480f', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.9, 'opacity': 0.85, 'curve-style': 'unbundled-bezier', 'control-point-distances': 'data(bow)', 'control-point-weights': 0.5, 'label': 'data(label)', 'text-wrap': 'wrap', 'font-size': 12, 'color': '#8a2c00', 'text-background-color': '#fff', 'text-background-opacity': 0.9, 'text-background-padding': '2px', 'text-border-width': 1, 'text-border-color': '#f3c7b0', 'text-border-opacity': 1, 'z-index': 2 } },
    { selector: 'edge[kind = "pair"][?idle]', style: { 'opacity': 0.35, 'line-style': 'dashed' } },
    { selector: 'edge[kind = "pair"][?loop]', style: { 'curve-style': 'bezier', 'loop-direction': '-45deg', 'loop-sweep': '-60deg', 'control-point-step-size': 60 } }
  ],
  layout: { name: 'grid' },
  minZoom: 0.2,
  maxZoom: 1.5
})
const el = (id) => document.getElementById(id)
// A node is as large as its label (Cytoscape's own sizing by label is deprecated): measured once per label.
const measure = document.createElement('canvas').getContext('2d')
const nodeSize = (label) => {
  measure.font = NODE_FONT_PX + 'px ' + FONT
  const lines = label.split('\n')
  return { w: Math.ceil(Math.max(...lines.map(l => measure.measureText(l).width))) + 24, h: Math.ceil(lines.length * NODE_FONT_PX * 1.3) + 18 }
}
const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))
const td = (v, cls, attrs) => '<td' + (cls ? ' class="' + cls + '"' : '') + (attrs || '') + '>' + esc(v) + '</td>'
const none = (cols, what) => '<tr><td colspan="' + cols + '" class="none">' + esc(what || 'none') + '</td></tr>'
const rows = (id, cols, list) => { el(id).querySelector('tbody').innerHTML = list.length ? list.map(r => '<tr>' + r.join('') + '</tr>').join('') : none(cols) }
const rate = (bps) => bps >= 1e6 ? (bps / 1e6).toFixed(1) + ' MB/s' : bps >= 1e3 ? (bps / 1e3).toFixed(1) + ' kB/s' : Math.round(bps) + ' B/s'
const bytes = (n) => n >= 1e9 ? (n / 1e9).toFixed(2) + ' GB' : n >= 1e6 ? (n / 1e6).toFixed(2) + ' MB' : n >= 1e3 ? (n / 1e3).toFixed(1) + ' kB' : n + ' B'
const pct = (part, whole) => whole > 0 ? Math.round(100 * part / whole) : 0
const two = (n) => String(n).padStart(2, '0')
const clock = (iso) => { const d = new Date(iso); return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds()) }
const duration = (ms) => ms < 1000 ? ms + ' ms' : ms < 60000 ? (ms / 1000).toFixed(1) + ' s' : Math.floor(ms / 60000) + ' min ' + two(Math.floor(ms / 1000) % 60) + ' s'
// Edge width grows with the logarithm of the rate: 1 kB/s and 100 MB/s both stay visible.
const pairWidth = (bps) => Math.min(16, 1.5 + 2.2 * Math.log10(1 + bps / 1000))

let status = null
let selfId = ''
let layoutKey = ''
// Rates are measured over at least RATE_WINDOW_MS between two ticks (the stream also ticks on changes, sooner).
const RATE_WINDOW_MS = 900
const NO_TICK = { at: 0, links: {}, services: [], pairs: [], meshPairs: [] }
let rateFrom = null
let rateTo = null
let linkRates = {}

async function refresh () {
  const [s, topo] = await Promise.all([fetch('/v1/status').then(r => r.json()), fetch('/v1/topology').then(r => r.json())])
  status = s
  selfId = s.peerId
  el('site').textContent = s.site
  el('site').title = s.site
  el('peer').textContent = s.peerId
  const open = new Map()
  for (const svc of s.services) for (const t of svc.targets) open.set(t.peerId, (open.get(t.peerId) || 0) + t.openConnections)
  const label = (n) => n.site + (n.services.length ? '\n' + n.services.map(x => x.routingKey).join(', ') : '') + (open.get(n.peerId) ? '\n' + open.get(n.peerId) + ' open from here' : '')
  const wanted = new Set()
  for (const n of topo.nodes) {
    wanted.add(n.peerId)
    const text = label(n)
    const data = { id: n.peerId, label: text, self: n.self, site: n.site, ...nodeSize(text) }
    const existing = cy.getElementById(n.peerId)
    if (existing.nonempty()) existing.data(data); else cy.add({ group: 'nodes', data })
  }
  for (const e of topo.edges) {
    const id = 'link:' + (e.a < e.b ? e.a + '~' + e.b : e.b + '~' + e.a)
    wanted.add(id)
    const data = { id, kind: 'link', source: e.a, target: e.b, label: 'cost ' + e.cost, cost: e.cost }
    const existing = cy.getElementById(id)
    if (existing.nonempty()) existing.data(data); else cy.add({ group: 'edges', data })
  }
  // Pair edges are the ticks' business; they go only with a site that went.
  cy.elements().filter(x => x.data('kind') !== 'pair' && !wanted.has(x.id())).remove()
  const key = [...wanted].sort().join(',')
  if (key !== layoutKey) {
    layoutKey = key
    // This site at the top, every other site below it by hop count; links alone shape it.
    const self = topo.nodes.find(n => n.self)
    cy.elements('node, edge[kind = "link"]').layout({ name: 'breadthfirst', roots: self ? [self.peerId] : undefined, animate: false }).run()
    spreadOverGraph()
  }
  rows('listeners', 3, s.listeners.map(l => [td(l.routingKey + (l.activeKey !== l.routingKey ? ' → ' + l.activeKey : '')), td(l.host + ':' + l.port), td(l.openConnections, 'num')]))
  rows('connectors', 3, s.connectors.map(c => [td(c.routingKey + (c.weight !== 1 ? ' ×' + c.weight : '')), td(c.host + ':' + c.port), td(c.healthy === false ? 'not answering' : 'ok')]))
  renderLinks()
}

/**
 * Breadthfirst spaces its levels by its own rule, often beyond the graph's
 * height, and fitting that would shrink every label. Its order is kept and
 * its positions stretched or squeezed into the graph's box at zoom 1, unless
 * that would make sites overlap (a large mesh): then it is fitted instead.
 */
function spreadOverGraph () {
  const nodes = cy.nodes()
  if (nodes.empty()) return
  const xs = nodes.map(n => n.position('x'))
  const ys = nodes.map(n => n.position('y'))
  const maxW = Math.max(...nodes.map(n => n.data('w')))
  const maxH = Math.max(...nodes.map(n => n.data('h')))
  // Room for the pair edges' bows at the sides and for the legend at the top.
  const left = 70 + maxW / 2
  const right = Math.max(left, cy.width() - 70 - maxW / 2)
  const top = 56 + maxH / 2
  const bottom = Math.max(top, cy.height() - 24 - maxH / 2)
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  const levels = new Set(ys.map(Math.round)).size
  const columnsFit = nodes.every(a => nodes.every(b => a === b || Math.round(a.position('y')) !== Math.round(b.position('y')) || Math.abs(a.position('x') - b.position('x')) * (right - left) / Math.max(1, x1 - x0) >= (a.data('w') + b.data('w')) / 2 + 16))
  if (!columnsFit || (levels > 1 && (bottom - top) / (levels - 1) < maxH + 24)) {
    cy.fit(undefined, 40)
    return
  }
  const map = (v, lo, hi, a, b) => hi === lo ? (a + b) / 2 : a + (v - lo) * (b - a) / (hi - lo)
  nodes.positions(n => ({ x: map(n.position('x'), x0, x1, left, right), y: map(n.position('y'), y0, y1, top, bottom) }))
  cy.zoom(1)
  cy.pan({ x: 0, y: 0 })
}

function renderLinks () {
  if (!status) return
  rows('links', 5, status.links.map(l => [td(l.site || '?'), td(l.state, l.state === 'up' ? 'up' : 'down'), td(l.cost, 'num'), td(l.rttMs === undefined ? '–' : l.rttMs + ' ms', 'num'), td(linkRates[l.peerId] !== undefined ? rate(linkRates[l.peerId]) : '–', 'num')]))
}

const perSecond = (now, before, dt) => before === undefined || dt <= 0 ? undefined : Math.max(0, (now - before) / dt)

/** Open connections from the newest tick; rates over the last window of at least RATE_WINDOW_MS. */
function onTick (tick) {
  if (rateTo === null || tick.at - rateTo.at >= RATE_WINDOW_MS) {
    rateFrom = rateTo
    rateTo = tick
  }
  const win = { from: rateFrom || NO_TICK, to: rateTo, dt: rateFrom ? (rateTo.at - rateFrom.at) / 1000 : 0 }
  linkRates = {}
  for (const peer of Object.keys(tick.links)) {
    const [a, b] = [win.to.links[peer], win.from.links[peer]]
    const r = a === undefined || b === undefined ? undefined : perSecond(a.in + a.out, b.in + b.out, win.dt)
    if (r !== undefined) linkRates[peer] = r
  }
  renderLinks()
  renderShares(tick, win)
  renderPairs(tick, win)
}

/** Per routing key of this site's listeners: each target's share of open connections and of bytes/s. */
function renderShares (tick, win) {
  const bytesBy = (t) => {
    const m = new Map()
    for (const svc of t.services) for (const x of svc.targets) m.set(svc.key + '\n' + x.peerId, x.bytesIn + x.bytesOut)
    return m
  }
  const [before, after] = [bytesBy(win.from), bytesBy(win.to)]
  let openTotal = 0
  const html = tick.services.map(svc => {
    const targets = svc.targets.map(t => {
      const id = svc.key + '\n' + t.peerId
      return { ...t, bps: after.has(id) ? perSecond(after.get(id), before.get(id), win.dt) : undefined }
    })
    const open = targets.reduce((a, t) => a + t.open, 0)
    const bps = targets.reduce((a, t) => a + (t.bps || 0), 0)
    const known = targets.some(t => t.bps !== undefined)
    openTotal += open
    const head = '<tr><th colspan="3" class="key">' + esc(svc.key) + '<span>' + open + ' open' + (known ? ' · ' + esc(rate(bps)) : '') + '</span></th></tr>'
    const body = targets.length === 0
      ? none(3, 'no reachable target')
      : targets.map(t => {
        // No share of nothing: without open connections (or bytes) a target shows its count alone.
        const openShare = pct(t.open, open)
        const byteShare = pct(t.bps || 0, bps)
        return '<tr data-key="' + esc(svc.key) + '" data-target="' + esc(t.peerId) + '">' +
          '<td title="' + esc(t.site + ' ' + t.peerId) + '"><div class="name">' + esc(t.site || t.peerId) + '</div><div class="sub">' + (t.weight > 0 ? 'cost ' + esc(t.cost) + ' · weight ' + esc(t.weight) : 'unreachable now') + '</div></td>' +
          '<td class="share" data-open="' + t.open + '" data-open-share="' + openShare + '">' + t.open + (open > 0 ? ' · ' + openShare + '%' : '') + '<div class="bar"><i style="width:' + openShare + '%"></i></div></td>' +
          '<td class="share" data-bytes-share="' + byteShare + '">' + (t.bps === undefined ? '–' : esc(rate(t.bps)) + (bps > 0 ? ' · ' + byteShare + '%' : '')) + '<div class="bar bytes"><i style="width:' + byteShare + '%"></i></div></td></tr>'
      }).join('')
    return '<tbody data-key="' + esc(svc.key) + '">' + head + body + '</tbody>'
  }).join('')
  const table = el('shares')
  for (const b of [...table.tBodies]) b.remove()
  table.insertAdjacentHTML('beforeend', html || '<tbody>' + none(3, 'no listener at this site') + '</tbody>')
  document.querySelector('[data-open-total]').textContent = openTotal
}

/** One directed edge per pair of sites (keys summed), its width by bytes/s; between any two sites the tick names. */
function renderPairs (tick, win) {
  const sum = (pairs) => {
    const m = new Map()
    for (const p of pairs) {
      const id = p.fromPeer + '>' + p.toPeer
      const a = m.get(id) || { from: p.fromPeer, to: p.toPeer, bytes: 0, open: 0, keys: new Set() }
      a.bytes += p.bytesIn + p.bytesOut
      a.open += p.open
      a.keys.add(p.key)
      m.set(id, a)
    }
    return m
  }
  const now = sum(tick.pairs)
  // Pairs between two other sites, as their ingress reported them (every few seconds, with the rate between reports).
  for (const p of tick.meshPairs || []) {
    const id = p.fromPeer + '>' + p.toPeer
    if (now.has(id) && now.get(id).remoteBps === undefined) continue
    const a = now.get(id) || { from: p.fromPeer, to: p.toPeer, bytes: 0, open: 0, keys: new Set(), remoteBps: 0 }
    a.bytes += p.bytesIn + p.bytesOut
    a.open += p.open
    a.keys.add(p.key)
    a.remoteBps += p.bps || 0
    now.set(id, a)
  }
  const [before, after] = [sum(win.from.pairs), sum(win.to.pairs)]
  const wanted = new Set()
  const nodes = cy.nodes()
  const centre = nodes.reduce((c, n) => ({ x: c.x + n.position('x') / nodes.length, y: c.y + n.position('y') / nodes.length }), { x: 0, y: 0 })
  for (const [id, a] of now) {
    // A pair is drawn between two sites on the graph; one of an unknown site waits for the topology.
    if (cy.getElementById(a.from).empty() || cy.getElementById(a.to).empty()) continue
    const bps = a.remoteBps !== undefined ? a.remoteBps : (after.has(id) && perSecond(after.get(id).bytes, before.has(id) ? before.get(id).bytes : undefined, win.dt)) || 0
    const keys = [...a.keys].sort()
    const idle = bps < 1 && a.open === 0
    const data = { id: 'pair:' + id, kind: 'pair', source: a.from, target: a.to, loop: a.from === a.to, bow: bowAway(a.from, a.to, centre, now.has(a.to + '>' + a.from) && a.from > a.to), bps, open: a.open, bytes: a.bytes, keys: keys.join(','), idle, width: idle ? 1.5 : pairWidth(bps), label: idle ? '' : rate(bps) + '\n' + a.open + ' open · ' + (keys.length > 2 ? keys.slice(0, 2).join(', ') + ' +' + (keys.length - 2) : keys.join(', ')) }
    wanted.add(data.id)
    const existing = cy.getElementById(data.id)
    if (existing.nonempty()) existing.data(data); else cy.add({ group: 'edges', data })
  }
  cy.edges('[kind = "pair"]').filter(e => !wanted.has(e.id())).remove()
}

/**
 * How far a pair edge bows from the straight line between its sites, and to
 * which side: away from the middle of the graph, where the links and the
 * other sites are (Cytoscape bows a positive distance to the left of the
 * direction of travel). The second of two opposite pairs bows further.
 */
function bowAway (from, to, centre, second) {
  const s = cy.getElementById(from).position()
  const t = cy.getElementById(to).position()
  const dx = t.x - s.x
  const dy = t.y - s.y
  const len = Math.hypot(dx, dy) || 1
  const left = { x: -dy / len, y: dx / len }
  const side = ((s.x + t.x) / 2 - centre.x) * left.x + ((s.y + t.y) / 2 - centre.y) * left.y >= 0 ? 1 : -1
  return side * (40 + 0.15 * len) * (second ? 1.9 : 1)
}

// ---- the last connections ----

let flows = []
const flowIds = new Set()
const flowId = (r) => r.side + ' ' + r.ingressPeer + ' ' + r.connectionId + ' ' + r.end

function addFlows (list) {
  let added = false
  for (const r of list) {
    const id = flowId(r)
    if (flowIds.has(id)) continue
    flowIds.add(id)
    flows.push(r)
    added = true
  }
  if (!added) return
  flows.sort((a, b) => a.end < b.end ? -1 : a.end > b.end ? 1 : 0)
  if (flows.length > FLOWS_KEPT) {
    for (const r of flows.slice(0, flows.length - FLOWS_KEPT)) flowIds.delete(flowId(r))
    flows = flows.slice(flows.length - FLOWS_KEPT)
  }
  scheduleFlows()
}

function flowMatches (r, key, site) {
  if (key && !String(r.key).toLowerCase().includes(key)) return false
  if (!site) return true
  return [r.ingressSite, r.targetSite].some(s => s && String(s).toLowerCase().includes(site)) || [r.ingressPeer, r.targetPeer].some(p => p && String(p).toLowerCase().startsWith(site))
}

function renderFlows () {
  const key = el('filter-key').value.trim().toLowerCase()
  const site = el('filter-site').value.trim().toLowerCase()
  const matched = []
  for (let i = flows.length - 1; i >= 0 && matched.length < FLOWS_SHOWN; i--) if (flowMatches(flows[i], key, site)) matched.push(flows[i])
  const body = el('flow-table').querySelector('tbody')
  body.innerHTML = matched.length === 0
    ? none(8, flows.length === 0 ? 'no connection has ended yet' : 'no connection matches')
    : matched.map(r => {
      const client = r.side === 'ingress' ? (r.clientAddress && r.clientAddress.includes(':') ? '[' + r.clientAddress + ']' : r.clientAddress) + ':' + r.clientPort : '—'
      const fromTo = (r.ingressSite || r.ingressPeer) + ' → ' + (r.targetSite || r.targetPeer || '—')
      const result = r.result + (r.status && r.result !== 'closed' ? ' · ' + r.status : '')
      const title = (r.reason ? r.reason : '') + (r.reforwarded && r.reforwarded.length ? (r.reason ? '; ' : '') + 'tried before: ' + r.reforwarded.map(a => a.site + ' ' + a.status).join(', ') : '')
      return '<tr data-key="' + esc(r.key) + '" data-side="' + esc(r.side) + '" data-in="' + esc(r.bytesIn) + '" data-out="' + esc(r.bytesOut) + '" data-result="' + esc(r.result) + '">' +
        td(clock(r.end), '', ' title="' + esc(r.start + ' – ' + r.end) + '"') + td(r.key) +
        td(client, '', r.side === 'ingress' ? '' : ' title="recorded at the destination; the ingress knows the client"') +
        td(fromTo, '', ' title="' + esc(fromTo) + '"') +
        td(bytes(r.bytesIn), 'num', ' title="' + esc(r.bytesIn) + ' bytes"') + td(bytes(r.bytesOut), 'num', ' title="' + esc(r.bytesOut) + ' bytes"') +
        td(duration(r.durationMs), 'num') + td(result, r.result, title ? ' title="' + esc(title) + '"' : '') + '</tr>'
    }).join('')
  el('flow-count').textContent = matched.length + ' shown of ' + flows.length
}

let flowsPending = false
function scheduleFlows () {
  if (flowsPending) return
  flowsPending = true
  setTimeout(() => { flowsPending = false; renderFlows() }, 150)
}
el('filter-key').addEventListener('input', renderFlows)
el('filter-site').addEventListener('input', renderFlows)

async function seedFlows () {
  const { flows: list } = await fetch('/v1/flows?limit=' + FLOWS_KEPT).then(r => r.json())
  addFlows(list)
  renderFlows()
}

// ---- the stream ----

let pending = false
function scheduleRefresh () {
  if (pending) return
  pending = true
  setTimeout(() => { pending = false; refresh().catch(() => {}) }, 100)
}

const events = new EventSource('/v1/events')
events.addEventListener('open', () => {
  el('state').textContent = 'live'
  // After a reconnect, the records that ended meanwhile; the rest are already here.
  seedFlows().catch(() => {})
  scheduleRefresh()
})
// A restarted router counts from zero: no rate across the gap.
events.addEventListener('error', () => { el('state').textContent = 'reconnecting…'; rateFrom = rateTo = null })
events.addEventListener('change', scheduleRefresh)
events.addEventListener('tick', (e) => onTick(JSON.parse(e.data)))
events.addEventListener('flow', (e) => addFlows([JSON.parse(e.data)]))
refresh().catch(() => {})
renderFlows()
`
