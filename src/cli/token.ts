import type { TokenView } from '../api/types.js'
import { ConfigError } from '../config/errors.js'
import { callApi, withApi, type ApiOptions } from './api-client.js'
import { table } from './status.js'

export interface TokenIssueOptions extends ApiOptions {
  expires?: string
  uses?: string
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** "90s", "15m", "2h", "7d" → seconds. */
export function parseDuration (text: string, field: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim())
  if (m === null) throw new ConfigError(field, `expected a duration such as 90s, 15m, 2h or 7d, got ${JSON.stringify(text)}`)
  const seconds = Number(m[1]) * UNITS[m[2]]
  if (seconds < 1 || seconds > 365 * 86400) throw new ConfigError(field, 'must be between 1s and 365d')
  return seconds
}

/** `portmesh token issue`: prints one line, the token. */
export async function tokenIssueCommand (opts: TokenIssueOptions): Promise<number> {
  let expiresInSeconds: number
  let uses: number
  try {
    expiresInSeconds = parseDuration(opts.expires ?? '15m', '--expires')
    uses = opts.uses === undefined ? 1 : Number(opts.uses)
    if (!Number.isInteger(uses) || uses < 1 || uses > 1000) throw new ConfigError('--uses', `must be a whole number between 1 and 1000, got ${JSON.stringify(opts.uses)}`)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portmesh: invalid setting ${err.field}: ${err.reason}\n`)
      return 2
    }
    throw err
  }
  return await withApi(opts, async (api) => {
    const { token, expiresAt, id } = await callApi<{ token: string, expiresAt: string, id?: string }>(api, 'POST', '/v1/tokens', { expiresInSeconds, uses })
    process.stdout.write(`${token}\n`)
    if (process.stderr.isTTY === true) process.stderr.write(`(id ${id ?? '?'}, valid until ${expiresAt}, ${uses} use${uses === 1 ? '' : 's'}; give it to the site that should link here: portmesh run --link <token>)\n`)
  })
}

export function formatTokens (tokens: TokenView[]): string {
  return table(['ID', 'EXPIRES', 'USES LEFT', 'REDEEMED BY'], tokens.map(t => [t.id, t.expiresAt, String(t.usesLeft), t.redeemedBy.length === 0 ? '-' : t.redeemedBy.join(',')]))
}

/** `portmesh token list`: grants that can still be redeemed (never their secrets). */
export async function tokenListCommand (opts: ApiOptions & { json?: boolean }): Promise<number> {
  return await withApi(opts, async (api) => {
    const { tokens } = await callApi<{ tokens: TokenView[] }>(api, 'GET', '/v1/tokens')
    process.stdout.write(opts.json === true ? JSON.stringify(tokens, null, 2) + '\n' : formatTokens(tokens))
  })
}

/** `portmesh token revoke ID`: the token is refused from now on, with a sentence. */
export async function tokenRevokeCommand (id: string, opts: ApiOptions): Promise<number> {
  return await withApi(opts, async (api) => {
    await callApi(api, 'DELETE', `/v1/tokens/${encodeURIComponent(id)}`)
    process.stdout.write(`token ${id} revoked; redeeming it is refused from now on\n`)
  })
}
