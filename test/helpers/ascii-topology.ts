import type { Advertisement, LinkAd } from '../../src/core/types.js'

/**
 * Draws a mesh for a test. Each line holds a chain of routers joined by links:
 *
 *   A --1-- B --3-- C        two-way links, cost 1 and 3
 *   A --2/7-- D              A advertises cost 2, D advertises 7
 *   A --4-> E                only A advertises this link (one-way)
 *
 * Returns one advertisement per router named anywhere in the drawing.
 */
export function drawMesh (drawing: string): Advertisement[] {
  const links = new Map<string, LinkAd[]>()
  const node = (name: string): LinkAd[] => {
    let l = links.get(name)
    if (l === undefined) {
      l = []
      links.set(name, l)
    }
    return l
  }
  for (const raw of drawing.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    const tokens = line.split(/\s+/)
    node(tokens[0])
    for (let i = 1; i + 1 < tokens.length; i += 2) {
      const from = tokens[i - 1]
      const edge = tokens[i]
      const to = tokens[i + 1]
      const m = /^-+(\d+)(?:\/(\d+))?-*(>?)$/.exec(edge)
      if (m === null) throw new Error(`cannot read link ${JSON.stringify(edge)} in ${JSON.stringify(line)}`)
      const costFrom = Number(m[1])
      const costTo = m[2] !== undefined ? Number(m[2]) : costFrom
      node(from).push({ peer: to, cost: costFrom })
      if (m[3] !== '>') node(to).push({ peer: from, cost: costTo })
      else node(to)
    }
  }
  return [...links].map(([origin, l]) => ({ origin, epoch: 1, seq: 1, site: origin, links: l, services: [] }))
}
