import { StreamState, YamuxStream } from '@libp2p/yamux/stream'

interface ReceiveWindow { state: StreamState, recvWindow: number, recvWindowCapacity: number }

let installed = false

/**
 * js-yamux answers every data frame it receives with a window update, even a
 * frame of one byte: a new tunnel's header, status and first reply each cost
 * the far router an extra frame, a wakeup and (when alone in their turn) a
 * write of their own. Here an established stream sends its update only once
 * less than half its receive window is left, which is what Go's and Rust's
 * yamux do. Streams opening (SYN/ACK) or paused behave as before. With
 * 4 MiB windows a bulk transfer still gets an update every 2 MiB.
 */
export function batchWindowUpdates (): void {
  if (installed) return
  installed = true
  const proto = YamuxStream.prototype as unknown as { sendWindowUpdate: (this: ReceiveWindow) => void }
  const sendWindowUpdate = proto.sendWindowUpdate
  if (typeof sendWindowUpdate !== 'function') return
  proto.sendWindowUpdate = function (this: ReceiveWindow): void {
    if (this.state === StreamState.Established && this.recvWindowCapacity > this.recvWindow / 2) return
    sendWindowUpdate.call(this)
  }
}
