import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'

export interface Identity {
  privateKey: PrivateKey
  peerId: PeerId
  /** This run's boot epoch: higher than every earlier run of this identity. */
  epoch: number
}

const KEY_FILE = 'identity.key'
const EPOCH_FILE = 'epoch'

async function writeAtomic (path: string, data: Uint8Array | string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, data, { mode })
  await rename(tmp, path)
}

async function readIfExists (path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Loads the site's identity key from the data dir, creating it on first start,
 * and takes a new boot epoch. The epoch is the larger of the last one stored
 * plus one and the wall clock in seconds, so it grows across restarts even if
 * the data dir is restored from a backup or the clock steps back.
 */
export async function loadIdentity (dataDir: string, nowMs = Date.now()): Promise<Identity> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const keyPath = join(dataDir, KEY_FILE)
  let privateKey: PrivateKey
  const stored = await readIfExists(keyPath)
  if (stored !== undefined) {
    try {
      privateKey = privateKeyFromProtobuf(stored)
    } catch (err) {
      throw new Error(`${keyPath} does not hold a valid identity key (${(err as Error).message}); move it away to create a new identity`, { cause: err })
    }
  } else {
    privateKey = await generateKeyPair('Ed25519')
    await writeAtomic(keyPath, privateKeyToProtobuf(privateKey), 0o600)
  }

  const epochPath = join(dataDir, EPOCH_FILE)
  const last = Number.parseInt((await readIfExists(epochPath))?.toString('utf8') ?? '0', 10)
  const epoch = Math.max(Number.isSafeInteger(last) ? last + 1 : 1, Math.floor(nowMs / 1000))
  await writeAtomic(epochPath, `${epoch}\n`, 0o600)

  return { privateKey, peerId: peerIdFromPrivateKey(privateKey), epoch }
}
