import { boolean, defineResource, host, integer, joinToken, KEY_HOST_PORT, linkTarget, name, port, routingKey, siteOrPeer, TARGET } from './schema.js'

export interface LinkConfig {
  /** Set for links created through the admin API (and for those named in the config file). */
  name?: string
  /**
   * A multiaddr with /tcp/, optionally ending in /p2p/<peer id> (then verified
   * on connect); for a token link, the issuer's first address (for display).
   */
  address: string
  cost: number
  /** The join token's text, when the link was given as a token. */
  token?: string
}

export interface ConnectorConfig {
  name?: string
  routingKey: string
  host: string
  port: number
  cost: number
  /** Sites (names or peer ids) whose clients may reach it; empty: every member. This site's own listeners always may. */
  allow: string[]
  /** Tunnels to it are end-to-end encrypted between the ingress and this site. */
  e2e: boolean
  /** Share of new connections among targets of equal cost (1–1000; absent: 1). */
  weight?: number
}

export interface ListenerConfig {
  name?: string
  routingKey: string
  host: string
  port: number
  /** Client connections open at once; beyond it new clients are refused, open ones unharmed. */
  maxConnections: number
  /** Sites (names or peer ids) trusted to serve the key; empty: every member. This site's own connectors are always trusted. */
  trust: string[]
  /** Routing keys to use, in order, while the own key has no usable target (absent: none). */
  fallback?: string[]
}

export const DEFAULT_MAX_CONNECTIONS_PER_LISTENER = 16_384

/**
 * Each field once: its key in the YAML item, the API body and the config;
 * `flagOption` after the `run` flag's comma; `cliOption` on `create`.
 * A name left out is picked by the router (the routing key, or a link's site).
 */

/** `--listener KEY=HOST:PORT[,max=N][,trust=SITE]...[,fallback=KEY]...`; YAML and API: {routingKey, host, port, maxConnections, trust, fallback, name}. */
export const LISTENER = defineResource<ListenerConfig>({
  flag: '--listener',
  flagHead: KEY_HOST_PORT,
  fields: {
    routingKey: { type: routingKey },
    host: { type: host, default: '127.0.0.1', cliOption: '--host <host>', help: 'address to listen on' },
    port: { type: port({ allowZero: true }) },
    maxConnections: { type: integer(1, 1_000_000), default: DEFAULT_MAX_CONNECTIONS_PER_LISTENER, flagOption: 'max' },
    trust: { type: siteOrPeer, list: true, default: [], flagOption: 'trust', cliOption: '--trust <site>', help: 'only this site (name or peer id) may serve the key; repeat for more', defaultHelp: 'every member' },
    fallback: { type: routingKey, list: true, default: [], flagOption: 'fallback', cliOption: '--fallback <key>', help: 'routing key to use while its own has no usable target; repeat for more, in order', defaultHelp: 'none' },
    name: { type: name, optional: true, cliOption: '--name <name>', help: 'name to delete it by', defaultHelp: 'the routing key' }
  }
})

/** `--connector KEY=HOST:PORT[,cost=N][,allow=SITE]...[,e2e=true][,weight=N]`; YAML and API: {routingKey, host, port, cost, allow, e2e, weight, name}. */
export const CONNECTOR = defineResource<ConnectorConfig>({
  flag: '--connector',
  flagHead: KEY_HOST_PORT,
  fields: {
    routingKey: { type: routingKey },
    host: { type: host, default: '127.0.0.1', cliOption: '--host <host>', help: 'where the workload listens' },
    port: { type: port({ allowZero: false }) },
    cost: { type: integer(0, 1_000_000), default: 0, flagOption: 'cost', cliOption: '--cost <n>', help: 'added to the path cost of this target' },
    allow: { type: siteOrPeer, list: true, default: [], flagOption: 'allow', cliOption: '--allow <site>', help: 'only clients at this site (name or peer id) may reach it; repeat for more', defaultHelp: 'every member' },
    e2e: { type: boolean, default: false, flagOption: 'e2e', cliOption: '--e2e', help: 'encrypt its tunnels end to end, so transit sites see ciphertext only' },
    weight: { type: integer(1, 1000), default: 1, flagOption: 'weight', cliOption: '--weight <n>', help: 'share of new connections among targets of equal cost' },
    name: { type: name, optional: true, cliOption: '--name <name>', help: 'name to delete it by', defaultHelp: 'the routing key' }
  }
})

/**
 * `--link ADDRESS-OR-TOKEN[,cost=N]` (a token file is read before this, in
 * load.ts); API: {target, cost, name}; YAML: {address or token, cost, name},
 * or the address or token alone.
 */
export const LINK = defineResource<LinkConfig>({
  flag: '--link',
  flagHead: TARGET,
  fileShorthand: 'target',
  fields: {
    target: { type: linkTarget, spread: true, fileKeys: { address: linkTarget, token: joinToken } },
    cost: { type: integer(1, 1_000_000), default: 1, flagOption: 'cost', cliOption: '--cost <n>', help: 'link cost' },
    name: { type: name, optional: true, cliOption: '--name <name>', help: 'name to delete it by', defaultHelp: 'the other site\'s name' }
  }
})

export const parseListenerFlag = LISTENER.fromFlag
export const parseConnectorFlag = CONNECTOR.fromFlag
export const parseLinkFlag = LINK.fromFlag
