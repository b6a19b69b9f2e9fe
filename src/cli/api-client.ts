import { DEFAULTS, parseHostPort } from '../config/config.js'
import { readApiToken } from '../config/load.js'
import { ConfigError } from '../config/errors.js'

export interface ApiOptions {
  api?: string
  apiToken?: string
}

export interface ApiTarget {
  base: string
  token?: string
}

/** Where the running router's admin API is, from --api and --api-token (throws ConfigError). */
export function apiTarget (api: string | undefined, tokenFile: string | undefined): ApiTarget {
  const { host, port } = parseHostPort(api ?? DEFAULTS.api, '--api')
  return { base: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, token: tokenFile === undefined ? undefined : readApiToken(tokenFile) }
}

/** The router answered with an error; `status` is the HTTP status (0: no answer). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor (readonly status: number, message: string) {
    super(message)
  }
}

/** Calls the admin API; every failure is an ApiError holding one plain sentence. */
export async function callApi<T> (target: ApiTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
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
    throw new ApiError(0, `no router is answering at ${target.base} (is \`portmesh run\` running, with this --api address?)`)
  }
  const payload = res.status === 204 ? {} : await res.json().catch(() => ({})) as { error?: string }
  if (res.status === 401) throw new ApiError(401, `the router at ${target.base} needs its API token (--api-token FILE)`)
  if (!res.ok) throw new ApiError(res.status, `the router refused: ${payload.error ?? `HTTP ${res.status}`}`)
  return payload as T
}

/**
 * Runs one admin API call for a command and turns every outcome into an exit
 * code: 0 done, 1 the router is not there or refused, 2 bad usage (the
 * router's 400, or a setting that does not parse here).
 */
export async function withApi (opts: ApiOptions, fn: (target: ApiTarget) => Promise<void>): Promise<number> {
  let target: ApiTarget
  try {
    target = apiTarget(opts.api, opts.apiToken)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`portmesh: invalid setting ${err.field}: ${err.reason}\n`)
      return 2
    }
    throw err
  }
  try {
    await fn(target)
    return 0
  } catch (err) {
    process.stderr.write(`portmesh: ${(err as Error).message}\n`)
    return err instanceof ApiError && err.status === 400 ? 2 : 1
  }
}
