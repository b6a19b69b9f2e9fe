import { existsSync, readFileSync } from 'node:fs'
import type { RouterStatus } from '../api/types.js'
import { CONNECTOR, LINK, LISTENER } from '../config/resource-schemas.js'
import type { ResourceCommands } from './resource-commands.js'
import { formatConnectors, formatLinks, formatListeners } from './status.js'

/** A file holding a token is read here; the router gets the token itself. */
function readTokenFile (target: string): string {
  return !target.startsWith('/') && !target.startsWith('portmesh-token') && existsSync(target) ? readFileSync(target, 'utf8').trim() : target
}

/** The resources the CLI creates, deletes and lists; create's options come from each schema. */
export const RESOURCE_COMMANDS: ResourceCommands[] = [
  {
    name: 'link',
    description: 'links to other sites',
    plural: 'links',
    schema: LINK.schema,
    create: {
      description: 'link to another site (with a token it issued, or a file holding one); applied at once and kept across restarts',
      args: [{ syntax: '<token|address>', field: 'target', read: readTokenFile }],
      printCreated: (r) => `link ${r.name} created`
    },
    delete: { arg: '<name|peer-id>', description: 'stop keeping a link up and close it' },
    status: { description: 'links of this site', format: (rows) => formatLinks(rows as RouterStatus['links']) }
  },
  {
    name: 'listener',
    description: 'local ports that accept clients for a routing key',
    plural: 'listeners',
    schema: LISTENER.schema,
    create: {
      description: 'accept clients for a routing key on a local port; applied at once and kept across restarts',
      args: [{ syntax: '<routing-key>', field: 'routingKey' }, { syntax: '<port>', field: 'port' }],
      printCreated: (r) => `listener ${r.name} created on port ${r.port ?? '?'}`
    },
    delete: { arg: '<name>', description: 'stop accepting clients (open connections go on)' },
    status: { description: 'listeners of this site', format: (rows) => formatListeners(rows as RouterStatus['listeners']) }
  },
  {
    name: 'connector',
    description: 'local workloads offered to the mesh under a routing key',
    plural: 'connectors',
    schema: CONNECTOR.schema,
    create: {
      description: 'offer a local workload to the mesh; applied at once and kept across restarts',
      args: [{ syntax: '<routing-key>', field: 'routingKey' }, { syntax: '<port>', field: 'port' }],
      printCreated: (r) => `connector ${r.name} created`
    },
    delete: { arg: '<name>', description: 'withdraw a workload from the mesh' },
    status: { description: 'connectors of this site', format: (rows) => formatConnectors(rows as RouterStatus['connectors']) }
  }
]
