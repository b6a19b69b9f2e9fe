import { computeRoutes } from '../src/core/spf.js'
import type { Advertisement } from '../src/core/types.js'

/**
 * A random connected mesh of n routers: a ring (so everything is reachable)
 * plus extra random links, each router with about `degree` links of cost 1-10.
 */
export function generateMesh (n: number, degree = 4, seed = 42): Advertisement[] {
  let state = seed
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
  const id = (i: number): string => `router-${String(i).padStart(6, '0')}`
  const links = Array.from({ length: n }, () => new Map<number, number>())
  const connect = (a: number, b: number): void => {
    if (a === b || links[a].has(b)) return
    const cost = 1 + Math.floor(random() * 10)
    links[a].set(b, cost)
    links[b].set(a, cost)
  }
  for (let i = 0; i < n; i++) connect(i, (i + 1) % n)
  for (let i = 0; i < n * (degree - 2) / 2; i++) connect(Math.floor(random() * n), Math.floor(random() * n))
  return links.map((l, i) => ({ origin: id(i), epoch: 1, seq: 1, site: id(i), links: [...l].map(([j, cost]) => ({ peer: id(j), cost })), services: [] }))
}

/** Milliseconds for one full route computation from router 0, median of `runs`. */
export function timeRouteComputation (n: number, runs = 5): number[] {
  const ads = generateMesh(n)
  const times: number[] = []
  // Warm-up: a router computes routes after every change, so its route code is
  // compiled and optimised; the first few runs here are not (1,000 routers:
  // ~10 ms for the first runs, ~2 ms once warm).
  const warmUntil = performance.now() + 2000
  for (let i = 0; i < 20 && performance.now() < warmUntil; i++) computeRoutes(ads[i % n].origin, ads)
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint()
    const routes = computeRoutes(ads[0].origin, ads)
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (routes.size !== n - 1) throw new Error(`generated mesh of ${n} is not connected (${routes.size} routes)`)
  }
  return times
}
