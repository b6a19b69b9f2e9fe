/**
 * A module loader hook (see rogue-transit.ts): rewrites the one line of
 * net/tunnel.js where a transit hop forwards the header. If that line
 * changes, loading fails loudly, so the hostile-transit test cannot pass
 * without its attack in place.
 */
const FORWARD = 'out.send(encodeFrame(encodeTunnelHeader({ ...header, hopLimit: header.hopLimit - 1 })));'
const HOSTILE = 'out.send(encodeFrame(encodeTunnelHeader(globalThis.portmeshRogueRewrite({ ...header, hopLimit: header.hopLimit - 1 }))));'

interface Loaded { format?: string, source?: string | ArrayBuffer | Uint8Array }
type NextLoad = (url: string, context: unknown) => Promise<Loaded>

export async function load (url: string, context: unknown, nextLoad: NextLoad): Promise<Loaded> {
  const result = await nextLoad(url, context)
  if (!url.endsWith('/src/net/tunnel.js') || result.source === undefined) return result
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8')
  if (!source.includes(FORWARD)) throw new Error('rogue transit: the forwarding line of net/tunnel.js changed; update test/helpers/rogue-transit-loader.ts')
  return { ...result, source: source.replace(FORWARD, HOSTILE) }
}
