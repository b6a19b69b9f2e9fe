import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 lets a router's old generation grow past what the last full
 * collection kept, in percent: the next full collection comes at
 * (1 + HEAP_GROWING_PERCENT / 100) × live, plus V8's young generation.
 *
 * Why a router sets it. After a full collection V8 sets the old generation's
 * limit from a factor it derives from how fast the program promotes objects
 * against how fast it collects them. A router keeps ~20 MB live and promotes
 * little, so the factor came out small and the limit 11–23 MB above live; V8
 * then started marking again right after each mark-compact (its trace:
 * "Start (task): 20MB / 43MB / 23MB"), and each mark-compact promotes every
 * young object alive at that moment, at 250 MB/s the tunnels' frames in
 * flight. So one full collection during bulk traffic led to the next within
 * 50–250 ms for as long as the traffic lasted: 4–10 mark-compacts a second on
 * both routers of one hop, 36–40 % of their CPU samples in marking and
 * sweeping, iperf3 at half its rate; it came and went from run to run of the
 * same routers (README, "npm run bench").
 *
 * At 300 % the limit after a collection is 4 × live (V8's own largest factor
 * for a heap of this size): ~95 MB for a router with 22 MB live, so marking
 * starts only once ~60 MB more are promoted. The same bench: 6 and 4
 * mark-compacts in all over two runs. What it costs is memory: up to that much
 * garbage in the old generation between collections; V8's memory reducer
 * still collects a router that goes quiet.
 *
 * An operator who starts node with --heap-growing-percent keeps their value
 * (V8 does not take it from NODE_OPTIONS).
 */
export const HEAP_GROWING_PERCENT = 300

/** Sets V8's heap growing factor for this process, unless node was started with one. Call before traffic. */
export function tuneGarbageCollector (): void {
  if (process.execArgv.some(arg => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
}
