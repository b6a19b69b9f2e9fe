import { DEFAULTS, parseHostPort } from '../config/config.js'
import { readApiToken } from '../config/load.js'

export interface ApiTarget {
  base: string
  token?: string
}

/** Where the running router's admin API is, from --api and --api-token (throws ConfigError). */
export function apiTarget (api: string | undefined, tokenFile: string | undefined): ApiTarget {
  const { host, port } = parseHostPort(api ?? DEFAULTS.api, '--api')
  return { base: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, token: tokenFile === undefined ? undefined : readApiToken(tokenFile) }
}

/** Calls the admin API; every failure is one plain sentence. */
export async function callApi<T> (target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(`${target.base}${path}`, {
      method,
      headers: {
        ...(target.token !== undefined ? { authorization: `Bearer ${target.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {})
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000)
    })
  } catch {
    throw new Error(`no router is answering at ${target.base} (is \`portmesh run\` running, with this --api address?)`)
  }
  const payload = await res.json().catch(() => ({})) as { error?: string }
  if (res.status === 401) throw new Error(`the router at ${target.base} needs its API token (--api-token FILE)`)
  if (!res.ok) throw new Error(`the router refused: ${payload.error ?? `HTTP ${res.status}`}`)
  return payload as T
}
