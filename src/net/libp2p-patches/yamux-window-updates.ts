import { declarePatch } from './registry.js'

/**
 * js-yamux answers every data frame it receives with a window update, even a
 * frame of one byte: a new tunnel's header, status and first reply each cost
 * the far router an extra frame, a wakeup and (when alone in their turn) a
 * write of their own. Here an established stream sends its update only once
 * less than half its receive window is left, which is what Go's and Rust's
 * yamux do. Streams opening (SYN/ACK) or paused behave as before. With
 * 4 MiB windows a bulk transfer still gets an update every 2 MiB.
 *
 * Applies once per process, by wrapping `YamuxStream.prototype.sendWindowUpdate`;
 * the wrapper reads the stream's `state`, `recvWindow` and `recvWindowCapacity`.
 */
export const yamuxWindowUpdates = declarePatch({
  name: 'yamux-window-updates',
  packages: [{ name: '@libp2p/yamux', testedVersions: ['8.0.3'] }],
  applies: 'once per process: YamuxStream.prototype.sendWindowUpdate wrapped'
}, () => prototype !== undefined && batchesWindowUpdates(prototype))

interface ReceiveWindow { state: unknown, recvWindow: unknown, recvWindowCapacity: unknown }
interface WindowPrototype { sendWindowUpdate?: unknown }
interface YamuxStreamModule { StreamState?: { Established?: unknown }, YamuxStream?: { prototype?: WindowPrototype } }

const wrappers = new WeakSet<object>()
let prototype: WindowPrototype | undefined
let established: number | undefined

/** Wraps sendWindowUpdate once; a Yamux without the stream class or the method it wraps is left as it is. */
export async function batchWindowUpdates (): Promise<void> {
  // Imported here, not at the top: a Yamux that moved its stream module leaves portmesh running on libp2p's own window updates.
  const mod = await import('@libp2p/yamux/stream').catch(() => undefined) as YamuxStreamModule | undefined
  const proto = mod?.YamuxStream?.prototype
  const state = mod?.StreamState?.Established
  if (proto === undefined || typeof state !== 'number') return
  const sendWindowUpdate = proto.sendWindowUpdate
  if (typeof sendWindowUpdate !== 'function' || wrappers.has(sendWindowUpdate)) return
  const batched = function (this: ReceiveWindow): void {
    if (this.state === state && (this.recvWindowCapacity as number) > (this.recvWindow as number) / 2) return
    sendWindowUpdate.call(this)
  }
  wrappers.add(batched)
  proto.sendWindowUpdate = batched
  prototype = proto
  established = state
}

/** Yamux's StreamState.Established, once the wrapper is installed: the state in which it holds updates back. */
export function establishedState (): number | undefined {
  return established
}

/** Check, on the real prototype (or a real stream): sendWindowUpdate is the wrapper. */
export function batchesWindowUpdates (target: object): boolean {
  return wrappers.has((target as WindowPrototype).sendWindowUpdate as object)
}

/** Check, on a real stream: the fields the wrapper reads are there. */
export function hasReceiveWindow (stream: object): boolean {
  const s = stream as ReceiveWindow
  return typeof s.state === 'number' && typeof s.recvWindow === 'number' && typeof s.recvWindowCapacity === 'number'
}
