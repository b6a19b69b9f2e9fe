/**
 * A module loader hook (see rogue-transit.ts): rewrites the lines of
 * net/tunnel.js where a transit hop forwards the header and splices the
 * streams. If those lines change, loading fails loudly, so the
 * hostile-transit tests cannot pass without their attack in place.
 */
const REWRITES: Array<[string, string]> = [
  // Where a transit hop forwards the header.
  ['out.send(encodeFrame(encodeTunnelHeader({ ...header, hopLimit: header.hopLimit - 1 })));',
    'out.send(encodeFrame(encodeTunnelHeader(globalThis.portmeshRogueRewrite({ ...header, hopLimit: header.hopLimit - 1 }))));'],
  // Where a hop that is not the destination starts forwarding: it may answer in the destination's place.
  ['if (header.hopLimit <= 1) {',
    'if (globalThis.portmeshRogueAnswer(stream, header, rest)) return; if (header.hopLimit <= 1) {'],
  // Where it splices the two tunnel streams: every byte it carries is tapped.
  ['const result = splice(streamEndpoint(stream, `tunnel from $' + '{from}`',
    'const result = globalThis.portmeshRogueSplice(splice)(streamEndpoint(stream, `tunnel from $' + '{from}`']
]

interface Loaded { format?: string, source?: string | ArrayBuffer | Uint8Array }
type NextLoad = (url: string, context: unknown) => Promise<Loaded>

export async function load (url: string, context: unknown, nextLoad: NextLoad): Promise<Loaded> {
  const result = await nextLoad(url, context)
  if (!url.endsWith('/src/net/tunnel.js') || result.source === undefined) return result
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8')
  let out = source
  for (const [honest, hostile] of REWRITES) {
    if (!out.includes(honest)) throw new Error(`rogue transit: net/tunnel.js no longer has ${JSON.stringify(honest)}; update test/helpers/rogue-transit-loader.ts`)
    out = out.replace(honest, hostile)
  }
  return { ...result, source: out }
}
