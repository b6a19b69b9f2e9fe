import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import type { ConnectorConfig, LinkConfig, ListenerConfig } from '../config/config.js'
import type { ResourceStore } from '../config/resource-store.js'
import type { LocalConnectors } from '../edge/connector.js'
import { Listener } from '../edge/listener.js'
import { ResourceError } from '../api/types.js'
import { uniqueName, type Links } from './links.js'

export interface ResourcesOptions {
  store: ResourceStore
  connectors: LocalConnectors
  links: Links
  onClient: (socket: Socket, listener: Listener) => void
  /** Re-advertise this site after its connectors changed. */
  originate: () => Promise<void>
  log: Logger
}

/**
 * Listeners, connectors and links: those of the config file and flags, and
 * those created through the admin API, which are applied at once and stored
 * in the data dir so they come back after a restart. Only the stored ones can
 * be deleted through the API; the others are removed where they were written.
 */
export class Resources {
  /** By name. Names are what `delete` takes. */
  readonly listeners = new Map<string, Listener>()

  constructor (private readonly o: ResourcesOptions) {}

  private get stored (): ResourceStore['resources'] {
    return this.o.store.resources
  }

  /** Binds listeners and adds connectors (config and stored); a port in use fails here, before the site joins the mesh. */
  async startLocal (config: { listeners: ListenerConfig[], connectors: ConnectorConfig[] }): Promise<void> {
    for (const cfg of [...config.listeners, ...this.stored.listeners]) await this.startListener(cfg)
    for (const cfg of [...config.connectors, ...this.stored.connectors]) {
      this.o.connectors.add({ ...cfg, name: cfg.name ?? uniqueName(cfg.routingKey, this.o.connectors.names()) })
    }
  }

  /** Starts keeping the configured and stored links up (once the libp2p node runs). */
  startLinks (links: LinkConfig[]): void {
    for (const link of [...links, ...this.stored.links]) this.o.links.startLink(link)
  }

  closeListeners (): void {
    for (const l of this.listeners.values()) l.close()
  }

  private async startListener (cfg: ListenerConfig): Promise<Listener> {
    const name = cfg.name ?? uniqueName(cfg.routingKey, new Set(this.listeners.keys()))
    const listener = new Listener({ ...cfg, name }, this.o.onClient)
    await listener.start()
    this.listeners.set(name, listener)
    return listener
  }

  private checkNameFree (kind: string, name: string | undefined, taken: Set<string> | Map<string, unknown>): void {
    if (name !== undefined && taken.has(name)) throw new ResourceError(409, 'name', `a ${kind} named ${name} exists already`)
  }

  private checkStored (kind: string, name: string, stored: Array<{ name: string }>): void {
    if (!stored.some(r => r.name === name)) throw new ResourceError(409, 'name', `${kind} ${name} comes from the config file or flags; remove it there`)
  }

  async createListener (cfg: ListenerConfig): Promise<{ name: string, port: number }> {
    this.checkNameFree('listener', cfg.name, this.listeners)
    if (cfg.name === undefined && this.listeners.has(cfg.routingKey)) throw new ResourceError(409, 'name', `a listener named ${cfg.routingKey} exists already; give this one a name`)
    let listener: Listener
    try {
      listener = await this.startListener({ ...cfg, name: cfg.name ?? cfg.routingKey })
    } catch (err) {
      throw new ResourceError(409, 'port', `cannot listen on ${cfg.host}:${cfg.port}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    const name = listener.config.name as string
    this.stored.listeners.push({ ...cfg, name })
    await this.o.store.save()
    this.o.log.info({ name, key: cfg.routingKey, address: `${cfg.host}:${listener.boundPort}` }, 'listener created')
    return { name, port: listener.boundPort }
  }

  async deleteListener (name: string): Promise<void> {
    const listener = this.listeners.get(name)
    if (listener === undefined) throw new ResourceError(404, 'name', `no listener named ${name}`)
    this.checkStored('listener', name, this.stored.listeners)
    listener.close()
    this.listeners.delete(name)
    this.stored.listeners = this.stored.listeners.filter(l => l.name !== name)
    await this.o.store.save()
    this.o.log.info({ name }, 'listener deleted; its open connections go on')
  }

  async createConnector (cfg: ConnectorConfig): Promise<{ name: string }> {
    const taken = this.o.connectors.names()
    this.checkNameFree('connector', cfg.name, taken)
    if (cfg.name === undefined && taken.has(cfg.routingKey)) throw new ResourceError(409, 'name', `a connector named ${cfg.routingKey} exists already; give this one a name`)
    const name = cfg.name ?? cfg.routingKey
    this.o.connectors.add({ ...cfg, name })
    this.stored.connectors.push({ ...cfg, name })
    await this.o.store.save()
    this.o.log.info({ name, key: cfg.routingKey, address: `${cfg.host}:${cfg.port}` }, 'connector created; offered to the mesh')
    await this.o.originate()
    return { name }
  }

  async deleteConnector (name: string): Promise<void> {
    if (!this.o.connectors.names().has(name)) throw new ResourceError(404, 'name', `no connector named ${name}`)
    this.checkStored('connector', name, this.stored.connectors)
    this.o.connectors.remove(name)
    this.stored.connectors = this.stored.connectors.filter(c => c.name !== name)
    await this.o.store.save()
    this.o.log.info({ name }, 'connector deleted; withdrawn from the mesh')
    await this.o.originate()
  }

  async createLink (cfg: LinkConfig): Promise<{ name: string }> {
    this.checkNameFree('link', cfg.name, this.o.links.dialers)
    const { name } = this.o.links.startLink(cfg)
    this.stored.links.push({ ...cfg, name })
    await this.o.store.save()
    this.o.log.info({ name, address: cfg.address }, 'link created')
    return { name }
  }

  /** Deletes a link by name or peer id: stops redialling and closes the link to that peer. */
  async deleteLink (nameOrPeer: string): Promise<void> {
    const entry = [...this.o.links.dialers].find(([name, d]) => name === nameOrPeer || d.peerId === nameOrPeer)
    if (entry === undefined) throw new ResourceError(404, 'name', `no link named ${nameOrPeer} and none to that peer`)
    const [name] = entry
    this.checkStored('link', name, this.stored.links)
    this.stored.links = this.stored.links.filter(l => l.name !== name)
    const peer = this.o.links.stopLink(name)
    await this.o.store.save()
    this.o.log.info({ name, peer }, 'link deleted')
  }
}
