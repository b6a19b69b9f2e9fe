import { connect, createServer, type Server, type Socket } from 'node:net'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { encodeTunnelHeader, decodeTunnelHeader, encodeTunnelStatus, StatusCode, type TunnelHeader } from '../wire/codec.js'
import { MAX_TUNNEL_HEADER_BYTES } from '../wire/constants.js'
import { encodeFrame, FrameDecoder } from '../wire/frames.js'

/**
 * A resume that arrives at a worker that does not hold its connection is
 * handed to the worker that does, over a local socket in a directory only
 * this site's processes can open (mode 0700, the router's user): the
 * receiving worker checked the resume (origin proof, replay, membership), so
 * the holder takes the header it is sent as checked. The relay then carries
 * the resumed tunnel's bytes between the stream and the holder for the rest
 * of the connection: one local hop more, only for connections whose path
 * broke.
 *
 * On the relay socket: the resume header as one frame, the bytes that came
 * behind it, then the tunnel's bytes both ways; the holder answers with the
 * tunnel status frame as the destination would on the stream.
 */

export function relaySocketPath (dir: string, worker: number): string {
  return join(dir, `worker-${worker}.sock`)
}

/** What the holder does with a relayed resume: answers and continues on the socket (true), or it holds no such connection (false). */
export type RelayedResume = (socket: Socket, header: TunnelHeader, rest: Uint8Array) => boolean

/** Listens for relayed resumes for this worker. */
export async function listenForRelays (dir: string, worker: number, take: RelayedResume, log: Logger): Promise<Server> {
  const path = relaySocketPath(dir, worker)
  rmSync(path, { force: true })
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {})
    const decoder = new FrameDecoder(MAX_TUNNEL_HEADER_BYTES)
    const onData = (chunk: Buffer): void => {
      let frame: Uint8Array | undefined
      let header: TunnelHeader
      try {
        decoder.append(chunk)
        frame = decoder.next()
        if (frame === undefined) return
        header = decodeTunnelHeader(frame)
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'refusing a malformed relayed resume')
        socket.destroy()
        return
      }
      socket.off('data', onData)
      socket.pause()
      if (!take(socket, header, decoder.rest())) {
        socket.end(encodeFrame(encodeTunnelStatus(StatusCode.GONE, 'no such connection is held here')))
      }
    }
    socket.on('data', onData)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => { server.off('error', reject); resolve() })
  })
  return server
}

/** Opens the relay to `worker` and sends the resume header and what came behind it; the socket is then the tunnel's. */
export async function relayTo (dir: string, worker: number, header: TunnelHeader, rest: Uint8Array): Promise<Socket> {
  const socket = connect({ path: relaySocketPath(dir, worker), allowHalfOpen: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.removeAllListeners('error')
  socket.write(encodeFrame(encodeTunnelHeader(header)))
  if (rest.byteLength > 0) socket.write(rest)
  return socket
}
