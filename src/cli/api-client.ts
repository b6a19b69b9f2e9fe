import { DEFAULTS, parseHostPort } from '../config/config.js'
import { readApiToken } from '../config/load.js'
import { ConfigError } from '../config/errors.js'
import { API_TOKEN_FILE, apiAddressPath, apiTokenPath, readApiAddress, readApiCredentialIfReadable } from '../api/credential.js'

export interface ApiOptions {
  api?: string
  apiToken?: string
  dataDir?: string
}

export interface ApiTarget {
  base: string
  token?: string
  /** Where the address came from, when not from --api (for the "nobody answers" sentence). */
  addressFrom?: string
  /** Where the credential came from (for the "refused" sentence). */
  tokenFrom?: string
}

/** --data-dir, else PORTMESH_DATA_DIR; `run` and every other command look in the same place. */
export function dataDirOption (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env.PORTMESH_DATA_DIR !== undefined && env.PORTMESH_DATA_DIR !== '' ? env.PORTMESH_DATA_DIR : undefined)
}

/** A router bound to a wildcard is reached on loopback. */
const WILDCARD_TO_LOOPBACK: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' }

/**
 * Where the running router's admin API is and the credential to send:
 * --api, else the address the router recorded in its data dir, else the
 * default; --api-token's file, else the data dir's api-token when readable.
 * Throws ConfigError for a setting that does not parse.
 */
export function apiTarget (opts: ApiOptions, env: NodeJS.ProcessEnv = process.env): ApiTarget {
  const dataDir = dataDirOption(opts.dataDir, env) ?? DEFAULTS.dataDir
  const recorded = opts.api === undefined ? readApiAddress(dataDir) : undefined
  const parsed = parseHostPort(opts.api ?? recorded ?? DEFAULTS.api, recorded !== undefined ? apiAddressPath(dataDir) : '--api')
  const host = recorded !== undefined ? WILDCARD_TO_LOOPBACK[parsed.host] ?? parsed.host : parsed.host
  const fromDir = opts.apiToken === undefined ? readApiCredentialIfReadable(dataDir) : undefined
  return {
    base: `http://${host.includes(':') ? `[${host}]` : host}:${parsed.port}`,
    token: opts.apiToken !== undefined ? readApiToken(opts.apiToken) : fromDir,
    addressFrom: recorded !== undefined ? apiAddressPath(dataDir) : undefined,
    tokenFrom: opts.apiToken ?? (fromDir !== undefined ? apiTokenPath(dataDir) : undefined)
  }
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
    throw new ApiError(0, target.addressFrom !== undefined
      ? `no router is answering at ${target.base}, the address recorded in ${target.addressFrom} (is its \`portmesh run\` still running?)`
      : `no router is answering at ${target.base} (is \`portmesh run\` running, with this --api address or --data-dir?)`)
  }
  const payload = res.status === 204 ? {} : await res.json().catch(() => ({})) as { error?: string }
  if (res.status === 401) {
    throw new ApiError(401, target.tokenFrom !== undefined
      ? `the router at ${target.base} did not accept the API token from ${target.tokenFrom} (use the router's own: --data-dir of the router, or its --api-token FILE)`
      : `the router at ${target.base} needs its API token: give the router's data dir with --data-dir DIR (it holds ${API_TOKEN_FILE}) or --api-token FILE`)
  }
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
    target = apiTarget(opts)
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
