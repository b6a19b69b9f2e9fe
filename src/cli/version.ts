import { readFileSync } from 'node:fs'

function readVersion (): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')).version as string
    } catch {}
  }
  return 'unknown'
}

export const VERSION = readVersion()
