/**
 * Target selection for one new client connection (per connection, never per byte).
 * perceived cost = path cost + the target's own (connector) cost + connections
 * this router currently has open to it. The lowest wins; among equal ones the
 * caller's rotating counter picks, so equal targets share the load even when
 * connections are short-lived and the open counts stay at zero.
 */
export interface Candidate<T = unknown> {
  id: string
  pathCost: number
  ownCost: number
  open: number
  value: T
}

export function perceivedCost (c: Candidate): number {
  return c.pathCost + c.ownCost + c.open
}

/**
 * Returns every candidate, best first: the order in which to try them when the
 * best one fails before any byte was sent (re-forwarding).
 */
export function rankTargets<T> (candidates: ReadonlyArray<Candidate<T>>, rotation: number): Array<Candidate<T>> {
  const sorted = [...candidates].sort((a, b) => perceivedCost(a) - perceivedCost(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  if (sorted.length < 2) return sorted
  const best = perceivedCost(sorted[0])
  let tied = 1
  while (tied < sorted.length && perceivedCost(sorted[tied]) === best) tied++
  const shift = Math.abs(Math.trunc(rotation)) % tied
  if (shift === 0) return sorted
  const head = sorted.slice(0, tied)
  return [...head.slice(shift), ...head.slice(0, shift), ...sorted.slice(tied)]
}
