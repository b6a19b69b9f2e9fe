import { existsSync, readFileSync } from 'node:fs'
import type { RouterStatus } from '../api/types.js'
import { callApi, withApi, type ApiOptions } from './api-client.js'
import { formatLinks, formatListeners, formatConnectors, formatRoutes } from './status.js'

function print (json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json === true ? JSON.stringify(value, null, 2) + '\n' : text)
}

/** A number argument as the API expects it; left as text when it is not one, so the router names the field. */
function num (value: string | undefined): number | string | undefined {
  return value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value
}

export async function linkCreate (target: string, opts: ApiOptions & { cost?: string, name?: string }): Promise<number> {
  // A file holding a token is read here; the router gets the token itself.
  const text = !target.startsWith('/') && !target.startsWith('portmesh-token') && existsSync(target) ? readFileSync(target, 'utf8').trim() : target
  return await withApi(opts, async (api) => {
    const r = await callApi<{ name: string }>(api, 'POST', '/v1/links', { target: text, cost: num(opts.cost), name: opts.name })
    process.stdout.write(`link ${r.name} created\n`)
  })
}

export async function linkDelete (name: string, opts: ApiOptions): Promise<number> {
  return await withApi(opts, async (api) => {
    await callApi(api, 'DELETE', `/v1/links/${encodeURIComponent(name)}`)
    process.stdout.write(`link ${name} deleted\n`)
  })
}

export async function linkStatus (opts: ApiOptions & { json?: boolean }): Promise<number> {
  return await withApi(opts, async (api) => {
    const { links } = await callApi<{ links: RouterStatus['links'] }>(api, 'GET', '/v1/links')
    print(opts.json, links, formatLinks(links))
  })
}

export async function listenerCreate (routingKey: string, port: string, opts: ApiOptions & { host?: string, name?: string }): Promise<number> {
  return await withApi(opts, async (api) => {
    const r = await callApi<{ name: string, port: number }>(api, 'POST', '/v1/listeners', { routingKey, port: num(port), host: opts.host, name: opts.name })
    process.stdout.write(`listener ${r.name} created on port ${r.port}\n`)
  })
}

export async function listenerDelete (name: string, opts: ApiOptions): Promise<number> {
  return await withApi(opts, async (api) => {
    await callApi(api, 'DELETE', `/v1/listeners/${encodeURIComponent(name)}`)
    process.stdout.write(`listener ${name} deleted\n`)
  })
}

export async function listenerStatus (opts: ApiOptions & { json?: boolean }): Promise<number> {
  return await withApi(opts, async (api) => {
    const { listeners } = await callApi<{ listeners: RouterStatus['listeners'] }>(api, 'GET', '/v1/listeners')
    print(opts.json, listeners, formatListeners(listeners))
  })
}

export async function connectorCreate (routingKey: string, port: string, opts: ApiOptions & { host?: string, cost?: string, name?: string }): Promise<number> {
  return await withApi(opts, async (api) => {
    const r = await callApi<{ name: string }>(api, 'POST', '/v1/connectors', { routingKey, port: num(port), host: opts.host, cost: num(opts.cost), name: opts.name })
    process.stdout.write(`connector ${r.name} created\n`)
  })
}

export async function connectorDelete (name: string, opts: ApiOptions): Promise<number> {
  return await withApi(opts, async (api) => {
    await callApi(api, 'DELETE', `/v1/connectors/${encodeURIComponent(name)}`)
    process.stdout.write(`connector ${name} deleted\n`)
  })
}

export async function connectorStatus (opts: ApiOptions & { json?: boolean }): Promise<number> {
  return await withApi(opts, async (api) => {
    const { connectors } = await callApi<{ connectors: RouterStatus['connectors'] }>(api, 'GET', '/v1/connectors')
    print(opts.json, connectors, formatConnectors(connectors))
  })
}

export async function routes (opts: ApiOptions & { json?: boolean }): Promise<number> {
  return await withApi(opts, async (api) => {
    const { routes } = await callApi<{ routes: RouterStatus['routers'] }>(api, 'GET', '/v1/routes')
    print(opts.json, routes, formatRoutes(routes))
  })
}
