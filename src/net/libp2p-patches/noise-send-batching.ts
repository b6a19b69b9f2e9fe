import { Uint8ArrayList } from 'uint8arraylist'
import { NOISE_MSG_MAX_LENGTH_BYTES_WITHOUT_TAG } from './noise-limits.js'
import { declarePatch } from './registry.js'

/**
 * Noise encrypts every send of its secured connection as a message of its
 * own, at once: each Yamux frame (a 12-byte header and a request of a few
 * bytes, a window update, a FIN) costs an encryption, a 2-byte length, a
 * 16-byte tag and a socket write, and the far end a decryption. Fifty redis
 * clients through one link meant a Noise message and a writev per request at
 * each router (20,022 writevs for 20,000 GETs).
 *
 * Here the small sends of one event-loop iteration wait, in order, and go as
 * one message when the iteration's I/O callbacks are done (setImmediate,
 * which runs before the loop polls again: no byte waits for a timer or for
 * new input). A send of 8 KiB or more is bulk and goes at once, with what
 * waited before it; so does everything once 64 KiB wait, the most one
 * message holds. Close sends what waits first; a reset drops it, as a reset
 * drops Noise's own queue. Backpressure is the transport's: a send reports
 * "full" whenever the TCP connection below does.
 *
 * Applies per connection, by giving the secured connection (Noise's
 * EncryptedMessageStream) an own `sendData` and `close`; one without
 * `sendData`, `encrypt`, `close` or a `stream.send` below is left as it is.
 */
export const noiseSendBatching = declarePatch({
  name: 'noise-send-batching',
  packages: [
    { name: '@chainsafe/libp2p-noise', testedVersions: ['17.0.0'] },
    // The list class Noise's encrypt and the message stream's queue use (Noise's own copy).
    { name: 'uint8arraylist', via: '@chainsafe/libp2p-noise', testedVersions: ['2.4.9'] }
  ],
  applies: 'per secured connection: its sendData gathers the small sends of one event-loop iteration into one Noise message'
})

/** A send this large is bulk: it goes at once, with what waited before it. */
const SEND_AT_ONCE_BYTES = 8192

interface SendResult { sentBytes: number, canSendMore: boolean }

interface EncryptedStream {
  /** The transport below (libp2p's TCP connection), as a MessageStream. */
  stream?: { send?: (data: Uint8ArrayList) => boolean, writableNeedsDrain?: boolean }
  encrypt?: (chunk: Uint8Array | Uint8ArrayList) => Uint8ArrayList
  sendData?: (data: Uint8ArrayList) => SendResult
  close?: (options?: unknown) => Promise<void>
  abort?: (err: Error) => void
}

interface Secured { connection?: EncryptedStream }

const batching = new WeakSet<object>()

/** Gives the secured connection the batching sendData and a close that sends what waits first. */
export function batchSends<T> (secured: T): T {
  const conn = (secured as Secured).connection
  const below = conn?.stream
  if (conn === undefined || below === undefined || typeof conn.sendData !== 'function' || typeof conn.encrypt !== 'function' ||
    typeof conn.close !== 'function' || typeof below.send !== 'function') return secured
  // Looked up at each call, so a check can watch what reaches the transport.
  const send = (data: Uint8ArrayList): boolean => (below.send as (data: Uint8ArrayList) => boolean)(data)
  const encrypt = conn.encrypt.bind(conn)
  const close = conn.close.bind(conn)
  const belowHasRoom = (): boolean => below.writableNeedsDrain !== true
  let waiting: Uint8ArrayList | undefined
  let scheduled = false

  const sendWaiting = (): boolean => {
    const data = waiting
    waiting = undefined
    return data === undefined ? belowHasRoom() : send(encrypt(data))
  }
  const sendAtIterationEnd = (): void => {
    scheduled = false
    try {
      sendWaiting()
    } catch (err) {
      // The transport closed under us; what a failed send in Noise's own
      // queue would do (AbstractMessageStream.processSendQueue).
      conn.abort?.(err as Error)
    }
  }
  const sendData = (data: Uint8ArrayList): SendResult => {
    waiting ??= new Uint8ArrayList()
    waiting.append(data)
    if (data.byteLength >= SEND_AT_ONCE_BYTES || waiting.byteLength >= NOISE_MSG_MAX_LENGTH_BYTES_WITHOUT_TAG) {
      return { sentBytes: data.byteLength, canSendMore: sendWaiting() }
    }
    if (!scheduled) {
      scheduled = true
      setImmediate(sendAtIterationEnd)
    }
    return { sentBytes: data.byteLength, canSendMore: belowHasRoom() }
  }
  conn.sendData = sendData
  conn.close = async (options?: unknown): Promise<void> => {
    sendWaiting()
    await close(options)
  }
  batching.add(sendData)
  return secured
}

/** Check, on a real secured connection: its sendData is the batching one. */
export function batchesSends (secured: unknown): boolean {
  return batching.has((secured as Secured).connection?.sendData as object)
}

/**
 * Check, on a real pair of secured connections with nothing sent yet and
 * `batchSends` applied to `outbound`: three small sends in one iteration
 * reach the transport as one send, none before the iteration ends, and
 * `inbound` decrypts them in order.
 */
export async function batchesSmallSends (outbound: unknown, inbound: unknown): Promise<boolean> {
  const sender = (outbound as Secured).connection as (EncryptedStream & { send?: (data: Uint8Array) => boolean }) | undefined
  const receiver = (inbound as Secured).connection as (EventTarget & { addEventListener?: unknown }) | undefined
  const below = sender?.stream
  if (sender?.send === undefined || typeof below?.send !== 'function' || typeof receiver?.addEventListener !== 'function') return false
  const belowSend = below.send
  let sends = 0
  below.send = (data) => { sends++; return belowSend.call(below, data) }
  const got: number[] = []
  let arrive = (): void => {}
  const arrived = new Promise<void>((resolve, reject) => {
    arrive = resolve
    setTimeout(() => reject(new Error('the batched sends did not arrive')), 1_000).unref()
  })
  const onMessage = (evt: Event): void => {
    got.push(...(evt as Event & { data: Uint8ArrayList }).data.subarray())
    if (got.length >= 6) arrive()
  }
  receiver.addEventListener('message', onMessage)
  try {
    sender.send(Uint8Array.of(1))
    sender.send(Uint8Array.of(2, 3))
    sender.send(Uint8Array.of(4, 5, 6))
    const before = sends
    await new Promise(resolve => setImmediate(resolve))
    const after = sends
    await arrived
    return before === 0 && after === 1 && got.join() === '1,2,3,4,5,6'
  } finally {
    below.send = belowSend
    receiver.removeEventListener('message', onMessage)
  }
}
