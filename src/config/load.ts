import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { parse as parseYaml } from 'yaml'
import { buildConfig, type FlagSettings, type RouterConfig } from './config.js'
import { ConfigError } from './errors.js'

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
  return buildConfig(parsed, flags, defaultSiteName())
}

export function defaultSiteName (): string {
  const name = hostname().split('.')[0].replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63)
  return /^[A-Za-z0-9]/.test(name) ? name : 'site'
}
