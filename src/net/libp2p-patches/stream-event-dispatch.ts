import { AbstractMessageStream } from '@libp2p/utils'
import { declarePatch } from './registry.js'

/**
 * libp2p's message streams (the TCP connection, Noise's secured connection,
 * each Yamux stream) announce everything as DOM events through Node's
 * EventTarget and main-event's wrapper around each listener: every chunk
 * read is `dispatchEvent(new StreamMessageEvent(data))`, and every send that
 * empties the write queue builds and dispatches an 'idle' CustomEvent, which
 * nothing listens to except a close waiting for the queue to empty. A redis
 * request through one hop is such a chunk and such a send at each of the
 * three layers, both ways, at each router. Profiled with redis-benchmark
 * (50 clients, GET and SET, one hop), EventTarget and the wrapper were 8-11 %
 * of each router's busy CPU, more than its Noise cipher.
 *
 * Two changes. An event that no listener waits for (`listenerCount` is 0) is
 * not built nor dispatched by `safeDispatchEvent` (it would reach nobody). A
 * 'message' listener added without options (what libp2p's own consumers and
 * portmesh's do) is kept in a plain list on the stream and called directly
 * with the same event object, in the order added, with the stream as `this`,
 * and with Node's EventTarget's rules: adding one twice is a no-op, one
 * removed during a dispatch is not called for it, one added during a dispatch
 * is (Node's behaviour, not the DOM's), and one that throws is reported as an
 * uncaught exception on the next tick while the rest still run. Listeners
 * added with options (once, signal, capture) and every other event type go
 * through EventTarget as before, after the direct ones. What differs: the
 * event's `target` and `currentTarget` stay null for the direct listeners (no
 * listener in libp2p or portmesh reads them).
 *
 * Applies once per process, to `AbstractMessageStream.prototype` of the
 * @libp2p/utils that libp2p, Noise, Yamux and the TCP transport share:
 * `addEventListener`, `removeEventListener`, `listenerCount`, `dispatchEvent`
 * and `safeDispatchEvent` are wrapped. The wrapped `addEventListener` repeats
 * the one thing libp2p's own does beyond registering: a 'message' listener
 * that arrives while data waits in `readBuffer` gets it on the next microtask.
 */
export const streamEventDispatch = declarePatch({
  name: 'stream-event-dispatch',
  packages: [
    { name: '@libp2p/utils', testedVersions: ['7.4.1'] },
    // The EventTarget subclass whose listenerCount and add/remove the wrappers call through to.
    { name: 'main-event', via: '@libp2p/utils', testedVersions: ['1.0.5'] }
  ],
  applies: 'once per process: AbstractMessageStream.prototype add/removeEventListener, listenerCount, dispatchEvent and safeDispatchEvent: plain message listeners called directly, events nobody listens to not built'
}, () => dispatchesDirectly(AbstractMessageStream.prototype))

type Listener = (this: unknown, evt: Event) => unknown
interface Entry { listener: Listener, removed: boolean }
/** A stream's direct listeners; `dispatching` counts dispatches under way, during which removed entries stay (flagged) in `list`. */
interface Direct { list: Entry[], live: number, dispatching: number }

interface MessageStreamPrototype {
  addEventListener: (this: Target, type: string, listener: unknown, options?: unknown) => void
  removeEventListener: (this: Target, type: string, listener: unknown, options?: unknown) => void
  listenerCount: (this: Target, type: string) => number
  dispatchEvent: (this: Target, evt: Event) => boolean
  safeDispatchEvent: (this: Target, type: string, detail?: unknown) => boolean
}

interface Target {
  [DIRECT]?: Direct
  readBuffer?: { byteLength: number }
  dispatchReadBuffer?: () => void
}

const DIRECT = Symbol('portmesh.directMessageListeners')
const wrapped = new WeakSet<object>()

/** What Node's EventTarget does with a listener's exception or rejection. */
const report = (err: unknown): void => { process.nextTick(() => { throw err }) }

/** Wraps the four methods once; a @libp2p/utils without any of them is left as it is. */
export function installStreamEventDispatch (): void {
  const proto = AbstractMessageStream.prototype as unknown as Partial<MessageStreamPrototype>
  const { addEventListener: add, removeEventListener: remove, listenerCount: count, dispatchEvent: dispatch, safeDispatchEvent: safeDispatch } = proto
  if (typeof add !== 'function' || typeof remove !== 'function' || typeof count !== 'function' || typeof dispatch !== 'function' || typeof safeDispatch !== 'function') return
  if (wrapped.has(dispatch)) return

  const addDirect = function (this: Target, type: string, listener: unknown, options?: unknown): void {
    if (type !== 'message' || options !== undefined || typeof listener !== 'function') {
      add.call(this, type, listener, options)
      return
    }
    const direct = this[DIRECT] ??= { list: [], live: 0, dispatching: 0 }
    if (direct.list.some(e => e.listener === listener && !e.removed)) return
    // Appended to the list a dispatch under way is reading: like Node's EventTarget, it is called for that event too.
    direct.list.push({ listener: listener as Listener, removed: false })
    direct.live++
    if ((this.readBuffer?.byteLength ?? 0) > 0) queueMicrotask(() => { this.dispatchReadBuffer?.() })
  }
  const removeDirect = function (this: Target, type: string, listener: unknown, options?: unknown): void {
    const direct = this[DIRECT]
    const at = type === 'message' && direct !== undefined && !capture(options) ? direct.list.findIndex(e => e.listener === listener && !e.removed) : -1
    if (direct === undefined || at < 0) {
      remove.call(this, type, listener, options)
      return
    }
    direct.list[at].removed = true
    direct.live--
    if (direct.dispatching === 0) direct.list.splice(at, 1)
  }
  const countDirect = function (this: Target, type: string): number {
    return count.call(this, type) + (type === 'message' ? (this[DIRECT]?.live ?? 0) : 0)
  }
  const dispatchDirect = function (this: Target, evt: Event): boolean {
    const direct = this[DIRECT]
    if (direct === undefined || direct.live === 0 || evt.type !== 'message') return dispatch.call(this, evt)
    const list = direct.list
    direct.dispatching++
    try {
      for (let i = 0; i < list.length; i++) {
        const e = list[i]
        if (e.removed) continue
        try {
          const result = e.listener.call(this, evt) as { then?: unknown } | undefined
          if (typeof result?.then === 'function') (result as Promise<unknown>).then(undefined, report)
        } catch (err) {
          report(err)
        }
      }
    } finally {
      if (--direct.dispatching === 0 && direct.live < list.length) direct.list = list.filter(e => !e.removed)
    }
    return count.call(this, 'message') > 0 ? dispatch.call(this, evt) : true
  }
  const safeDispatchHeard = function (this: Target, type: string, detail?: unknown): boolean {
    // What dispatching an event to no listener returns: not cancelled.
    if (countDirect.call(this, type) === 0) return true
    return safeDispatch.call(this, type, detail)
  }
  wrapped.add(dispatchDirect)
  wrapped.add(safeDispatchHeard)
  Object.assign(proto, { addEventListener: addDirect, removeEventListener: removeDirect, listenerCount: countDirect, dispatchEvent: dispatchDirect, safeDispatchEvent: safeDispatchHeard })
}

const capture = (options: unknown): boolean => options === true || (typeof options === 'object' && options !== null && (options as { capture?: unknown }).capture === true)

/** Check, on the real prototype or a real message stream: dispatchEvent and safeDispatchEvent are the wrappers. */
export function dispatchesDirectly (target: object): boolean {
  const t = target as { dispatchEvent?: object, safeDispatchEvent?: object }
  return wrapped.has(t.dispatchEvent as object) && wrapped.has(t.safeDispatchEvent as object)
}

/** How many 'message' listeners of `stream` are called directly (for the probe and the contract test). */
export function directListenerCount (stream: object): number {
  return (stream as Target)[DIRECT]?.live ?? 0
}
