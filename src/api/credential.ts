import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The two files in the data dir through which the CLI finds its router:
 * `api-token`, the credential every change needs (created on first start,
 * kept across restarts, mode 0600), and `api-address`, where the API
 * actually listens (written at start, removed on a clean stop).
 */

export const API_TOKEN_FILE = 'api-token'
export const API_ADDRESS_FILE = 'api-address'

/** 32 random bytes: 43 characters of base64url. */
const CREDENTIAL_BYTES = 32
const MIN_CREDENTIAL_CHARS = 16

export function apiTokenPath (dataDir: string): string {
  return join(dataDir, API_TOKEN_FILE)
}

export function apiAddressPath (dataDir: string): string {
  return join(dataDir, API_ADDRESS_FILE)
}

function firstLine (text: string): string {
  return text.split('\n')[0].trim()
}

async function readIfExists (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * The data dir's credential, created on first start. Created atomically and
 * only if absent (written to a private temporary file, then hard-linked into
 * place), so a crash never leaves a half-written credential and two starts
 * at once agree on one. `loose` says the file is readable by others.
 */
export async function loadApiCredential (dataDir: string): Promise<{ credential: string, path: string, loose: boolean }> {
  const path = apiTokenPath(dataDir)
  if (await readIfExists(path) === undefined) {
    const tmp = `${path}.tmp-${process.pid}`
    const file = await open(tmp, 'wx', 0o600)
    try {
      await file.writeFile(`${randomBytes(CREDENTIAL_BYTES).toString('base64url')}\n`)
      await file.sync()
    } finally {
      await file.close()
    }
    try {
      await link(tmp, path)
    } catch (err) {
      // Another start created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      await unlink(tmp)
    }
  }
  const credential = firstLine(await readFile(path, 'utf8'))
  if (credential.length < MIN_CREDENTIAL_CHARS) throw new Error(`${path} does not hold a credential of at least ${MIN_CREDENTIAL_CHARS} characters; remove it to create a new one`)
  return { credential, path, loose: ((await stat(path)).mode & 0o077) !== 0 }
}

/** The credential the CLI sends, when the data dir holds one it may read. */
export function readApiCredentialIfReadable (dataDir: string): string | undefined {
  try {
    const credential = firstLine(readFileSync(apiTokenPath(dataDir), 'utf8'))
    return credential === '' ? undefined : credential
  } catch {
    return undefined
  }
}

/** Records where the API listens ('127.0.0.1:7071', '[::1]:7071'); returns what was written. */
export async function writeApiAddress (dataDir: string, host: string, port: number): Promise<string> {
  const text = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const path = apiAddressPath(dataDir)
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, `${text}\n`, { mode: 0o644 })
  await rename(tmp, path)
  return text
}

/** Removes the address file if it still holds what this process wrote (a newer start may have replaced it). */
export async function removeApiAddress (dataDir: string, written: string): Promise<void> {
  const path = apiAddressPath(dataDir)
  if (firstLine(await readIfExists(path) ?? '') === written) await unlink(path).catch(() => {})
}

/** The address a running router recorded, if any. */
export function readApiAddress (dataDir: string): string | undefined {
  try {
    const text = firstLine(readFileSync(apiAddressPath(dataDir), 'utf8'))
    return text === '' ? undefined : text
  } catch {
    return undefined
  }
}
