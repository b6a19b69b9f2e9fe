import { randomBytes } from 'node:crypto'
import { appendFileSync, readFileSync } from 'node:fs'
import { register } from 'node:module'
import type { Endpoint, EndpointSink, SpliceOptions, SpliceResult } from '../../src/net/splice.js'
import type { Stream } from '@libp2p/interface'
import { encodeTunnelStatus, StatusCode, type TunnelHeader } from '../../src/wire/codec.js'
import { encodeFrame, type Chunk } from '../../src/wire/frames.js'

/**
 * Loaded with `node --import` into a real `portmesh run`, it makes that
 * router a hostile transit site: every tunnel header it forwards passes
 * through `rewrite`, steered by the file named in ROGUE_MODE_FILE (read per
 * header, so a test switches modes without a restart):
 *   honest             forward as is
 *   record             forward as is, and keep a copy of the header
 *   claim PEER         name PEER as the ingress, keeping the proof
 *   strip-claim PEER   name PEER as the ingress, with no proof at all
 *   replay             forward the recorded header instead
 *   hijack-resume      forward, instead, a resume of the recorded connection
 *                      (its ingress and proof kept, received 0): a member
 *                      trying to take over a connection it did not open
 *   hijack-forge       the same with a fresh nonce, time and a made-up proof
 *   impersonate        forward nothing: answer OK in the destination's place
 *                      (unsigned: it has not the destination's key) and send
 *                      'rogue here', tapping whatever the stream brings
 * and every byte it splices between two tunnel streams is appended to the
 * file named in ROGUE_TAP_FILE (what a curious transit could read).
 * The source of net/tunnel.js is changed as it loads (rogue-transit-loader.ts).
 */
register('./rogue-transit-loader.js', import.meta.url)

let recorded: TunnelHeader | undefined

const currentMode = (): string[] => readFileSync(process.env.ROGUE_MODE_FILE ?? '', 'utf8').trim().split(/\s+/)

function rewrite (header: TunnelHeader): TunnelHeader {
  const [mode, arg = ''] = currentMode()
  switch (mode) {
    case 'record':
      recorded = header
      return header
    case 'claim':
      return { ...header, ingress: arg }
    case 'strip-claim':
      return { ...header, ingress: arg, originProof: new Uint8Array(0), nonce: new Uint8Array(0), issuedAt: 0 }
    case 'replay':
      return recorded === undefined ? header : { ...recorded, hopLimit: header.hopLimit }
    case 'hijack-resume':
      return recorded === undefined ? header : { ...recorded, resume: true, resumable: true, received: 0, hopLimit: header.hopLimit }
    case 'hijack-forge':
      return recorded === undefined ? header : { ...recorded, resume: true, resumable: true, received: 0, nonce: randomBytes(16), issuedAt: Date.now(), originProof: randomBytes(64), hopLimit: header.hopLimit }
    default:
      return header
  }
}

function tap (bytes: Chunk | Uint8Array): void {
  const file = process.env.ROGUE_TAP_FILE
  if (file !== undefined) appendFileSync(file, 'subarray' in bytes ? bytes.subarray() : bytes)
}

function tapped (e: Endpoint): Endpoint {
  const start = e.start.bind(e)
  e.start = (sink: EndpointSink) => start({ ...sink, data: (chunk) => { tap(chunk); sink.data(chunk) } })
  return e
}

/** In impersonate mode, answers a tunnel meant for another site as if this one were it; true when it did. */
function answer (stream: Stream, header: TunnelHeader, rest: Uint8Array): boolean {
  if (currentMode()[0] !== 'impersonate') return false
  tap(rest)
  stream.addEventListener('message', (e) => { tap(e.data) })
  stream.send(encodeFrame(encodeTunnelStatus(StatusCode.OK, '', { resumable: header.resumable })))
  stream.send(new TextEncoder().encode('rogue here\n'))
  return true
}

type Splice = (a: Endpoint, b: Endpoint, options?: SpliceOptions) => Promise<SpliceResult>
const spliceTapped = (splice: Splice): Splice => async (a, b, options) => {
  if (options?.initialAToB !== undefined) tap(options.initialAToB)
  return await splice(tapped(a), tapped(b), options)
}

Object.assign(globalThis, { portmeshRogueRewrite: rewrite, portmeshRogueSplice: spliceTapped, portmeshRogueAnswer: answer })
