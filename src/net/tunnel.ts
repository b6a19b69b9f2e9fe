import type { Connection, Stream } from '@libp2p/interface'
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import { decodeTunnelHeader, decodeTunnelStatus, encodeTunnelHeader, encodeTunnelStatus, statusName, StatusCode, type TunnelHeader } from '../wire/codec.js'
import { HEADER_TIMEOUT_MS, STATUS_TIMEOUT_MS } from './constants.js'
import { MAX_TUNNEL_HEADER_BYTES, MAX_TUNNEL_STATUS_BYTES } from '../wire/constants.js'
import { ProtocolTimeoutError, WireError } from '../wire/errors.js'
import { EmptyStreamError, encodeFrame } from '../wire/frames.js'
import { readFirstFrame } from './read-frame.js'
import { socketEndpoint, splice, streamEndpoint, type Endpoint, type SpliceResult } from './splice.js'
import type { ClientHead } from './client-head.js'
import { ProtocolRefusedError } from './libp2p-patches/index.js'
import { destinationProofBytes, proveOrigin, verifiedBy, type TunnelSigner } from './origin-proof.js'
import { deriveSessionKeys, newEphemeral, sealedEndpoint, type SessionKeys } from './e2e.js'
import { createHash } from 'node:crypto'
import type { FlowEnd, FlowFilter } from '../core/flow-ring.js'
import type { FlowAnswer } from '../wire/flow-codec.js'
import { serveFlows } from './query-answer.js'
import type { ResumableEndpoint } from './resume.js'
import { resumableTunnelEnd, withLeadingBytes, type HeldTunnels, type ResumeSettings } from './tunnel-resume.js'

/**
 * Tunnel protocol. The ingress opens a stream to the next hop and sends a
 * header (routing key, destination router, hop limit, connection id). A transit
 * hop forwards the header to its own next hop for the destination and then
 * splices the two streams, so the destination's status and all later bytes
 * pass through it untouched. The destination dials its connector and answers
 * OK, or a refusal (NO_ROUTE, CONNECT_FAILED, HOP_LIMIT, DENIED, BAD_REQUEST)
 * that travels back to the ingress, which may then try another target (not
 * after DENIED). The header carries the ingress's origin proof
 * (origin-proof.ts); the destination decides on that proven identity.
 */

/** What the tunnel code needs from its router. */
export interface TunnelHost {
  readonly selfId: string
  readonly log: Logger
  /** The next hop (a neighbour's peer id) towards `destination`, if there is a route. */
  nextHop (destination: string): string | undefined
  /**
   * A tunnel stream to the next hop towards `destination`, usable at once
   * (its protocol is proposed, not yet accepted); `via`: that next hop.
   * Rejects when there is no route or no stream could be opened.
   */
  openTunnelStream (destination: string): Promise<{ stream: Stream, via: string }>
  /**
   * Whether the next hop towards `destination` was heard from lately. Client
   * bytes are sent ahead of the destination's answer only over a link that is
   * answering: bytes sent into a link that then dies may or may not have
   * reached a workload, so that connection cannot be given to another target.
   */
  nextHopResponsive (destination: string): boolean
  /** Signs this router's tunnel headers and answers. */
  readonly signer: TunnelSigner
  /** Wall-clock Unix ms (origin proofs carry it). */
  wallClock (): number
  /**
   * The destination's decision on who opened a tunnel: the origin proof
   * checked (signature, freshness, replay) and the ingress a member in good
   * standing here. Refused: DENIED with the reason; logged by the host.
   */
  admitOrigin (header: TunnelHeader, from: string): OriginAdmission | Promise<OriginAdmission>
  /**
   * Dials this site's connector for the key (the destination's side of a
   * tunnel), among those that admit the caller. Rejects with
   * TunnelRefusedError: NO_ROUTE when the site has no connector for the key,
   * DENIED when none admits the caller, CONNECT_FAILED when none answered.
   */
  deliver (routingKey: string, caller: TunnelCaller): Promise<DeliveredConnection>
  /** Bytes moved over the link to `peer`; any arrival is proof that the link is alive. */
  activity (peer: string, bytesIn: number, bytesOut: number): void
  /**
   * Registers a running pipe, so shutdown can reset what is still open;
   * `ends` are the sites at its two ends (ingress, destination), so that
   * revoking one resets its tunnels here at once.
   */
  track (pipe: Promise<SpliceResult>, reset: () => void, ends?: readonly string[], info?: TrackInfo): void
  /** A tunnel that ended here, at its destination (delivered, refused or denied): its flow record. Monotonic times are performance.now(). */
  flowEnded? (flow: FlowEnd): void
  /**
   * A mesh query for this site's flow records from a proven member: the
   * answer for a filter, or why this site does not share them with `peer`.
   * Absent: queries are refused.
   */
  flowQuery? (peer: string): { answer: (filter: FlowFilter) => FlowAnswer } | { refused: string }
  /** Resumption at this router's ends of tunnels; absent: tunnels are not resumable here. */
  readonly resumeSettings?: ResumeSettings
  /** The destination's resumable connections (with resumeSettings). */
  readonly held?: HeldTunnels
  /**
   * A resume for a connection not held here, admitted already: another
   * process of this site (a worker) may hold it. True when it took the
   * stream (answered and spliced it on); absent or false: answered GONE.
   */
  relayResume? (stream: Stream, rest: Uint8Array, header: TunnelHeader, log: Logger): Promise<boolean>
}

/** What a tracked pipe is, for a graceful stop. */
export interface TrackInfo {
  /** A transit pipe of a resumable tunnel: its ends resume elsewhere when it is cut, so a stopping router cuts it at once. */
  resumableTransit?: boolean
}

export type OriginAdmission = { ok: true, proven: boolean } | { ok: false, reason: string }

/** Who opened a tunnel, as the destination knows it. */
export interface TunnelCaller {
  peer: string
  /** False only for a router of an earlier release, which cannot prove its origin. */
  proven: boolean
  e2e: boolean
}

/** What the ingress asks of a tunnel. */
export interface TunnelOptions {
  /** The destination must sign its answer (a listener with `trust`), unless it is the next hop; no client byte goes before it. */
  proveDestination?: boolean
  /** End-to-end encryption (the target's service asks for it); implies proveDestination. */
  e2e?: boolean
  /** A mesh query (mesh-query.ts) instead of a client connection. */
  query?: number
  /**
   * Offer the destination a resumable tunnel (every router on the path can
   * carry it): the stream then runs the resumable layer, whose onBroken the
   * ingress handles by reopening the tunnel elsewhere.
   */
  resumable?: { onBroken: (layer: ResumableEndpoint, reason: string) => void }
}

/**
 * The key exchange's transcript: the ingress's proof (which signs its
 * ephemeral key and everything else in the request) and both ephemeral keys.
 */
function e2eTranscript (originProof: Uint8Array, ingressKey: Uint8Array, destinationKey: Uint8Array): Uint8Array {
  return createHash('sha256').update(originProof).update(ingressKey).update(destinationKey).digest()
}

/** A connection to a local workload, made for one tunnel. */
export interface DeliveredConnection {
  socket: Socket
  /** Where it went, for the logs. */
  address: string
  release: () => void
}

export class TunnelRefusedError extends Error {
  override name = 'TunnelRefusedError'
  constructor (readonly code: StatusCode, readonly reason: string) {
    super(`${statusName(code)}: ${reason}`)
  }
}

export interface OpenedTunnel {
  stream: Stream
  /** Bytes the destination sent right behind its status (ciphertext when `keys`). */
  rest: Uint8Array
  via: string
  /** Set for an end-to-end encrypted tunnel: seal the stream with them (sealedEndpoint). */
  keys?: SessionKeys
  /** Set for a resumable tunnel: the stream's layer (already fed what came behind the status). */
  layer?: ResumableEndpoint
}

/** The tunnel's far end as an endpoint: the stream, sealed when end-to-end encrypted (with what came behind the status). */
export function tunnelEndpoint (tunnel: OpenedTunnel, label: string, onActivity: (bytesIn: number, bytesOut: number) => void): { endpoint: Endpoint, initial?: Uint8Array } {
  if (tunnel.layer !== undefined) return { endpoint: tunnel.keys === undefined ? tunnel.layer : sealedEndpoint(tunnel.layer, tunnel.keys) }
  const plain = streamEndpoint(tunnel.stream, label, onActivity)
  if (tunnel.keys === undefined) return { endpoint: plain, initial: tunnel.rest }
  return { endpoint: sealedEndpoint(plain, tunnel.keys, { initialCiphertext: tunnel.rest }) }
}

/** The tunnel died before its status after client bytes went into it: they may have reached a workload, so no other target may be tried. */
export class TunnelLostError extends Error {
  override name = 'TunnelLostError'
}

/**
 * Connection ids start at a random point: the two ends' flow records of one
 * connection are matched by (ingress, id), and an ingress that restarts must
 * not reuse the ids its destinations still remember.
 */
let nextConnectionId = Math.floor(Math.random() * 2 ** 48) + 1

export function newConnectionId (): number {
  return nextConnectionId++
}

/**
 * The ingress's resumable layer. Its onBroken lives as long as the tunnel, so
 * it is made here, where it can hold nothing of openTunnel (whose closures
 * share one context: the first stream, the header).
 */
function ingressTunnelEnd (inner: Endpoint, settings: ResumeSettings, broken: ((layer: ResumableEndpoint, reason: string) => void) | undefined): ResumableEndpoint {
  const l: ResumableEndpoint = resumableTunnelEnd(inner, settings, { onBroken: (reason) => broken?.(l, reason) })
  return l
}

/**
 * Ingress: opens a tunnel towards `destination` and waits for its status.
 * With `head`, the client's bytes follow the header at once (when the next hop
 * is responsive) instead of after the status. Throws TunnelRefusedError when
 * nothing reached a workload (another target may be tried), TunnelLostError
 * when that is not known.
 */
export async function openTunnel (host: TunnelHost, routingKey: string, destination: string, hopLimit: number, connectionId: number, head?: ClientHead, options: TunnelOptions = {}): Promise<OpenedTunnel> {
  const nextHop = host.nextHop(destination)
  if (nextHop === undefined) throw new TunnelRefusedError(StatusCode.NO_ROUTE, 'no route to the target')
  const e2e = options.e2e === true
  // Over a direct link no transit site can answer in the destination's
  // place: Noise proved that the far end of this connection is the
  // destination, so a listener's `trust` needs no signed answer there (nor
  // waits for it before sending the client's bytes).
  const direct = nextHop === destination
  const wantDestinationProof = e2e || (options.proveDestination === true && !direct)
  // Bytes sent before a signed answer could go to a transit site posing as the destination.
  const early = head !== undefined && !wantDestinationProof && host.nextHopResponsive(destination)
  // What the client sent with its connect goes in the stream's first packet, with the protocol and header.
  if (early) await head.firstBytes()
  let stream: Stream
  let via: string
  try {
    ({ stream, via } = await host.openTunnelStream(destination))
  } catch (err) {
    throw new TunnelRefusedError(StatusCode.NO_ROUTE, `cannot open a stream to the next hop: ${(err as Error).message}`)
  }
  if (via !== nextHop) {
    // The route changed while the stream opened: the proofs decided above may not fit the new path.
    stream.abort(new Error('route changed'))
    throw new TunnelRefusedError(StatusCode.NO_ROUTE, 'the route changed while the tunnel opened')
  }
  const ephemeral = e2e ? newEphemeral() : undefined
  const resumeSettings = options.resumable !== undefined ? host.resumeSettings : undefined
  const resumable = resumeSettings !== undefined
  const fields = { routingKey, destination, hopLimit, connectionId, ingress: host.selfId, e2eKey: ephemeral?.publicKey ?? new Uint8Array(0), wantDestinationProof, query: options.query ?? 0, resumable, originProof: new Uint8Array(0) }
  // Likewise the destination knows the ingress from the link's handshake and
  // takes an unsigned header from that neighbour for itself (router/access.ts):
  // a signature would prove nothing more, and costs ~40 µs here and ~85 µs to
  // check there per connection (npm run bench's origin-proof rows). A signed
  // answer (e2e) is bound to the proof, so a tunnel that asks for one is
  // signed whatever its path.
  const header: TunnelHeader = wantDestinationProof || !direct
    ? proveOrigin<TunnelHeader>(host.signer, fields, host.wallClock())
    : { ...fields, issuedAt: 0, nonce: new Uint8Array(0) }
  stream.send(encodeFrame(encodeTunnelHeader(header)))
  // A resumable tunnel's bytes go through its layer from the first one (so they are numbered and kept); it reads the stream once the status is in.
  let lead: Uint8Array = new Uint8Array(0)
  let layer: ResumableEndpoint | undefined
  if (resumeSettings !== undefined) {
    // What follows the status is known only once it is in; the layer starts reading after that.
    const inner = withLeadingBytes(streamEndpoint(stream, 'tunnel', (i, o) => host.activity(via, i, o)), () => lead)
    layer = ingressTunnelEnd(inner, resumeSettings, options.resumable?.onBroken)
  }
  if (early) head.attach(layer !== undefined ? (chunk) => { layer.write(chunk) } : (chunk) => { stream.send(chunk) })
  try {
    const { frame, rest } = await readFirstFrame(stream, MAX_TUNNEL_STATUS_BYTES, STATUS_TIMEOUT_MS)
    const status = decodeTunnelStatus(frame)
    if (status.code !== StatusCode.OK) {
      stream.abort(new Error('refused'))
      throw new TunnelRefusedError(status.code, status.message)
    }
    if (wantDestinationProof && !verifiedBy(destination, destinationProofBytes(destination, header.originProof, status.code, status.e2eKey, status), status.destinationProof)) {
      stream.abort(new Error('unproven answer'))
      throw new TunnelRefusedError(StatusCode.DENIED, 'the answer is not signed by the chosen target (a transit site in between answered?)')
    }
    if (layer !== undefined && !status.resumable) {
      // Offered only to destinations that advertise resumption: one that declines did not read our numbered bytes.
      stream.abort(new Error('resumption declined'))
      throw new TunnelLostError('the destination declined the resumable tunnel it advertises')
    }
    lead = rest
    let keys: SessionKeys | undefined
    if (ephemeral !== undefined) {
      try {
        keys = deriveSessionKeys({ privateKey: ephemeral.privateKey, peerPublicKey: status.e2eKey, transcript: e2eTranscript(header.originProof, ephemeral.publicKey, status.e2eKey), role: 'ingress' })
      } catch (err) {
        stream.abort(err as Error)
        throw new TunnelRefusedError(StatusCode.CONNECT_FAILED, `no end-to-end key agreed with the target: ${(err as Error).message}`)
      }
    }
    return { stream, rest: layer !== undefined ? new Uint8Array(0) : rest, via, keys, layer }
  } catch (err) {
    if (err instanceof TunnelRefusedError) throw err
    stream.abort(err as Error)
    // The next hop answered the protocol proposal with a refusal: it read no header, so nothing reached a workload.
    if (err instanceof ProtocolRefusedError) throw new TunnelRefusedError(StatusCode.NO_ROUTE, err.message)
    const sent = early ? head.sentBytes : 0
    if (sent > 0) throw new TunnelLostError(`tunnel lost before the destination answered, after ${sent} client bytes were sent: ${(err as Error).message}`)
    // Died before its status with no client byte in it: nothing can have reached a workload.
    throw new TunnelRefusedError(StatusCode.NO_ROUTE, `no status from the destination: ${(err as Error).message}`)
  } finally {
    head?.detach()
  }
}

/**
 * Ingress: reopens connection `connectionId` to `destination` over the
 * current route, for the resumable layer: a header marked as a resume, under
 * the ingress's signature (so no other member can take the connection), with
 * how many of the destination's bytes the ingress holds; the destination's
 * signed OK says how many of ours it holds. Rejects with TunnelRefusedError
 * (GONE: it holds no such connection).
 */
export async function reopenTunnel (host: TunnelHost, routingKey: string, destination: string, hopLimit: number, connectionId: number, received: number): Promise<{ endpoint: Endpoint, received: number, rest: Uint8Array, via: string }> {
  const { stream, via } = await host.openTunnelStream(destination)
  const header = proveOrigin<TunnelHeader>(host.signer, { routingKey, destination, hopLimit, connectionId, ingress: host.selfId, e2eKey: new Uint8Array(0), wantDestinationProof: true, resumable: true, resume: true, received, originProof: new Uint8Array(0) }, host.wallClock())
  stream.send(encodeFrame(encodeTunnelHeader(header)))
  try {
    const { frame, rest } = await readFirstFrame(stream, MAX_TUNNEL_STATUS_BYTES, STATUS_TIMEOUT_MS)
    const status = decodeTunnelStatus(frame)
    if (status.code !== StatusCode.OK) throw new TunnelRefusedError(status.code, status.message)
    if (!status.resumable || !verifiedBy(destination, destinationProofBytes(destination, header.originProof, status.code, status.e2eKey, status), status.destinationProof)) {
      throw new TunnelRefusedError(StatusCode.DENIED, 'the resume answer is not signed by the destination')
    }
    return { endpoint: streamEndpoint(stream, 'tunnel', (i, o) => host.activity(via, i, o)), received: status.received, rest, via }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

/** Sends a refusal and closes the stream; the peer reads the status, then the end. */
function refuse (stream: Stream, code: StatusCode, message: string): void {
  try {
    if (stream.writeStatus === 'writable') {
      stream.send(encodeFrame(encodeTunnelStatus(code, message)))
      stream.close().catch(() => {})
    }
  } catch {
    stream.abort(new Error(message))
  }
}

/** A transit or destination hop: handles one inbound tunnel stream. */
export async function handleTunnelStream (host: TunnelHost, stream: Stream, connection: Connection): Promise<void> {
  const from = connection.remotePeer.toString()
  let header, rest: Uint8Array
  try {
    const first = await readFirstFrame(stream, MAX_TUNNEL_HEADER_BYTES, HEADER_TIMEOUT_MS)
    rest = first.rest
    header = decodeTunnelHeader(first.frame)
  } catch (err) {
    if (err instanceof EmptyStreamError) {
      // Opened and closed without a byte (earlier versions kept such streams ready ahead of need).
      stream.close().catch(() => {})
      return
    }
    host.log.warn({ peer: from, err: (err as Error).message }, 'refusing tunnel stream')
    if (err instanceof WireError) refuse(stream, StatusCode.BAD_REQUEST, err.message)
    else if (err instanceof ProtocolTimeoutError) stream.abort(err)
    else if (stream.status === 'open') stream.abort(err as Error)
    return
  }
  const log = host.log.child({ conn: header.connectionId, key: header.routingKey, ingress: header.ingress, from })

  if (header.destination === host.selfId) {
    const startedAtMs = performance.now()
    const flow = (end: Pick<FlowEnd, 'result'> & Partial<FlowEnd>): void => {
      host.flowEnded?.({ connectionId: header.connectionId, startedAtMs, key: header.routingKey, ingressPeer: header.ingress, bytesIn: 0, bytesOut: 0, ...end })
    }
    const admission = await host.admitOrigin(header, from)
    if ((header.query ?? 0) !== 0) {
      answerQuery(host, stream, rest, header, admission, log)
      return
    }
    if (header.resume === true) {
      await answerResume(host, stream, rest, header, admission, from, log)
      return
    }
    if (!admission.ok) {
      flow({ result: 'denied', status: 'DENIED', reason: admission.reason })
      refuse(stream, StatusCode.DENIED, admission.reason)
      return
    }
    if (header.resumable === true && (host.resumeSettings === undefined || host.held === undefined || !admission.proven)) {
      // The ingress numbers its bytes for a resumable tunnel from the first one: refused before any reaches a workload, so it may try another target.
      refuse(stream, StatusCode.NO_ROUTE, 'this site does not resume tunnels (timers.resumeTimeoutMs is 0)')
      return
    }
    let dialed: DeliveredConnection
    try {
      dialed = await host.deliver(header.routingKey, { peer: header.ingress, proven: admission.proven, e2e: header.e2eKey.length > 0 })
    } catch (err) {
      const code = err instanceof TunnelRefusedError ? err.code : StatusCode.CONNECT_FAILED
      const message = err instanceof TunnelRefusedError ? err.reason : (err as Error).message
      // A denial is logged by the host, once per caller and key per interval; a line per tunnel would let a caller flood the log.
      if (code !== StatusCode.DENIED) log.info({ err: message }, 'tunnel refused at destination')
      flow({ result: code === StatusCode.DENIED ? 'denied' : 'refused', status: statusName(code), reason: message })
      refuse(stream, code, message)
      return
    }
    if (stream.status !== 'open') {
      dialed.socket.destroy()
      dialed.release()
      flow({ connector: dialed.address, result: 'reset', status: 'RESET', reason: 'the tunnel closed before the connector answered' })
      return
    }
    let keys: SessionKeys | undefined
    let e2eKey: Uint8Array = new Uint8Array(0)
    if (header.e2eKey.length > 0) {
      const ephemeral = newEphemeral()
      e2eKey = ephemeral.publicKey
      try {
        keys = deriveSessionKeys({ privateKey: ephemeral.privateKey, peerPublicKey: header.e2eKey, transcript: e2eTranscript(header.originProof, header.e2eKey, e2eKey), role: 'destination' })
      } catch (err) {
        dialed.socket.destroy()
        dialed.release()
        flow({ connector: dialed.address, result: 'refused', status: 'BAD_REQUEST', reason: (err as Error).message })
        refuse(stream, StatusCode.BAD_REQUEST, (err as Error).message)
        return
      }
    }
    // Resumable when the ingress offers it (a router that cannot keep it refused it above).
    const resumable = header.resumable === true
    const resume = { resumable, received: 0 }
    const destinationProof = header.wantDestinationProof || keys !== undefined ? host.signer.sign(destinationProofBytes(host.selfId, header.originProof, StatusCode.OK, e2eKey, resume)) : undefined
    stream.send(encodeFrame(encodeTunnelStatus(StatusCode.OK, '', { destinationProof, e2eKey, resumable })))
    log.debug({ connector: dialed.address, e2e: keys !== undefined, resumable }, 'tunnel delivered to connector')
    const plain = streamEndpoint(stream, `tunnel from ${from}`, (i, o) => host.activity(from, i, o))
    const ended = (r: SpliceResult): void => flow({ connector: dialed.address, bytesIn: r.bytesAToB, bytesOut: r.bytesBToA, result: r.resetReason === undefined ? 'closed' : 'reset', status: r.resetReason === undefined ? undefined : 'RESET', reason: r.resetReason })
    let release = dialed.release
    let far: Endpoint
    let initial = rest
    if (resumable && host.resumeSettings !== undefined && host.held !== undefined) {
      const layer = resumableTunnelEnd(plain, host.resumeSettings, {
        initialInbound: rest,
        onBroken: (reason) => log.info({ reason }, 'tunnel path broke; holding the connection for a resume')
      })
      const unhold = host.held.add(header.ingress, header.connectionId, layer)
      release = () => { unhold(); dialed.release() }
      far = keys === undefined ? layer : sealedEndpoint(layer, keys)
      initial = new Uint8Array(0)
    } else if (keys === undefined) {
      far = plain
    } else {
      far = sealedEndpoint(plain, keys, { initialCiphertext: rest })
      initial = new Uint8Array(0)
    }
    pipe(host, far, dialed.socket, initial, release, log, header.ingress, ended)
    return
  }

  if (header.hopLimit <= 1) {
    log.warn('tunnel dropped: hop limit reached')
    refuse(stream, StatusCode.HOP_LIMIT, 'hop limit reached')
    return
  }
  if (host.nextHop(header.destination) === undefined) {
    refuse(stream, StatusCode.NO_ROUTE, 'no route to the destination')
    return
  }
  let out: Stream
  let nextPeer: string
  try {
    ({ stream: out, via: nextPeer } = await host.openTunnelStream(header.destination))
  } catch (err) {
    refuse(stream, StatusCode.NO_ROUTE, `next hop unreachable: ${(err as Error).message}`)
    return
  }
  if (stream.status !== 'open') {
    out.abort(new Error('inbound tunnel closed'))
    return
  }
  out.send(encodeFrame(encodeTunnelHeader({ ...header, hopLimit: header.hopLimit - 1 })))
  const result = splice(
    streamEndpoint(stream, `tunnel from ${from}`, (i, o) => host.activity(from, i, o)),
    streamEndpoint(out, `tunnel to ${nextPeer}`, (i, o) => host.activity(nextPeer, i, o)),
    { initialAToB: rest }
  )
  host.track(result, () => { stream.abort(new Error('router stopping')); out.abort(new Error('router stopping')) }, [header.ingress, header.destination], { resumableTransit: header.resumable === true })
  void result.then((r) => log.debug({ ...r, via: nextPeer }, 'transit tunnel closed'))
}

/** Destination side of a mesh query: never a connector, and only for a proven member this site shares with. */
function answerQuery (host: TunnelHost, stream: Stream, rest: Uint8Array, header: TunnelHeader, admission: OriginAdmission, log: Logger): void {
  const decision = !admission.ok
    ? { refused: admission.reason }
    : !admission.proven
        ? { refused: 'a query needs a proven origin' }
        : host.flowQuery?.(header.ingress) ?? { refused: 'this site answers no queries' }
  if ('refused' in decision) {
    log.info({ reason: decision.refused }, 'flow query refused')
    refuse(stream, StatusCode.DENIED, decision.refused)
    return
  }
  const destinationProof = host.signer.sign(destinationProofBytes(host.selfId, header.originProof, StatusCode.OK, new Uint8Array(0)))
  stream.send(encodeFrame(encodeTunnelStatus(StatusCode.OK, '', { destinationProof })))
  void serveFlows(stream, rest, decision.answer, log)
}

/**
 * Destination side of a resume: the connection is looked up by the proven
 * ingress and its id (another member finds nothing), the old path given up
 * if this end had not noticed yet, and the layer continues on this stream
 * from what each end holds.
 */
async function answerResume (host: TunnelHost, stream: Stream, rest: Uint8Array, header: TunnelHeader, admission: OriginAdmission, from: string, log: Logger): Promise<void> {
  if (!admission.ok) {
    refuse(stream, StatusCode.DENIED, admission.reason)
    return
  }
  const proven = admission.proven && header.originProof.length > 0
  const layer = proven ? host.held?.get(header.ingress, header.connectionId) : undefined
  if (layer === undefined || layer.state === 'closed' || layer.state === 'reset') {
    if (proven && layer === undefined && await host.relayResume?.(stream, rest, header, log) === true) return
    log.info('resume refused: no such connection held here')
    refuse(stream, StatusCode.GONE, 'no such connection is held here')
    return
  }
  const endpoint = streamEndpoint(stream, `tunnel from ${from}`, (i, o) => host.activity(from, i, o))
  resumeHeld(host, layer, (status) => { stream.send(status) }, endpoint, header, rest, log, from)
}

/**
 * The destination's side of a resume of `layer`, held here: answers with the
 * bytes held (signed), through `answer`, and continues on `endpoint` (the new
 * stream, or a relay from the process of this site the stream arrived at).
 */
export function resumeHeld (host: Pick<TunnelHost, 'selfId' | 'signer'>, layer: ResumableEndpoint, answer: (status: Uint8Array) => void, endpoint: Endpoint, header: TunnelHeader, rest: Uint8Array, log: Logger, via: string): void {
  if (layer.state === 'live') layer.suspend('the ingress resumed over a new path')
  const received = layer.received
  const destinationProof = host.signer.sign(destinationProofBytes(host.selfId, header.originProof, StatusCode.OK, new Uint8Array(0), { resumable: true, received }))
  answer(encodeFrame(encodeTunnelStatus(StatusCode.OK, '', { destinationProof, resumable: true, received })))
  if (!layer.reattach(endpoint, header.received ?? 0, rest)) {
    log.info('resume refused: the connection could not continue from what the ingress holds')
    return
  }
  log.info({ via }, 'tunnel resumed at destination')
}

/** Destination side: the tunnel stream joined to the workload's socket. */
function pipe (host: TunnelHost, tunnel: Endpoint, socket: Socket, rest: Uint8Array, release: () => void, log: Logger, ingress: string, ended: (r: SpliceResult) => void): void {
  const result = splice(tunnel, socketEndpoint(socket, 'connector'), { initialAToB: rest })
  host.track(result, () => { tunnel.reset(); socket.resetAndDestroy() }, [ingress])
  void result.then((r) => {
    release()
    log.debug(r, 'tunnel closed at destination')
    ended(r)
  })
}

