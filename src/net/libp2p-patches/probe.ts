import { createServer } from 'node:net'
import { once } from 'node:events'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { MultiaddrConnection } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { fastNegotiationInbound } from './fast-negotiation-inbound.js'
import { fastNegotiationOutbound } from './fast-negotiation-outbound.js'
import { withFastNegotiation } from './fast-negotiation.js'
import { noiseLengthDecoder, quietLengthDecoder, usesQuietLengthDecoder } from './noise-length-decoder.js'
import { batchesSends, batchesSmallSends, batchSends, noiseSendBatching } from './noise-send-batching.js'
import { directListenerCount, streamEventDispatch, dispatchesDirectly, installStreamEventDispatch } from './stream-event-dispatch.js'
import { decryptsSpanningMessage, decryptsWithoutCopies, decryptWithoutCopies, noiseDecrypt } from './noise-decrypt.js'
import type { Patch } from './registry.js'
import { coalesceWrites, isCoalescingWrites, tcpWriteCoalescing } from './tcp-write-coalescing.js'
import { canKeepReceiveWindowShut, yamuxSendPause } from './yamux-send-pause.js'
import { batchesWindowUpdates, batchWindowUpdates, establishedState, hasReceiveWindow, yamuxWindowUpdates } from './yamux-window-updates.js'
import { silentLogger } from '../silent-logger.js'

/**
 * The start-up check: installs the process-wide patches, then builds, with
 * the real packages, one object of each kind the per-connection patches
 * apply to (a Yamux muxer and streams over an in-memory connection, a Noise
 * session over another, a TCP connection over loopback), applies each patch
 * as a node would, and records what the checks find on them. Runs once per
 * process; every real connection, muxer and stream is checked again as it
 * comes.
 */
let installing: Promise<void> | undefined

export async function installLibp2pPatches (): Promise<void> {
  installing ??= Promise.all([probeMessageDispatch(), probeYamux(), probeNoise(), probeTcp()]).then(() => {})
  await installing
}

const PROBE_PROTOCOL = '/portmesh/patch-probe/1.0.0'
const PROBE_TIMEOUT_MS = 2_000

/** A probe that throws counts as a refusal for every patch it covers. */
async function probing (patches: Patch[], run: () => Promise<void>): Promise<void> {
  try {
    await run()
  } catch (err) {
    for (const p of patches) p.observe(false, `start-up probe failed: ${(err as Error).message}`)
  }
}

interface YamuxStreamInternals {
  state: number
  recvWindow: number
  recvWindowCapacity: number
  sendFrame: (header: unknown) => boolean
  sendWindowUpdate: () => void
  sendPause: () => void
}

async function probeMessageDispatch (): Promise<void> {
  await probing([streamEventDispatch], async () => {
    installStreamEventDispatch()
    const [conn, far] = multiaddrConnectionPair()
    try {
      // Two plain listeners get the chunk directly, in order; once one is removed, only the other.
      const got: string[] = []
      let wanted = 0
      let arrive = (): void => {}
      const arrived = async (n: number): Promise<void> => {
        wanted = n
        await new Promise<void>((resolve, reject) => {
          arrive = resolve
          if (got.length >= n) resolve()
          setTimeout(() => reject(new Error(`message ${n} did not arrive`)), PROBE_TIMEOUT_MS).unref()
        })
      }
      const listener = (name: string) => (evt: Event): void => {
        got.push(`${name}${(evt as Event & { data: { byteLength: number } }).data.byteLength}`)
        if (got.length >= wanted) arrive()
      }
      const first = listener('a')
      const second = listener('b')
      far.addEventListener('message', first)
      far.addEventListener('message', second)
      const counted = far.listenerCount('message') === 2 && directListenerCount(far) === 2
      conn.send(Uint8Array.of(1, 2, 3))
      await arrived(2)
      far.removeEventListener('message', first)
      conn.send(Uint8Array.of(4))
      await arrived(3)
      far.removeEventListener('message', second)
      // A send that empties the write queue still announces 'idle' to a listener.
      let idle = 0
      const onIdle = (): void => { idle++ }
      conn.addEventListener('idle', onIdle)
      conn.send(Uint8Array.of(5))
      conn.removeEventListener('idle', onIdle)
      streamEventDispatch.observe(dispatchesDirectly(far) && counted && got.join() === 'a3,b3,b1' && far.listenerCount('message') === 0 && idle === 1,
        `message streams do not call plain message listeners directly, or lost an event (${got.join() || 'nothing delivered'}, ${idle} idle)`)
    } finally {
      conn.abort(new Error('probe done'))
      far.abort(new Error('probe done'))
    }
  })
}

async function probeYamux (): Promise<void> {
  await probing([yamuxWindowUpdates, yamuxSendPause, fastNegotiationInbound, fastNegotiationOutbound], async () => {
    await batchWindowUpdates()
    const [conn, far] = multiaddrConnectionPair()
    // The muxer factory wrapped as createNode wraps it: creating a muxer and a fast stream records both negotiation patches.
    const components = { registrar: { getHandler: () => { throw new Error('probe') } } }
    const muxer = withFastNegotiation(yamux({ enableKeepAlive: false }), [PROBE_PROTOCOL], PROBE_TIMEOUT_MS)(components).createStreamMuxer(conn)
    try {
      // What Connection.newStream(protocol, { negotiateFully: false }) hands the muxer.
      const fastStream = { protocol: PROBE_PROTOCOL, negotiateFully: false }
      await muxer.createStream(fastStream)
      const stream = await muxer.createStream()
      const s = stream as unknown as YamuxStreamInternals
      const batches = batchesWindowUpdates(stream) && hasReceiveWindow(stream)
      const pauses = canKeepReceiveWindowShut(stream)
      // What the stream would send, with the window in the states that matter.
      const frames: unknown[] = []
      s.sendFrame = (header) => { frames.push(header); return true }
      const updatesAfter = (state: number, capacity: number): number => {
        frames.length = 0
        s.state = state
        s.recvWindowCapacity = capacity
        s.sendWindowUpdate()
        return frames.length
      }
      const established = establishedState() ?? -1
      yamuxWindowUpdates.observe(batches && updatesAfter(established, s.recvWindow - 1) === 0 && updatesAfter(established, s.recvWindow / 2 - 1) === 1,
        'YamuxStream sends window updates its own way (fields or method not where the wrapper expects them)')
      let shut = false
      if (pauses) {
        s.sendPause()
        shut = updatesAfter(s.state, 0) === 0
      }
      yamuxSendPause.observe(pauses && shut, pauses ? 'YamuxStream.sendPause does not stop window updates' : 'YamuxStream has no sendPause')
    } finally {
      muxer.abort(new Error('probe done'))
      conn.abort(new Error('probe done'))
      far.abort(new Error('probe done'))
    }
  })
}

async function probeNoise (): Promise<void> {
  await probing([noiseLengthDecoder, noiseDecrypt, noiseSendBatching], async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const encrypter = noise()({ privateKey, logger: silentLogger, upgrader: { getStreamMuxers: () => new Map() } } as unknown as Parameters<ReturnType<typeof noise>>[0])
    const [conn, far] = multiaddrConnectionPair()
    const options = { skipStreamMuxerNegotiation: true, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }
    try {
      const [secured, inbound] = await Promise.all([encrypter.secureOutbound(conn, options), encrypter.secureInbound(far, options)])
      quietLengthDecoder(secured)
      noiseLengthDecoder.observe(usesQuietLengthDecoder(secured), 'a Noise connection without decoder.lengthDecoder')
      decryptWithoutCopies(inbound)
      noiseDecrypt.observe(decryptsWithoutCopies(inbound) && decryptsSpanningMessage(secured, inbound), 'a Noise connection without decrypt or handshake.decrypt, or whose decrypt it replaced lost a message')
      batchSends(secured)
      noiseSendBatching.observe(batchesSends(secured) && await batchesSmallSends(secured, inbound),
        'a Noise connection without sendData, encrypt, close or stream.send, or whose small sends did not leave as one message')
    } finally {
      conn.abort(new Error('probe done'))
      far.abort(new Error('probe done'))
    }
  })
}

async function probeTcp (): Promise<void> {
  await probing([tcpWriteCoalescing], async () => {
    const server = createServer((socket) => socket.destroy())
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const { port } = server.address() as { port: number }
      let probed = false
      // libp2p's TCP transport hands its upgrader the connection object it built: that is the one node connections get.
      const upgrader = {
        upgradeOutbound: async (maConn: MultiaddrConnection): Promise<never> => {
          probed = true
          coalesceWrites(maConn)
          tcpWriteCoalescing.observe(isCoalescingWrites(maConn), 'a TCP connection without socket or sendData')
          throw new Error('probe done')
        }
      }
      const transport = tcp()({ logger: silentLogger } as unknown as Parameters<ReturnType<typeof tcp>>[0])
      await transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${port}`), { upgrader, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) } as unknown as Parameters<typeof transport.dial>[1]).catch(() => {})
      if (!probed) tcpWriteCoalescing.observe(false, 'the TCP transport did not hand over a connection')
    } finally {
      server.close()
    }
  })
}
