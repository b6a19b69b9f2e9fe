import { Option, type Command } from 'commander'
import type { Field, ResourceSchema } from '../config/schema.js'
import { callApi, withApi, type ApiOptions } from './api-client.js'

/**
 * `portmesh <resource> create|delete|status` for every resource in a table:
 * create's options come from the resource's schema (each field with a
 * `cliOption`), the rest from the table row.
 */

/** A positional argument of `create`, filling one field of the API body. */
export interface CreateArg {
  /** As commander spells it: '<routing-key>'. */
  syntax: string
  field: string
  /** Turns the text into what the router is sent (a link reads a token file here). */
  read?: (text: string) => string
}

/** The router's answer to a create. */
export interface Created { name: string, port?: number }

export interface ResourceCommands {
  /** `portmesh listener …`; also the word in messages ("listener db deleted"). */
  name: string
  description: string
  /** Its admin API collection, /v1/<plural>: GET answers { <plural>: [...] }, POST creates, DELETE /<name> deletes. */
  plural: string
  schema: ResourceSchema
  create: { description: string, args: CreateArg[], printCreated: (answer: Created) => string }
  delete: { arg: string, description: string }
  /** `format` gets the GET's list, as the admin API sent it. */
  status: { description: string, format: (rows: unknown) => string }
}

/**
 * --data-dir, --api and --api-token, on every command that talks to a running
 * router: the data dir (as `run` takes it) tells where the router's API
 * listens and holds the credential; --api and --api-token override each.
 */
export function withApiOptions (cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'the router\'s data dir, where it records its API address and credential (default: $PORTMESH_DATA_DIR or ./portmesh-data)')
    .option('--api <host:port>', 'admin API of the router (default: the address recorded in the data dir, else 127.0.0.1:7071)')
    .option('--api-token <file>', 'bearer token for the admin API (default: the data dir\'s api-token)')
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

function helpOf (field: Field): string {
  const empty = field.default === undefined || (Array.isArray(field.default) && field.default.length === 0)
  const shown = field.defaultHelp ?? (empty ? undefined : String(field.default))
  return shown === undefined ? field.help ?? '' : `${field.help ?? ''} (default: ${shown})`
}

/** `create`'s options, one per schema field that has a `cliOption`; a list field's option repeats. */
export function createOptions (schema: ResourceSchema): Array<{ key: string, field: Field, option: Option }> {
  return Object.entries(schema.fields).flatMap(([key, field]) => {
    if (field.cliOption === undefined) return []
    const option = new Option(field.cliOption, helpOf(field))
    if (field.list === true) option.argParser(collect)
    return [{ key, field, option }]
  })
}

/** The API body for `create`, from its positional arguments and parsed options (left-out options stay out). */
export function createBody (schema: ResourceSchema, args: CreateArg[], values: string[], opts: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  const fromText = (field: Field, v: unknown): unknown => typeof v === 'string' && field.type.fromText !== undefined ? field.type.fromText(v) : v
  args.forEach((arg, i) => { body[arg.field] = fromText(schema.fields[arg.field], arg.read?.(values[i]) ?? values[i]) })
  for (const { key, field, option } of createOptions(schema)) {
    const v = opts[option.attributeName()]
    if (v !== undefined) body[key] = Array.isArray(v) ? v.map(item => fromText(field, item)) : fromText(field, v)
  }
  return body
}

function print (json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json === true ? JSON.stringify(value, null, 2) + '\n' : text)
}

/** Registers create, delete and status for each resource under `program`. */
export function addResourceCommands (program: Command, table: ResourceCommands[]): void {
  for (const r of table) {
    const group = program.command(r.name).description(r.description)

    const create = withApiOptions(group.command(['create', ...r.create.args.map(a => a.syntax)].join(' ')).description(r.create.description))
    for (const { option } of createOptions(r.schema)) create.addOption(option)
    create.action(async (...given: unknown[]) => {
      const values = given.slice(0, r.create.args.length) as string[]
      const opts = given[r.create.args.length] as ApiOptions & Record<string, unknown>
      process.exitCode = await withApi(opts, async (api) => {
        const answer = await callApi<Created>(api, 'POST', `/v1/${r.plural}`, createBody(r.schema, r.create.args, values, opts))
        process.stdout.write(r.create.printCreated(answer) + '\n')
      })
    })

    withApiOptions(group.command(`delete ${r.delete.arg}`).description(r.delete.description))
      .action(async (name: string, opts: ApiOptions) => {
        process.exitCode = await withApi(opts, async (api) => {
          await callApi(api, 'DELETE', `/v1/${r.plural}/${encodeURIComponent(name)}`)
          process.stdout.write(`${r.name} ${name} deleted\n`)
        })
      })

    withApiOptions(group.command('status').description(r.status.description)).option('--json', 'print JSON')
      .action(async (opts: ApiOptions & { json?: boolean }) => {
        process.exitCode = await withApi(opts, async (api) => {
          const rows = (await callApi<Record<string, unknown>>(api, 'GET', `/v1/${r.plural}`))[r.plural]
          print(opts.json, rows, r.status.format(rows))
        })
      })
  }
}
