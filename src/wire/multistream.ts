/** Multistream-select messages, as libp2p writes them: the opener's proposal is also the answer that accepts it. */

const MULTISTREAM = '/multistream/1.0.0'

/** One multistream-select message: varint length, then the text and a newline. */
export function mssMessage (text: string): Uint8Array {
  const body = new TextEncoder().encode(`${text}\n`)
  const n = body.byteLength
  if (n >= 0x4000) throw new Error('protocol name too long')
  const prefix = n < 0x80 ? [n] : [(n & 0x7f) | 0x80, n >> 7]
  const out = new Uint8Array(prefix.length + n)
  out.set(prefix, 0)
  out.set(body, prefix.length)
  return out
}

/** The opener's proposal, which is also the answer that accepts it. */
export function proposal (protocol: string): Uint8Array {
  const a = mssMessage(MULTISTREAM)
  const b = mssMessage(protocol)
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a, 0)
  out.set(b, a.byteLength)
  return out
}
