/**
 * The status page served at `/`, the console: the mesh as this site sees it,
 * drawn with Cytoscape (served from the package, at /assets/cytoscape.min.js:
 * no CDN, meshes run in closed networks), traffic between sites, each
 * target's share of this site's clients and the last connections. Its script
 * is /assets/console.js (page-script.ts); everything live comes from
 * /v1/events.
 */

/**
 * Site names, keys and refusal reasons come from the network: the script
 * escapes them, and this policy runs no script but the router's own, so a
 * name that slipped through as markup would still do nothing.
 */
export const STATUS_PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portmesh</title>
<link rel="icon" href="data:,">
<style>
  :root { --fg: #1d2733; --muted: #5d6b7a; --line: #d5dbe1; --accent: #1f6feb; --pair: #d9480f; --bg: #f7f9fb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); display: grid; grid-template-columns: minmax(0, 1fr) 420px; grid-template-rows: auto minmax(0, 1fr) 280px; height: 100vh; overflow: hidden; }
  header { grid-column: 1 / 3; padding: 8px 16px; border-bottom: 1px solid var(--line); background: #fff; display: flex; gap: 16px; align-items: baseline; min-width: 0; }
  header h1 { font-size: 18px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40%; }
  header .muted { color: var(--muted); font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
  #state { margin-left: auto; font-size: 12px; color: var(--muted); white-space: nowrap; }
  #graph-wrap { position: relative; min-height: 0; }
  #graph { position: absolute; inset: 0; }
  .legend { position: absolute; left: 12px; top: 10px; font-size: 12px; color: var(--muted); background: rgba(255,255,255,.85); border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; pointer-events: none; }
  .legend i { display: inline-block; width: 22px; height: 0; vertical-align: middle; margin-right: 5px; border-top: 2px solid #8c959f; }
  .legend i.pair { border-top: 3px solid var(--pair); }
  .legend span + span { margin-left: 12px; }
  aside { grid-column: 2; grid-row: 2 / 4; border-left: 1px solid var(--line); background: #fff; overflow: auto; padding: 4px 14px 12px; }
  h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 12px 0 4px; }
  table { border-collapse: collapse; width: 100%; table-layout: fixed; }
  th, td { text-align: left; padding: 3px 4px; border-bottom: 1px solid var(--line); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: top; }
  th { color: var(--muted); font-weight: 600; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .up, .closed { color: #1a7f37; } .down, .refused, .denied { color: #cf222e; } .reset { color: #bc4c00; }
  .none { color: var(--muted); }
  #shares th.key { color: var(--fg); font-weight: 600; padding-top: 8px; }
  #shares th.key span { color: var(--muted); font-weight: 400; float: right; }
  #shares .sub { color: var(--muted); font-size: 11px; }
  #shares .name { overflow: hidden; text-overflow: ellipsis; }
  #shares td.share { font-variant-numeric: tabular-nums; }
  .bar { height: 5px; background: #e7ebef; border-radius: 3px; margin-top: 3px; overflow: hidden; }
  .bar i { display: block; height: 100%; background: var(--accent); }
  .bar.bytes i { background: var(--pair); }
  #flows { grid-column: 1; grid-row: 3; border-top: 1px solid var(--line); background: #fff; display: flex; flex-direction: column; min-height: 0; min-width: 0; }
  #flows .bar-top { display: flex; align-items: center; gap: 10px; padding: 6px 12px; }
  #flows .bar-top h2 { margin: 0; }
  #flows label { color: var(--muted); font-size: 12px; }
  #flows input { font: inherit; font-size: 12px; width: 130px; padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; }
  #flow-count { margin-left: auto; color: var(--muted); font-size: 12px; white-space: nowrap; }
  #flows .scroll { overflow: auto; min-height: 0; flex: 1; padding: 0 12px 6px; }
  #flow-table thead th { position: sticky; top: 0; background: #fff; }
  #flow-table col.time { width: 72px; } #flow-table col.key { width: 10%; } #flow-table col.client { width: 15%; }
  #flow-table col.bytes { width: 80px; } #flow-table col.dur { width: 76px; } #flow-table col.result { width: 17%; }
</style>
</head>
<body>
<header><h1 id="site">portmesh</h1><span class="muted" id="peer"></span><span id="state">connecting…</span></header>
<div id="graph-wrap"><div id="graph"></div><div class="legend"><span><i></i>link, cost</span><span><i class="pair"></i>traffic between sites (width: bytes/s)</span></div></div>
<section id="flows">
  <div class="bar-top">
    <h2>Last connections</h2>
    <label>key <input id="filter-key" type="search" placeholder="any" autocomplete="off"></label>
    <label>site <input id="filter-site" type="search" placeholder="any" autocomplete="off"></label>
    <span id="flow-count"></span>
  </div>
  <div class="scroll">
    <table id="flow-table">
      <colgroup><col class="time"><col class="key"><col class="client"><col><col class="bytes"><col class="bytes"><col class="dur"><col class="result"></colgroup>
      <thead><tr><th>Time</th><th>Key</th><th>Client</th><th>From → to</th><th class="num">In</th><th class="num">Out</th><th class="num">Duration</th><th>Result</th></tr></thead>
      <tbody></tbody>
    </table>
  </div>
</section>
<aside>
  <h2>Services from this site · <span data-open-total>0</span> open</h2>
  <table id="shares"><colgroup><col style="width: 34%"><col><col></colgroup><thead><tr><th>Target</th><th>Open (share)</th><th>Bytes/s (share)</th></tr></thead></table>
  <h2>Links</h2>
  <table id="links"><colgroup><col style="width: 32%"><col><col style="width: 44px"><col style="width: 58px"><col style="width: 86px"></colgroup><thead><tr><th>Site</th><th>State</th><th class="num">Cost</th><th class="num">RTT</th><th class="num">Traffic</th></tr></thead><tbody></tbody></table>
  <h2>Listeners</h2>
  <table id="listeners"><colgroup><col style="width: 30%"><col><col style="width: 52px"></colgroup><thead><tr><th>Routing key</th><th>Address</th><th class="num">Open</th></tr></thead><tbody></tbody></table>
  <h2>Connectors</h2>
  <table id="connectors"><colgroup><col style="width: 30%"><col><col style="width: 30%"></colgroup><thead><tr><th>Routing key</th><th>Address</th><th>Workload</th></tr></thead><tbody></tbody></table>
</aside>
<script src="/assets/cytoscape.min.js"></script>
<script src="/assets/console.js"></script>
</body>
</html>
`
