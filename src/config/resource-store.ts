import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConnectorConfig, LinkConfig, ListenerConfig } from './config.js'

/**
 * Links, listeners and connectors created through the admin API. They are
 * stored in the data dir (resources.json) and come back after a restart,
 * beside those of the config file and flags.
 */
export interface Resources {
  links: Array<LinkConfig & { name: string }>
  listeners: Array<ListenerConfig & { name: string }>
  connectors: Array<ConnectorConfig & { name: string }>
}

export const RESOURCES_FILE = 'resources.json'

export class ResourceStore {
  private writes: Promise<void> = Promise.resolve()

  private constructor (private readonly path: string, readonly resources: Resources) {}

  static async load (dataDir: string): Promise<ResourceStore> {
    const path = join(dataDir, RESOURCES_FILE)
    let resources: Resources = { links: [], listeners: [], connectors: [] }
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Resources>
      resources = { links: parsed.links ?? [], listeners: parsed.listeners ?? [], connectors: parsed.connectors ?? [] }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} cannot be read (${(err as Error).message}); fix or move it away`, { cause: err })
    }
    return new ResourceStore(path, resources)
  }

  /** Writes the current resources; the file holds join tokens, so it is private. */
  async save (): Promise<void> {
    const text = JSON.stringify(this.resources, null, 2) + '\n'
    this.writes = this.writes.then(async () => {
      const tmp = `${this.path}.tmp-${process.pid}`
      await writeFile(tmp, text, { mode: 0o600 })
      await rename(tmp, this.path)
    })
    await this.writes
  }
}
