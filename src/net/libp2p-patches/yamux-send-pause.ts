import type { Stream } from '@libp2p/interface'
import { declarePatch } from './registry.js'

/**
 * A libp2p stream's resume() delivers what it buffered and only then
 * re-opens Yamux's receive window (sendResume). When that delivery paused the
 * reader again (its destination filled up), the window must stay shut, or
 * the peer may send past the read buffer limit: splice's stream endpoint
 * then calls the stream's own `sendPause`, the method pause() uses, which
 * marks the Yamux stream paused so it sends no window update.
 *
 * Applies per call; a stream without `sendPause` is left as libp2p leaves it.
 */
export const yamuxSendPause = declarePatch({
  name: 'yamux-send-pause',
  packages: [{ name: '@libp2p/yamux', testedVersions: ['8.0.3'] }],
  applies: "per stream resumed while its reader paused again: the Yamux stream's sendPause called"
})

interface PauseInternals { sendPause?: unknown }

/** Shuts the receive window of a stream that resume() re-opened although its reader paused again. */
export function keepReceiveWindowShut (stream: Stream): void {
  const s = stream as unknown as PauseInternals
  if (typeof s.sendPause === 'function') {
    s.sendPause()
    return
  }
  yamuxSendPause.observe(false, 'a Yamux stream without sendPause')
}

/** Check, on a real stream: it has the sendPause this calls. */
export function canKeepReceiveWindowShut (stream: object): boolean {
  return typeof (stream as PauseInternals).sendPause === 'function'
}
