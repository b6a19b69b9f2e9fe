/**
 * Who may use a service (a connector's `allow`) and who may serve it (a
 * listener's `trust`). An entry is a peer id, or a site name bound to one
 * identity by this site's pins (see router/site-pins.ts): a site name alone is
 * self-declared, so it never matches a peer that merely claims it.
 */

/** The peer id a site name is pinned to at this site, if any. */
export type PinnedPeer = (site: string) => string | undefined

/** Peer ids are base58 multihashes: Ed25519 ones start 12D3KooW, RSA ones Qm; site names are shorter. */
export function looksLikePeerId (entry: string): boolean {
  return /^(12D3KooW|Qm|16Uiu2)[1-9A-HJ-NP-Za-km-z]{30,}$/.test(entry)
}

/** Whether `peer` is named by one of the entries. No entries: every member. */
export function admits (entries: readonly string[] | undefined, peer: string, pinned: PinnedPeer): boolean {
  if (entries === undefined || entries.length === 0) return true
  for (const entry of entries) {
    if (entry === peer) return true
    if (!looksLikePeerId(entry) && pinned(entry) === peer) return true
  }
  return false
}

/** How a rule's entries resolve now, for status: each entry with the identity it stands for (undefined: nobody yet). */
export function resolveEntries (entries: readonly string[], pinned: PinnedPeer): Array<{ entry: string, peerId?: string }> {
  return entries.map(entry => ({ entry, peerId: looksLikePeerId(entry) ? entry : pinned(entry) }))
}
