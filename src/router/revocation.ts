import { ResourceError } from '../api/types.js'
import { checkPeerId } from '../wire/codec.js'

/**
 * Which peer `portmesh link revoke SITE|PEERID` means. A peer id is taken as
 * it is; a site name is looked up where this site has seen names bound to
 * identities: the site column of authorized-peers, the link-state database
 * and the open links. A name that matches no identity, or more than one, is
 * refused with a sentence naming what is known: revoking the wrong peer (a
 * newcomer that borrowed a name) is worse than asking for the peer id.
 */

export interface KnownPeer {
  peerId: string
  site: string
  /** Where the binding was seen: 'authorized-peers', 'mesh', 'link' or 'revoked-peers'. */
  source: string
}

export interface RevokeTarget {
  peerId: string
  site: string
}

function isPeerId (text: string): boolean {
  try {
    return checkPeerId(text, 'peer') === text
  } catch {
    return false
  }
}

const short = (peerId: string): string => peerId.length > 16 ? `${peerId.slice(0, 8)}…${peerId.slice(-6)}` : peerId

/** `known` holds every binding seen (duplicates welcome); `revoked` says which peers are revoked already. */
export function resolveRevokeTarget (target: string, self: { peerId: string, site: string }, known: KnownPeer[], revoked: (peerId: string) => boolean): RevokeTarget {
  const text = target.trim()
  if (text === '') throw new ResourceError(400, 'peer', 'name a site or a peer id to revoke')
  if (text === self.peerId) throw new ResourceError(400, 'peer', `${text} is this site's own peer id; a site cannot revoke itself`)
  const siteOf = (peerId: string): string => known.find(k => k.peerId === peerId && k.site !== '' && k.site !== '-')?.site ?? '-'
  if (isPeerId(text)) return { peerId: text, site: siteOf(text) }

  const matches = new Map<string, Set<string>>()
  for (const k of known) {
    if (k.site !== text || k.peerId === self.peerId) continue
    const sources = matches.get(k.peerId) ?? new Set<string>()
    sources.add(k.source)
    matches.set(k.peerId, sources)
  }
  // An identity revoked before does not make the name ambiguous for a live one.
  const live = [...matches.keys()].filter(p => !revoked(p))
  const candidates = live.length > 0 ? live : [...matches.keys()]
  if (candidates.length === 1) return { peerId: candidates[0], site: text }
  if (candidates.length > 1) {
    const named = candidates.map(p => `${p} (${[...(matches.get(p) ?? [])].join(', ')})`).join('; ')
    throw new ResourceError(400, 'peer', `site name ${text} is ambiguous here, it names ${candidates.length} peers: ${named}; revoke one by its peer id`)
  }
  const names = [...new Map(known.filter(k => k.peerId !== self.peerId && k.site !== '' && k.site !== '-').map(k => [`${k.site} ${k.peerId}`, k])).values()]
    .map(k => `${k.site} (${short(k.peerId)})`)
  if (text === self.site) throw new ResourceError(400, 'peer', `${text} is this site's own name; a site cannot revoke itself`)
  throw new ResourceError(404, 'peer', `no site named ${text} is known here; ${names.length > 0 ? `known sites: ${[...new Set(names)].join(', ')}` : 'this site knows no other site'}`)
}
