import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { parse as parseYaml } from 'yaml'
import { buildConfig, type FlagSettings, type RouterConfig } from './config.js'
import { ConfigError } from './errors.js'
import { looksLikeToken } from '../wire/token.js'

/** Reads the YAML file (if any) and merges the flags; every failure is a ConfigError. */
export async function loadConfig (file: string | undefined, flags: FlagSettings): Promise<RouterConfig> {
  let parsed: unknown
  if (file !== undefined) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      throw new ConfigError('--config', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    try {
      parsed = parseYaml(text)
    } catch (err) {
      throw new ConfigError('--config', `${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  return buildConfig(parsed, { ...flags, links: flags.links?.map(readTokenFile) }, defaultSiteName())
}

/**
 * `--link` takes a multiaddr, a token, or a file holding a token (the file's
 * contents replace the path; options after a comma are kept).
 */
function readTokenFile (value: string): string {
  const [target, ...rest] = value.split(',')
  if (looksLikeToken(target) || (target.startsWith('/') && !existsSync(target))) return value
  let text: string
  try {
    text = readFileSync(target, 'utf8')
  } catch (err) {
    throw new ConfigError('--link', `${JSON.stringify(target)} is neither a multiaddr, a token, nor a readable token file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  return [text.trim(), ...rest].join(',')
}

/** Reads the admin API token file; the token is its first line. */
export function readApiToken (file: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError('--api-token', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const token = text.split('\n')[0].trim()
  if (token.length < 16) throw new ConfigError('--api-token', `${file} must hold a token of at least 16 characters on its first line`)
  return token
}

export function defaultSiteName (): string {
  const name = hostname().split('.')[0].replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63)
  return /^[A-Za-z0-9]/.test(name) ? name : 'site'
}
