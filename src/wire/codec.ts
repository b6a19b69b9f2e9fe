import { peerIdFromString } from '@libp2p/peer-id'
import { portmesh as pb } from './pb/configure.js'
import { decodeWith, WireError } from './errors.js'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_ADDRS_PER_DATA_PROCESS, MAX_ADVERTISED_WEIGHT, MAX_DATA_PROCESSES, MAX_LINKS_PER_AD, MAX_MULTIADDR_LENGTH, MAX_SERVICES_PER_AD, MAX_SITE_NAME_LENGTH } from './constants.js'
import type { Advertisement } from '../core/types.js'

/**
 * Decoding of everything that comes from the network. Each decoder takes bytes
 * whose length the framing already capped, never throws anything but WireError,
 * and returns only values that passed validation.
 */

const ROUTING_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
const PEER_ID_MAX_LENGTH = 128

/**
 * Peer ids already checked: every tunnel header names two, nearly always the
 * same few routers, and parsing one (base58, multihash) costs more than the
 * rest of the header. Bounded; cleared when full.
 */
const checkedPeerIds = new Set<string>()
const CHECKED_PEER_IDS_MAX = 4096

export function checkPeerId (value: string, field: string): string {
  if (checkedPeerIds.has(value)) return value
  if (value.length === 0 || value.length > PEER_ID_MAX_LENGTH) throw new WireError(`${field} is not a peer id`)
  let canonical: string
  try {
    canonical = peerIdFromString(value).toString()
  } catch {
    throw new WireError(`${field} is not a peer id`)
  }
  if (canonical === value) {
    if (checkedPeerIds.size >= CHECKED_PEER_IDS_MAX) checkedPeerIds.clear()
    checkedPeerIds.add(value)
  }
  return canonical
}

function checkSafeInt (n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new WireError(`${field} out of range`)
  return n
}

export const StatusCode = pb.TunnelStatus.Code
export type StatusCode = pb.TunnelStatus.Code

export interface Hello {
  version: number
  site: string
  epoch: number
  configuredCost: number
}

export interface TunnelHeader {
  routingKey: string
  destination: string
  hopLimit: number
  connectionId: number
  ingress: string
  /** Unix ms at the ingress; 0 from a router without origin proofs. */
  issuedAt: number
  nonce: Uint8Array
  /** Empty from a router of an earlier release. */
  originProof: Uint8Array
  /** The ingress's ephemeral X25519 key for end-to-end encryption; empty without. */
  e2eKey: Uint8Array
  wantDestinationProof: boolean
  /** 0 or absent: a client connection; QUERY_FLOWS: a mesh query for the destination's flow records. */
  query?: number
  /** The ingress offers to resume this tunnel over another path if it breaks. */
  resumable?: boolean
  /** This header reopens connection `connectionId` of this ingress; `received`: the destination's bytes the ingress holds. */
  resume?: boolean
  received?: number
}

/** TunnelHeader.query: the destination answers with its flow records (`portmesh flows --mesh`). */
export const QUERY_FLOWS = 1

export interface TunnelStatus {
  code: StatusCode
  message: string
  e2eKey: Uint8Array
  destinationProof: Uint8Array
  /** The destination keeps the connection for a resume if the path breaks. */
  resumable: boolean
  /** Answering a resume: the ingress's bytes the destination holds. */
  received: number
}

const EMPTY = new Uint8Array(0)
export const ORIGIN_NONCE_BYTES = 16
export const ED25519_SIGNATURE_BYTES = 64
export const X25519_KEY_BYTES = 32

function checkQuery (query: number): number {
  if (query !== 0 && query !== QUERY_FLOWS) throw new WireError(`tunnel header asks for an unknown query ${query}`)
  return query
}

function checkLength (bytes: Uint8Array, allowed: number, field: string): Uint8Array {
  if (bytes.length !== 0 && bytes.length !== allowed) throw new WireError(`${field} must be ${allowed} bytes`)
  return bytes
}

export type ControlMessage =
  | { hello: Hello }
  | { advertisement: Uint8Array }
  | { ping: { nonce: number } }
  | { pong: { nonce: number } }

export function encodeControl (msg: ControlMessage): Uint8Array {
  return pb.Control.encode(msg).finish()
}

/** Decodes one link-stream message; unknown kinds are refused (a newer peer must bump the version). */
export function decodeControl (bytes: Uint8Array): ControlMessage {
  return decodeWith('control message', () => {
    const msg = pb.Control.decode(bytes)
    switch (msg.kind) {
      case 'hello': {
        const h = msg.hello ?? {}
        const hello: Hello = { version: h.version ?? 0, site: h.site ?? '', epoch: checkSafeInt(h.epoch ?? 0, 'hello epoch'), configuredCost: h.configuredCost ?? 0 }
        if (hello.site.length > MAX_SITE_NAME_LENGTH) throw new WireError('hello site name too long')
        return { hello }
      }
      case 'advertisement':
        return { advertisement: msg.advertisement ?? new Uint8Array(0) }
      case 'ping':
        return { ping: { nonce: msg.ping?.nonce ?? 0 } }
      case 'pong':
        return { pong: { nonce: msg.pong?.nonce ?? 0 } }
      default:
        throw new WireError('control message of unknown kind')
    }
  })
}

export function encodeAdvertisementBody (ad: Advertisement): Uint8Array {
  return pb.Advertisement.encode({
    origin: ad.origin,
    epoch: ad.epoch,
    seq: ad.seq,
    site: ad.site,
    links: ad.links.map(l => ({ peer: l.peer, cost: l.cost })),
    services: ad.services.map(s => ({ routingKey: s.routingKey, connectors: s.connectors, cost: s.cost, e2e: s.e2e === true, weight: s.weight ?? 0 })),
    features: ad.features ?? 0,
    dataProcesses: (ad.dataProcesses ?? []).map(addrs => ({ addrs }))
  }).finish()
}

/** Workers' addresses: each a multiaddr (checked, not dialed), few and short. */
function checkDataProcesses (list: Array<{ addrs?: string[] | null }>): string[][] {
  if (list.length > MAX_DATA_PROCESSES) throw new WireError(`advertisement has ${list.length} workers, limit ${MAX_DATA_PROCESSES}`)
  return list.map(p => {
    const addrs = p.addrs ?? []
    if (addrs.length > MAX_ADDRS_PER_DATA_PROCESS) throw new WireError(`advertised worker has ${addrs.length} addresses, limit ${MAX_ADDRS_PER_DATA_PROCESS}`)
    for (const a of addrs) {
      if (a.length > MAX_MULTIADDR_LENGTH) throw new WireError('advertised worker address too long')
      try {
        multiaddr(a)
      } catch {
        throw new WireError('advertised worker address is not a multiaddr')
      }
    }
    return addrs
  })
}

/** Decodes and validates an advertisement body (signature checked by the caller). */
export function decodeAdvertisementBody (bytes: Uint8Array): Advertisement {
  return decodeWith('advertisement', () => {
    const m = pb.Advertisement.decode(bytes)
    if (m.links.length > MAX_LINKS_PER_AD) throw new WireError(`advertisement has ${m.links.length} links, limit ${MAX_LINKS_PER_AD}`)
    if (m.services.length > MAX_SERVICES_PER_AD) throw new WireError(`advertisement has ${m.services.length} services, limit ${MAX_SERVICES_PER_AD}`)
    if (m.site.length > MAX_SITE_NAME_LENGTH) throw new WireError('advertisement site name too long')
    const origin = checkPeerId(m.origin, 'advertisement origin')
    return {
      origin,
      epoch: checkSafeInt(m.epoch, 'advertisement epoch'),
      seq: checkSafeInt(m.seq, 'advertisement seq'),
      site: m.site,
      links: m.links.map(l => {
        const cost = l.cost ?? 0
        if (cost < 1) throw new WireError('advertised link cost below 1')
        return { peer: checkPeerId(l.peer ?? '', 'advertised link peer'), cost }
      }),
      services: m.services.map(s => {
        const routingKey = s.routingKey ?? ''
        if (!ROUTING_KEY.test(routingKey)) throw new WireError('advertised routing key is invalid')
        const weight = s.weight ?? 0
        // 1,000 connectors of the largest weight (1,000): beyond it the ranking's integer arithmetic would lose exactness.
        if (weight > MAX_ADVERTISED_WEIGHT) throw new WireError(`advertised weight ${weight} above ${MAX_ADVERTISED_WEIGHT}`)
        return { routingKey, connectors: s.connectors ?? 0, cost: s.cost ?? 0, e2e: s.e2e === true, weight }
      }),
      features: m.features ?? 0,
      ...((m.dataProcesses ?? []).length > 0 ? { dataProcesses: checkDataProcesses(m.dataProcesses) } : {})
    }
  })
}

export interface SignedAd {
  body: Uint8Array
  signature: Uint8Array
}

export function encodeSignedAd (signed: SignedAd): Uint8Array {
  return pb.SignedAdvertisement.encode(signed).finish()
}

export function decodeSignedAd (bytes: Uint8Array): SignedAd {
  return decodeWith('signed advertisement', () => {
    const m = pb.SignedAdvertisement.decode(bytes)
    if (m.body.length === 0 || m.signature.length === 0 || m.signature.length > 512) throw new WireError('signed advertisement without body or signature')
    return { body: m.body, signature: m.signature }
  })
}

/** The routing fields are required; a header without the proof fields is what an earlier release sends. */
export type TunnelHeaderFields = Pick<TunnelHeader, 'routingKey' | 'destination' | 'hopLimit' | 'connectionId' | 'ingress'> & Partial<TunnelHeader>

export function encodeTunnelHeader (h: TunnelHeaderFields): Uint8Array {
  return pb.TunnelHeader.encode(h).finish()
}

export function decodeTunnelHeader (bytes: Uint8Array): TunnelHeader {
  return decodeWith('tunnel header', () => {
    const h = pb.TunnelHeader.decode(bytes)
    if (!ROUTING_KEY.test(h.routingKey)) throw new WireError('tunnel header routing key is invalid')
    return {
      routingKey: h.routingKey,
      destination: checkPeerId(h.destination, 'tunnel destination'),
      hopLimit: h.hopLimit,
      connectionId: checkSafeInt(h.connectionId, 'tunnel connection id'),
      ingress: h.ingress === '' ? '' : checkPeerId(h.ingress, 'tunnel ingress'),
      // An absent uint64 reads as the prototype's default, built before Long was switched off: take it as 0.
      issuedAt: checkSafeInt(Object.hasOwn(h, 'issuedAt') ? h.issuedAt : 0, 'tunnel issued_at'),
      nonce: checkLength(h.nonce ?? EMPTY, ORIGIN_NONCE_BYTES, 'tunnel nonce'),
      originProof: checkLength(h.originProof ?? EMPTY, ED25519_SIGNATURE_BYTES, 'tunnel origin proof'),
      e2eKey: checkLength(h.e2eKey ?? EMPTY, X25519_KEY_BYTES, 'tunnel e2e key'),
      wantDestinationProof: h.wantDestinationProof === true,
      query: checkQuery(h.query ?? 0),
      resumable: h.resumable === true,
      resume: h.resume === true,
      received: checkSafeInt(Object.hasOwn(h, 'received') ? h.received : 0, 'tunnel received')
    }
  })
}

export function encodeTunnelStatus (code: StatusCode, message = '', extra?: { e2eKey?: Uint8Array, destinationProof?: Uint8Array, resumable?: boolean, received?: number }): Uint8Array {
  return pb.TunnelStatus.encode({ code, message: message.slice(0, 200), e2eKey: extra?.e2eKey, destinationProof: extra?.destinationProof, resumable: extra?.resumable, received: extra?.received }).finish()
}

export function decodeTunnelStatus (bytes: Uint8Array): TunnelStatus {
  return decodeWith('tunnel status', () => {
    const s = pb.TunnelStatus.decode(bytes)
    if (pb.TunnelStatus.Code[s.code] === undefined || s.code === StatusCode.UNSPECIFIED) throw new WireError(`unknown tunnel status ${s.code}`)
    return {
      code: s.code,
      message: s.message,
      e2eKey: checkLength(s.e2eKey ?? EMPTY, X25519_KEY_BYTES, 'tunnel status e2e key'),
      destinationProof: checkLength(s.destinationProof ?? EMPTY, ED25519_SIGNATURE_BYTES, 'tunnel status destination proof'),
      resumable: s.resumable === true,
      received: checkSafeInt(Object.hasOwn(s, 'received') ? s.received : 0, 'tunnel status received')
    }
  })
}

export function statusName (code: StatusCode): string {
  return pb.TunnelStatus.Code[code] ?? String(code)
}
