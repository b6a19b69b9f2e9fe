import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Who may link with this site, who may never again, and the grants it has
 * issued. All live in the data dir: `authorized-peers` and `revoked-peers` are
 * plain text files an operator can read and edit (one peer id per line, then
 * the site name and how it got there or when it was revoked; '#' starts a
 * comment); `grants.json` holds unexpired grants (mode 0600).
 */

export const AUTHORIZED_FILE = 'authorized-peers'
export const REVOKED_FILE = 'revoked-peers'
export const GRANTS_FILE = 'grants.json'
const PROOF_LABEL = 'portmesh-join-v1'

/** Proof of a grant, bound to both Noise-authenticated identities. */
export function grantProof (secret: Uint8Array, holder: string, issuer: string): Buffer {
  return createHmac('sha256', secret).update(`${PROOF_LABEL}\n${holder}\n${issuer}`).digest()
}

/** Writes a data-dir file whole or not at all (a temporary file, then a rename). */
export async function writeAtomic (path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, text, { mode })
  await rename(tmp, path)
}

/** A data-dir file's text, or undefined when it does not exist. */
export async function readText (path: string): Promise<string | undefined> {
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

/** Lines of `peer-id site rest…`, comments and blank lines skipped. */
function parsePeerLines (text: string | undefined): Array<{ peerId: string, site: string, rest: string }> {
  const out = []
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') continue
    const [peerId, site = '', ...rest] = line.split(/\s+/)
    out.push({ peerId, site, rest: rest.join(' ') })
  }
  return out
}

export class AuthorizedPeers {
  private readonly peers = new Map<string, AuthorizedPeer>()
  private writes: Promise<void> = Promise.resolve()

  private constructor (private readonly path: string) {}

  static async load (dataDir: string): Promise<AuthorizedPeers> {
    const a = new AuthorizedPeers(join(dataDir, AUTHORIZED_FILE))
    for (const { peerId, site, rest } of parsePeerLines(await readText(a.path))) a.peers.set(peerId, { peerId, site, note: rest })
    return a
  }

  has (peerId: string): boolean {
    return this.peers.has(peerId)
  }

  list (): AuthorizedPeer[] {
    return [...this.peers.values()]
  }

  get (peerId: string): AuthorizedPeer | undefined {
    return this.peers.get(peerId)
  }

  /** Records a peer and writes the file; resolves once it is on disk. */
  async add (peerId: string, site: string, note: string): Promise<void> {
    this.peers.set(peerId, { peerId, site: site === '' ? '-' : site, note })
    await this.save()
  }

  /** Forgets a peer and writes the file; returns its entry, if it had one. */
  async remove (peerId: string): Promise<AuthorizedPeer | undefined> {
    const entry = this.peers.get(peerId)
    if (entry === undefined) return undefined
    this.peers.delete(peerId)
    await this.save()
    return entry
  }

  private async save (): Promise<void> {
    const text = '# Peers this site links with. One per line: peer id, site name, how it was authorised.\n' +
      '# Delete a line (and restart, or use the API) to revoke a peer.\n' +
      this.list().map(p => `${p.peerId} ${p.site} ${p.note}`.trim()).join('\n') + '\n'
    this.writes = this.writes.then(async () => await writeAtomic(this.path, text, 0o600))
    await this.writes
  }
}

export interface RevokedPeer {
  peerId: string
  /** The site name it went by when it was revoked ('-' when none was known). */
  site: string
  /** ISO time of the revocation. */
  revokedAt: string
}

/**
 * Peers revoked at this site: they may not link, tunnel or redeem any token
 * here, whatever `authorized-peers` says. Read at start and checked on every
 * connection and stream, so a revocation lasts across restarts.
 */
export class RevokedPeers {
  private readonly peers = new Map<string, RevokedPeer>()
  private writes: Promise<void> = Promise.resolve()

  private constructor (private readonly path: string) {}

  static async load (dataDir: string): Promise<RevokedPeers> {
    const r = new RevokedPeers(join(dataDir, REVOKED_FILE))
    for (const { peerId, site, rest } of parsePeerLines(await readText(r.path))) r.peers.set(peerId, { peerId, site, revokedAt: rest })
    return r
  }

  has (peerId: string): boolean {
    return this.peers.has(peerId)
  }

  get (peerId: string): RevokedPeer | undefined {
    return this.peers.get(peerId)
  }

  list (): RevokedPeer[] {
    return [...this.peers.values()]
  }

  /** Records a revocation and writes the file; resolves once it is on disk. A peer revoked twice keeps its first entry. */
  async add (peerId: string, site: string, revokedAt: Date): Promise<RevokedPeer> {
    const held = this.peers.get(peerId)
    if (held !== undefined) return held
    const entry = { peerId, site: site === '' ? '-' : site.replace(/\s+/g, '-'), revokedAt: revokedAt.toISOString() }
    this.peers.set(peerId, entry)
    const text = '# Peers revoked at this site: they cannot link, tunnel or redeem a token here. One per line: peer id, site name, when.\n' +
      '# Delete a line and restart to lift a revocation (the peer then needs a new token).\n' +
      this.list().map(p => `${p.peerId} ${p.site} ${p.revokedAt}`).join('\n') + '\n'
    this.writes = this.writes.then(async () => await writeAtomic(this.path, text, 0o600))
    await this.writes
    return entry
  }
}

interface StoredGrant {
  id: string
  secret: string
  expiresAt: number
  usesLeft: number
  /** Peers that redeemed it: a holder that asks again (it crashed before saving) is answered OK again. */
  redeemedBy?: string[]
  /** ISO time it was voided (token revoke, or a holder revoked): nobody redeems it again, not even a past holder. */
  voidedAt?: string
}

export type RedeemResult = 'ok' | 'unknown' | 'expired' | 'used' | 'bad-proof' | 'voided'

/** A grant as `token list` shows it: never its secret. */
export interface GrantView {
  id: string
  expiresAt: string
  usesLeft: number
  redeemedBy: string[]
}

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
    // Before the past-holder check: a voided grant lets nobody in again.
    if (grant.voidedAt !== undefined) return 'voided'
    if (grant.redeemedBy?.includes(holder) === true) return 'ok'
    if (nowMs > grant.expiresAt) return 'expired'
    if (grant.usesLeft <= 0) return 'used'
    grant.usesLeft--
    grant.redeemedBy = [...(grant.redeemedBy ?? []), holder]
    await this.save(nowMs)
    return 'ok'
  }

  /** Grants that can still be redeemed: not expired, not used up, not voided. */
  list (nowMs: number): GrantView[] {
    return [...this.grants.values()]
      .filter(g => g.voidedAt === undefined && g.usesLeft > 0 && nowMs <= g.expiresAt)
      .map(g => ({ id: g.id, expiresAt: new Date(g.expiresAt).toISOString(), usesLeft: g.usesLeft, redeemedBy: g.redeemedBy ?? [] }))
  }

  /** Voids one grant by id (hex); false when no such grant is held or it was voided already. */
  async void (id: string, nowMs: number): Promise<boolean> {
    const grant = this.grants.get(id.toLowerCase())
    if (grant === undefined || grant.voidedAt !== undefined) return false
    grant.voidedAt = new Date(nowMs).toISOString()
    await this.save(nowMs)
    return true
  }

  /**
   * Voids every grant `holder` redeemed, uses left included: the token text
   * was in the revoked site's hands, and it could redeem a remaining use under
   * a new identity. Returns the ids voided.
   */
  async voidRedeemedBy (holder: string, nowMs: number): Promise<string[]> {
    const voided: string[] = []
    for (const g of this.grants.values()) {
      if (g.voidedAt !== undefined || g.redeemedBy?.includes(holder) !== true) continue
      g.voidedAt = new Date(nowMs).toISOString()
      voided.push(g.id)
    }
    if (voided.length > 0) await this.save(nowMs)
    return voided
  }

  private async save (nowMs: number): Promise<void> {
    for (const [id, g] of this.grants) if (nowMs > g.expiresAt + 24 * 3600_000) this.grants.delete(id)
    const text = JSON.stringify([...this.grants.values()], null, 1) + '\n'
    this.writes = this.writes.then(async () => await writeAtomic(this.path, text, 0o600))
    await this.writes
  }
}
