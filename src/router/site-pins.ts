import { join } from 'node:path'
import { readText, writeAtomic } from '../net/membership.js'

export const SITE_PINS_FILE = 'site-pins'

export interface SitePin {
  site: string
  peerId: string
  /** Unix ms. */
  pinnedAt: number
  /** How it was learnt: 'self', 'joined' (redeemed a grant here), 'advertised'. */
  how: string
}

export interface NameConflict {
  site: string
  pinned: string
  claimant: string
}

/**
 * Site names bound to identities, trust on first sight: the first peer seen
 * with a name (this site itself, a site that joined here, or the origin of a
 * verified advertisement) holds it; a later peer that calls itself the same is
 * an impostor as far as `allow` and `trust` rules go, and is reported. Kept in
 * the data dir (`site-pins`, one line per name), so a restart does not let a
 * newcomer take a name. A pin is released only when its peer is revoked.
 */
export class SitePins {
  private readonly pins = new Map<string, SitePin>()
  private readonly conflicts = new Map<string, NameConflict>()
  private writes: Promise<void> = Promise.resolve()

  private constructor (private readonly path: string, private readonly onConflict: (c: NameConflict) => void, private readonly onWriteError: (err: Error) => void) {}

  static async load (dataDir: string, onConflict: (c: NameConflict) => void = () => {}, onWriteError: (err: Error) => void = () => {}): Promise<SitePins> {
    const p = new SitePins(join(dataDir, SITE_PINS_FILE), onConflict, onWriteError)
    const text = await readText(p.path) ?? ''
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim()
      if (line === '') continue
      const [site, peerId, pinnedAt = '0', how = 'advertised'] = line.split(/\s+/)
      if (peerId !== undefined) p.pins.set(site, { site, peerId, pinnedAt: Number(pinnedAt) || 0, how })
    }
    return p
  }

  peerOf (site: string): string | undefined {
    return this.pins.get(site)?.peerId
  }

  list (): SitePin[] {
    return [...this.pins.values()]
  }

  /** Names claimed by a peer other than the one they are pinned to. */
  nameConflicts (): NameConflict[] {
    return [...this.conflicts.values()]
  }

  /**
   * A peer was seen calling itself `site`. Pins the name when it is free;
   * reports a conflict (once per claimant) when another peer holds it.
   */
  observe (site: string, peerId: string, how: string, nowMs = Date.now()): void {
    if (site === '' || site === '-') return
    const pin = this.pins.get(site)
    if (pin === undefined) {
      this.pins.set(site, { site, peerId, pinnedAt: nowMs, how })
      this.save()
      return
    }
    if (pin.peerId === peerId) return
    const id = `${site} ${peerId}`
    if (this.conflicts.has(id)) return
    const conflict = { site, pinned: pin.peerId, claimant: peerId }
    this.conflicts.set(id, conflict)
    this.onConflict(conflict)
  }

  /** Frees every name held by `peerId` (it was revoked); returns the names. */
  release (peerId: string): string[] {
    const names = [...this.pins.values()].filter(p => p.peerId === peerId).map(p => p.site)
    for (const site of names) this.pins.delete(site)
    for (const [id, c] of this.conflicts) if (c.claimant === peerId || names.includes(c.site)) this.conflicts.delete(id)
    if (names.length > 0) this.save()
    return names
  }

  /** Resolves once everything observed so far is on disk. */
  async flushed (): Promise<void> {
    await this.writes
  }

  private save (): void {
    const text = '# Site names and the identity each is bound to at this site (first seen holds it).\n' +
      '# One per line: site, peer id, pinned at (unix ms), how. Revoking a peer frees its names.\n' +
      this.list().map(p => `${p.site} ${p.peerId} ${p.pinnedAt} ${p.how}`).join('\n') + '\n'
    this.writes = this.writes.then(async () => await writeAtomic(this.path, text, 0o600)).catch(this.onWriteError)
  }
}
