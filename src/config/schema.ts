import { ConfigError } from './errors.js'
import { isObj, parseBoolean, parseHost, parseInteger, parseLinkTarget, parseName, parseSiteOrPeer, parsePort, parseRoutingKey, parseString, rejectUnknown, splitHostPort, type Obj } from './values.js'
import { looksLikeToken } from '../wire/token.js'

/**
 * A resource (listener, connector, link) is declared once as a schema: its
 * fields, each with a type, a default and its spelling in every place it can
 * be given. From the schema come the YAML item parser, the `run` flag parser,
 * the admin API body parser (here) and the CLI's create options (cli/).
 */

/** How one kind of value is read and described. */
export interface ValueType<T = unknown> {
  /** What a value is, as in "port: a port number is required". */
  what: string
  /** How a value is written in flag syntax: the N in `cost=N`. */
  placeholder: string
  parse: (value: unknown, field: string) => T
  /** Command-line text as the API body should carry it (whole numbers as numbers); default: the text. */
  fromText?: (text: string) => unknown
}

/** Digits become a number; anything else stays text, so the parser names the field. */
const numberFromText = (text: string): unknown => /^\d+$/.test(text) ? Number(text) : text

export const integer = (min: number, max: number): ValueType<number> => ({
  what: `a whole number from ${min} to ${max}`, placeholder: 'N', parse: (v, f) => parseInteger(v, f, min, max), fromText: numberFromText
})

export const port = ({ allowZero }: { allowZero: boolean }): ValueType<number> => ({
  what: 'a port number', placeholder: 'PORT', parse: (v, f) => parsePort(v, f, allowZero), fromText: numberFromText
})

export const host: ValueType<string> = { what: 'a host name or IP address', placeholder: 'HOST', parse: parseHost }
export const routingKey: ValueType<string> = { what: 'a routing key', placeholder: 'KEY', parse: parseRoutingKey }
export const name: ValueType<string> = { what: 'a name', placeholder: 'NAME', parse: parseName }
export const siteOrPeer: ValueType<string> = { what: 'a site name or peer id', placeholder: 'SITE', parse: parseSiteOrPeer }

export const boolean: ValueType<boolean> = {
  what: 'true or false', placeholder: 'true|false', parse: parseBoolean, fromText: (t) => t === 'true' ? true : t === 'false' ? false : t
}

/** A join token or a multiaddr; parses to `{ address, token? }`. */
export const linkTarget: ValueType<{ address: string, token?: string }> = {
  what: 'a join token or a multiaddr', placeholder: 'ADDRESS-OR-TOKEN', parse: (v, f) => parseLinkTarget(parseString(v, f), f)
}

/** Like linkTarget, but only a token will do (a config file's `token:`). */
export const joinToken: ValueType<{ address: string, token?: string }> = {
  what: 'a join token',
  placeholder: 'TOKEN',
  parse (v, f) {
    const text = parseString(v, f)
    if (!looksLikeToken(text)) throw new ConfigError(f, 'this is not a portmesh token (it should start with portmesh-token-v1:)')
    return parseLinkTarget(text, f)
  }
}

export interface Field {
  type: ValueType
  /** Taken when the value is left out. A field with neither default nor `optional` is required. */
  default?: unknown
  /** Left out of the config when not given (a name the router then picks). */
  optional?: true
  /**
   * Repeatable: a list in YAML and the API body (a single value counts as a
   * list of one); the option given again in a flag or on the command line.
   */
  list?: true
  /** Its option after a `run` flag's first comma: 'cost' for `--link ADDR,cost=N`. None: not settable there. */
  flagOption?: string
  /** Its option on the CLI's `create`, in commander's syntax: '--cost <n>'. None: not settable there. */
  cliOption?: string
  /** Help for the CLI option; "(default: …)" is added from `default` or `defaultHelp`. */
  help?: string
  /** What the help says after "default:" when the router, not the schema, picks the value. */
  defaultHelp?: string
  /** In the config file, this field is given under one of these keys instead, each read with its own type. */
  fileKeys?: Record<string, ValueType>
  /** The value is an object whose properties go into the config in the field's place (a link target's address and token). */
  spread?: true
}

/** What stands before a `run` flag's first comma, and the fields it holds. */
export interface FlagHead {
  syntax: string
  /** The text of each field it holds ('' for one left out); undefined when the text does not fit the syntax. */
  split: (text: string, flag: string) => Record<string, string> | undefined
}

/** KEY=HOST:PORT, where HOST may be left out (":PORT"). */
export const KEY_HOST_PORT: FlagHead = {
  syntax: 'KEY=HOST:PORT',
  split (text, flag) {
    const eq = text.indexOf('=')
    return eq < 0 ? undefined : { routingKey: text.slice(0, eq), ...splitHostPort(text.slice(eq + 1), flag) }
  }
}

/** A link target alone. */
export const TARGET: FlagHead = { syntax: 'ADDRESS-OR-TOKEN', split: (text) => ({ target: text }) }

export interface ResourceSchema {
  /** The `run` flag: '--listener'. */
  flag: string
  flagHead: FlagHead
  /** In the config file, a bare string in place of the item stands for this field alone. */
  fileShorthand?: string
  /** By their key in the YAML item, the API body and the config; in the order they are read and listed. */
  fields: Record<string, Field>
}

export interface Resource<C> {
  schema: ResourceSchema
  /** One item of the config file's list; `where` is its place, e.g. "listeners[2]". */
  fromFile: (item: unknown, where: string) => C
  /** The `run` flag's text, e.g. "db=127.0.0.1:5432,cost=3". */
  fromFlag: (text: string) => C
  /** An admin API request body; errors name the body's field. */
  fromBody: (body: Obj) => C
}

/** One field's value as given, with where to blame and (when not the field's own) the type to read it with. */
interface Given { value: unknown, where: string, type?: ValueType }

/** Reads every field in order: the given value parsed, else its default; a required field left out is an error. */
function readFields (schema: ResourceSchema, given: (key: string, field: Field) => Given): Obj {
  const out: Obj = {}
  for (const [key, field] of Object.entries(schema.fields)) {
    const { value, where, type = field.type } = given(key, field)
    let parsed: unknown
    if (value !== undefined) {
      parsed = field.list === true ? (Array.isArray(value) ? value : [value]).map((v, i) => type.parse(v, `${where}[${i}]`)) : type.parse(value, where)
    } else if (field.default !== undefined) {
      parsed = Array.isArray(field.default) ? [...field.default] : field.default
    } else if (field.optional === true) {
      continue
    } else {
      throw new ConfigError(where, `${type.what} is required`)
    }
    if (field.spread === true) Object.assign(out, parsed)
    else out[key] = parsed
  }
  return out
}

function fileKeysOf (schema: ResourceSchema): string[] {
  return Object.entries(schema.fields).flatMap(([key, f]) => f.fileKeys !== undefined ? Object.keys(f.fileKeys) : [key])
}

function fromFile (schema: ResourceSchema, item: unknown, where: string): Obj {
  const shorthand = schema.fileShorthand
  if (shorthand !== undefined && typeof item === 'string') {
    return readFields(schema, (key) => ({ value: key === shorthand ? item : undefined, where }))
  }
  const keys = fileKeysOf(schema)
  if (!isObj(item)) {
    const mapping = `a mapping (keys: ${keys.join(', ')})`
    throw new ConfigError(where, `must be ${shorthand !== undefined ? `${schema.fields[shorthand].type.what}, or ${mapping}` : mapping}`)
  }
  rejectUnknown(item, keys, where)
  return readFields(schema, (key, field) => {
    if (field.fileKeys === undefined) return { value: item[key], where: `${where}.${key}` }
    const spellings = Object.keys(field.fileKeys)
    const present = spellings.filter(k => item[k] !== undefined)
    if (present.length > 1 || (present.length === 0 && field.default === undefined && field.optional !== true)) {
      throw new ConfigError(where, `needs exactly one of ${spellings.join(' or ')}`)
    }
    return present.length === 0 ? { value: undefined, where } : { value: item[present[0]], where: `${where}.${present[0]}`, type: field.fileKeys[present[0]] }
  })
}

/** The fields settable after a `run` flag's comma, by option name. */
function flagOptions (schema: ResourceSchema): Map<string, { key: string, field: Field }> {
  return new Map(Object.entries(schema.fields).flatMap(([key, field]) => field.flagOption === undefined ? [] : [[field.flagOption, { key, field }]]))
}

function fromFlag (schema: ResourceSchema, text: string): Obj {
  const { flag } = schema
  const byOption = flagOptions(schema)
  const spelled = [...byOption].map(([option, { field }]) => `${option}=${field.type.placeholder}`)
  const [headText, ...parts] = text.split(',')
  const head = schema.flagHead.split(headText, flag)
  if (head === undefined) throw new ConfigError(flag, `expected ${schema.flagHead.syntax}${spelled.map(o => `[,${o}]`).join('')}, got ${JSON.stringify(text)}`)
  const options: Record<string, string | string[]> = {}
  for (const part of parts) {
    const eq = part.indexOf('=')
    const option = eq < 0 ? undefined : byOption.get(part.slice(0, eq))
    if (option === undefined) throw new ConfigError(flag, `unknown option ${JSON.stringify(part)} (expected ${spelled.join(', ')})`)
    const value = part.slice(eq + 1)
    // A list collects every occurrence; for anything else the last one counts.
    options[option.key] = option.field.list === true ? [...(options[option.key] ?? []), value] : value
  }
  return readFields(schema, (key, field) => {
    if (Object.hasOwn(head, key)) return { value: head[key] === '' ? undefined : head[key], where: flag }
    return { value: options[key], where: `${flag} ${field.flagOption ?? key}` }
  })
}

function fromBody (schema: ResourceSchema, body: Obj): Obj {
  rejectUnknown(body, Object.keys(schema.fields), '', 'field')
  return readFields(schema, (key) => ({ value: body[key], where: key }))
}

/**
 * The parsers of a resource. `C` is the config type the fields make up; that
 * they do is checked by the unit tests, not the compiler.
 */
export function defineResource<C> (schema: ResourceSchema): Resource<C> {
  return {
    schema,
    fromFile: (item, where) => fromFile(schema, item, where) as C,
    fromFlag: (text) => fromFlag(schema, text) as C,
    fromBody: (body) => fromBody(schema, body) as C
  }
}
