/**
 * Target selection for one new client connection (per connection, never per byte).
 * perceived cost = path cost + the target's own (connector) cost + connections
 * this router currently has open to it divided by the target's weight. The
 * lowest wins; among equal ones the caller's rotating counter picks, in
 * proportion to weight, so equal targets share the load by weight even when
 * connections are short-lived and the open counts stay at zero.
 */
export interface Candidate<T = unknown> {
  id: string
  pathCost: number
  ownCost: number
  open: number
  /** Summed weight of the target's healthy connectors (integer ≥ 1; absent: 1). */
  weight?: number
  value: T
}

const weightOf = (c: Candidate): number => Math.max(1, c.weight ?? 1)

export function perceivedCost (c: Candidate): number {
  return c.pathCost + c.ownCost + c.open / weightOf(c)
}

/** Compares perceived costs exactly (cross-multiplied integers), so equal costs tie without float error. */
function compareCost (a: Candidate, b: Candidate): number {
  const wa = weightOf(a)
  const wb = weightOf(b)
  return ((a.pathCost + a.ownCost) * wa + a.open) * wb - ((b.pathCost + b.ownCost) * wb + b.open) * wa
}

/**
 * Returns every candidate, best first: the order in which to try them when the
 * best one fails before any byte was sent (re-forwarding). Among the tied best,
 * `rotation` modulo their summed weight lands in one candidate's share, which
 * goes first; the rest of the tied follow in rotated order.
 */
export function rankTargets<T> (candidates: ReadonlyArray<Candidate<T>>, rotation: number): Array<Candidate<T>> {
  const sorted = [...candidates].sort((a, b) => compareCost(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  if (sorted.length < 2) return sorted
  let tied = 1
  while (tied < sorted.length && compareCost(sorted[tied], sorted[0]) === 0) tied++
  const head = sorted.slice(0, tied)
  let slot = Math.abs(Math.trunc(rotation)) % head.reduce((sum, c) => sum + weightOf(c), 0)
  let shift = 0
  while (slot >= weightOf(head[shift])) slot -= weightOf(head[shift++])
  if (shift === 0) return sorted
  return [...head.slice(shift), ...head.slice(0, shift), ...sorted.slice(tied)]
}
