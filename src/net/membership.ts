import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Who may link with this site, and the grants it has issued. Both live in the
 * data dir: `authorized-peers` is a plain text file an operator can read and
 * edit (one peer id per line, then the site name and how it got there; '#'
 * starts a comment); `grants.json` holds unexpired grants (mode 0600).
 */

export const AUTHORIZED_FILE = 'authorized-peers'
export const GRANTS_FILE = 'grants.json'
const PROOF_LABEL = 'portmesh-join-v1'

/** Proof of a grant, bound to both Noise-authenticated identities. */
export function grantProof (secret: Uint8Array, holder: string, issuer: string): Buffer {
  return createHmac('sha256', secret).update(`${PROOF_LABEL}\n${holder}\n${issuer}`).digest()
}

async function writeAtomic (path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, text, { mode })
  await rename(tmp, path)
}

async function readText (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

export interface AuthorizedPeer {
  peerId: string
  site: string
  note: string
}

export class AuthorizedPeers {
  private readonly peers = new Map<string, AuthorizedPeer>()
  private writes: Promise<void> = Promise.resolve()

  private constructor (private readonly path: string) {}

  static async load (dataDir: string): Promise<AuthorizedPeers> {
    const a = new AuthorizedPeers(join(dataDir, AUTHORIZED_FILE))
    const text = await readText(a.path)
    for (const raw of (text ?? '').split('\n')) {
      const line = raw.replace(/#.*/, '').trim()
      if (line === '') continue
      const [peerId, site = '', ...note] = line.split(/\s+/)
      a.peers.set(peerId, { peerId, site, note: note.join(' ') })
    }
    return a
  }

  has (peerId: string): boolean {
    return this.peers.has(peerId)
  }

  list (): AuthorizedPeer[] {
    return [...this.peers.values()]
  }

  /** Records a peer and writes the file; resolves once it is on disk. */
  async add (peerId: string, site: string, note: string): Promise<void> {
    this.peers.set(peerId, { peerId, site: site === '' ? '-' : site, note })
    const text = '# Peers this site links with. One per line: peer id, site name, how it was authorised.\n' +
      '# Delete a line (and restart, or use the API) to revoke a peer.\n' +
      this.list().map(p => `${p.peerId} ${p.site} ${p.note}`.trim()).join('\n') + '\n'
    this.writes = this.writes.then(async () => await writeAtomic(this.path, text, 0o600))
    await this.writes
  }
}

interface StoredGrant {
  id: string
  secret: string
  expiresAt: number
  usesLeft: number
  /** Peers that redeemed it: a holder that asks again (it crashed before saving) is answered OK again. */
  redeemedBy?: string[]
}

export type RedeemResult = 'ok' | 'unknown' | 'expired' | 'used' | 'bad-proof'

export class GrantStore {
  private grants = new Map<string, StoredGrant>()
  private writes: Promise<void> = Promise.resolve()

  private constructor (private readonly path: string) {}

  static async load (dataDir: string): Promise<GrantStore> {
    const g = new GrantStore(join(dataDir, GRANTS_FILE))
    const text = await readText(g.path)
    if (text !== undefined) {
      try {
        for (const grant of JSON.parse(text) as StoredGrant[]) g.grants.set(grant.id, grant)
      } catch {
        throw new Error(`${g.path} is not valid JSON; move it away to drop all outstanding grants`)
      }
    }
    return g
  }

  /** A new grant for `uses` redemptions until `expiresAtMs`. */
  async issue (expiresAtMs: number, uses: number): Promise<{ id: Uint8Array, secret: Uint8Array }> {
    const id = randomBytes(16)
    const secret = randomBytes(32)
    this.grants.set(id.toString('hex'), { id: id.toString('hex'), secret: secret.toString('hex'), expiresAt: expiresAtMs, usesLeft: uses })
    await this.save(Date.now())
    return { id, secret }
  }

  /**
   * Checks a holder's proof and uses up one redemption. Expired and used-up
   * grants are kept until they have been expired for a day, so that a late
   * holder hears "expired" or "already used" rather than "unknown".
   */
  async redeem (grantId: Uint8Array, proof: Uint8Array, holder: string, issuer: string, nowMs: number): Promise<RedeemResult> {
    const grant = this.grants.get(Buffer.from(grantId).toString('hex'))
    if (grant === undefined) return 'unknown'
    const expected = grantProof(Buffer.from(grant.secret, 'hex'), holder, issuer)
    if (proof.length !== expected.length || !timingSafeEqual(expected, proof)) return 'bad-proof'
    if (grant.redeemedBy?.includes(holder) === true) return 'ok'
    if (nowMs > grant.expiresAt) return 'expired'
    if (grant.usesLeft <= 0) return 'used'
    grant.usesLeft--
    grant.redeemedBy = [...(grant.redeemedBy ?? []), holder]
    await this.save(nowMs)
    return 'ok'
  }

  private async save (nowMs: number): Promise<void> {
    for (const [id, g] of this.grants) if (nowMs > g.expiresAt + 24 * 3600_000) this.grants.delete(id)
    const text = JSON.stringify([...this.grants.values()], null, 1) + '\n'
    this.writes = this.writes.then(async () => await writeAtomic(this.path, text, 0o600))
    await this.writes
  }
}
