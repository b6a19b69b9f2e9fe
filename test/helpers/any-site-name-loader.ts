/**
 * A module loader hook (see any-site-name.ts): rewrites the site-name check
 * of config/config.js so that a router calls itself by any name without
 * whitespace, as a modified router could (the wire checks only the length).
 * If that line changes, loading fails loudly, so the test that draws such a
 * name cannot pass without it.
 */
const HONEST = 'const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;'
const HOSTILE = 'const SITE_NAME = /^\\S{1,63}$/;'

interface Loaded { format?: string, source?: string | ArrayBuffer | Uint8Array }
type NextLoad = (url: string, context: unknown) => Promise<Loaded>

export async function load (url: string, context: unknown, nextLoad: NextLoad): Promise<Loaded> {
  const result = await nextLoad(url, context)
  if (!url.endsWith('/src/config/config.js') || result.source === undefined) return result
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8')
  if (!source.includes(HONEST)) throw new Error(`any site name: config/config.js no longer has ${JSON.stringify(HONEST)}; update test/helpers/any-site-name-loader.ts`)
  return { ...result, source: source.replace(HONEST, HOSTILE) }
}
