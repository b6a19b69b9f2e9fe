import { declarePatch } from './registry.js'

/**
 * Noise's length decoder throws a new RangeError, stack trace and all, each
 * time its buffer runs out, that is at the end of every TCP read (its caller
 * catches it to mean "wait for more"): 2 % of a router's CPU per connection
 * in the profile. The secured connection's decoder gets the same decoding
 * with one prebuilt error.
 *
 * Applies per connection, by replacing `lengthDecoder` on the secured
 * connection's `decoder` (an @libp2p/utils LengthPrefixedDecoder that Noise
 * builds); a decoder that is not where this expects it is left as it is.
 */
export const noiseLengthDecoder = declarePatch({
  name: 'noise-length-decoder',
  packages: [
    { name: '@chainsafe/libp2p-noise', testedVersions: ['17.0.0'] },
    { name: '@libp2p/utils', via: '@chainsafe/libp2p-noise', testedVersions: ['7.4.1'] }
  ],
  applies: "per secured connection: its decoder's lengthDecoder replaced"
})

/** "Fewer than two bytes buffered", built once: throwing it captures no stack. */
const LENGTH_INCOMPLETE = new RangeError('Could not decode int16BE')

/** A Uint8Array or a Uint8ArrayList (what Noise's decoder buffers in). */
type LengthSource = Uint8Array | { length: number, getUint16: (byteOffset: number) => number }

/** Noise's 2-byte big-endian message length, or LENGTH_INCOMPLETE. */
export function decodeNoiseLength (data: LengthSource): number {
  if (data.length < 2) throw LENGTH_INCOMPLETE
  if (data instanceof Uint8Array) return (data[0] << 8) | data[1]
  return data.getUint16(0)
}

interface Secured { connection?: { decoder?: { lengthDecoder?: unknown } } }

export function quietLengthDecoder<T> (secured: T): T {
  const decoder = (secured as Secured).connection?.decoder
  if (decoder !== undefined && typeof decoder.lengthDecoder === 'function') decoder.lengthDecoder = decodeNoiseLength
  return secured
}

/** Check, on a real secured connection: the decoder in use decodes lengths with decodeNoiseLength. */
export function usesQuietLengthDecoder (secured: unknown): boolean {
  return (secured as Secured).connection?.decoder?.lengthDecoder === decodeNoiseLength
}
