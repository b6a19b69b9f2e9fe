import { Uint8ArrayList } from 'uint8arraylist'
import { CHACHA_TAG_LENGTH, NOISE_MSG_MAX_LENGTH_BYTES } from './noise-limits.js'
import { declarePatch } from './registry.js'

/**
 * Noise's `decrypt` builds, for every message, a contiguous destination for
 * its WebAssembly cipher to decrypt into in place: `chunk.subarray(...)`. When
 * the message came in two TCP reads, the chunk is a Uint8ArrayList and that
 * subarray is a copy of the whole message, which Node's cipher (every message
 * of 1,200 bytes or more) then ignores: 2.7 % of the egress router's samples
 * in an iperf3 profile went to copying 64 KiB messages nobody read. The secured
 * connection's decrypt does the same work with the destination built only
 * for the messages the WebAssembly cipher takes (under 1,200 bytes, where a
 * copy is small); Node's cipher gets none, which it never used.
 *
 * Applies per connection, by giving the secured connection (Noise's
 * EncryptedMessageStream) an own `decrypt`; one without a `handshake.decrypt`
 * where this expects it is left as it is.
 */
export const noiseDecrypt = declarePatch({
  name: 'noise-decrypt',
  packages: [
    { name: '@chainsafe/libp2p-noise', testedVersions: ['17.0.0'] },
    // The list class of the output: Noise's own copy (ours, deduplicated), whose lists Yamux reads as before.
    { name: 'uint8arraylist', via: '@chainsafe/libp2p-noise', testedVersions: ['2.4.9'] }
  ],
  applies: 'per secured connection: its decrypt replaced by one that builds no destination for messages Node decrypts'
})

/**
 * Noise's default crypto gives messages shorter than this to its WebAssembly
 * cipher (crypto/index.ts), the rest to Node's. The routers' crypto
 * (net/noise-crypto.ts) gives messages under 8 KiB to libsodium, which
 * decrypts into the destination when there is one and into a new buffer when
 * not: the messages from here to 8 KiB get no in-place destination, as before.
 */
const WASM_CIPHER_BELOW_BYTES = 1200

type Decrypt = (ciphertext: Uint8Array | Uint8ArrayList, dst?: Uint8Array) => Uint8Array | Uint8ArrayList

interface EncryptedStream {
  handshake?: { decrypt?: Decrypt }
  metrics?: { decryptedPackets: { increment: () => void }, decryptErrors: { increment: () => void } }
  decrypt?: (chunk: Uint8Array | Uint8ArrayList) => Uint8ArrayList
}

/** Noise's decrypt (src/utils.ts of 17.0.0), but the in-place destination only for the messages whose cipher uses it. */
function decryptWithoutCopy (this: EncryptedStream, chunk: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  const output = new Uint8ArrayList()
  // Installed only where handshake.decrypt is a function (decryptWithoutCopies).
  const handshake = this.handshake as { decrypt: Decrypt }
  for (let i = 0; i < chunk.byteLength; i += NOISE_MSG_MAX_LENGTH_BYTES) {
    let end = i + NOISE_MSG_MAX_LENGTH_BYTES
    if (end > chunk.byteLength) end = chunk.byteLength
    if (end - CHACHA_TAG_LENGTH < i) throw new Error('Invalid chunk')
    const encrypted = chunk instanceof Uint8Array ? chunk.subarray(i, end) : chunk.sublist(i, end)
    // Decrypting in place over the ciphertext is safe (Noise's own comment:
    // ChaCha20 reads each byte once, before it writes it). Only the
    // WebAssembly cipher uses the destination; if its threshold moved, a
    // message would be copied or decrypted into a new buffer, never wrong.
    const dst = end - i < WASM_CIPHER_BELOW_BYTES ? chunk.subarray(i, end - CHACHA_TAG_LENGTH) : undefined
    try {
      const plaintext = handshake.decrypt(encrypted, dst)
      this.metrics?.decryptedPackets.increment()
      output.append(plaintext)
    } catch (e) {
      this.metrics?.decryptErrors.increment()
      throw e
    }
  }
  return output
}

interface Secured { connection?: EncryptedStream }

/** Gives the secured connection the decrypt above. */
export function decryptWithoutCopies<T> (secured: T): T {
  const conn = (secured as Secured).connection
  if (conn !== undefined && typeof conn.decrypt === 'function' && typeof conn.handshake?.decrypt === 'function') conn.decrypt = decryptWithoutCopy
  return secured
}

/** Check, on a real secured connection: its decrypt is the one above. */
export function decryptsWithoutCopies (secured: unknown): boolean {
  return (secured as Secured).connection?.decrypt === decryptWithoutCopy
}

/**
 * Check, on a real pair of secured connections with nothing sent yet: a
 * message encrypted by `outbound`, handed to `inbound`'s decrypt in two pieces
 * (as when it spans two TCP reads), comes out as it went in.
 */
export function decryptsSpanningMessage (outbound: unknown, inbound: unknown): boolean {
  const sender = (outbound as { connection?: { encrypt?: (chunk: Uint8Array) => Uint8ArrayList } }).connection
  const receiver = (inbound as Secured).connection
  const encrypt = sender?.encrypt?.bind(sender)
  const decrypt = receiver?.decrypt?.bind(receiver)
  if (encrypt === undefined || decrypt === undefined) return false
  // Node's cipher takes messages of 1,200 bytes or more, Noise's WebAssembly one the smaller: one of each.
  return [3000, 500].every((size) => {
    const message = new Uint8Array(size).map((_, i) => i % 251)
    // What Noise's length-prefixed decoder hands decrypt: the message without its 2-byte length.
    const ciphertext = encrypt(message).sublist(2).subarray()
    const plaintext = decrypt(new Uint8ArrayList(ciphertext.subarray(0, 100), ciphertext.subarray(100))).subarray()
    return plaintext.length === message.length && plaintext.every((b, i) => b === message[i])
  })
}
