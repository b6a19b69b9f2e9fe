import { createRequire } from 'node:module'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import type { Uint8ArrayList } from 'uint8arraylist'
import { CHACHA_TAG_LENGTH } from './libp2p-patches/index.js'

/**
 * The ciphers of Noise's transport messages, through Noise's own `crypto`
 * option (no patch). Noise's default gives a message under 1,200 bytes to a
 * WebAssembly ChaCha20-Poly1305 and the rest to Node's, which builds a cipher
 * object and output buffers per message: this VM, one message of 120 bytes
 * took 3.3 µs to encrypt, 600 bytes 6.2, 2,000 bytes 9–13, against libsodium's
 * 0.9, 1.3 and 4–5 (libsodium writes into the caller's buffer). Those are the
 * sizes of requests and replies (redis, PostgreSQL) and of the small frames
 * batched into one message. From 8 KiB on, Node's cipher is as fast or faster
 * (64 KiB: 38–49 µs against libsodium's 54–67 with the copy a message split
 * over buffers needs), so bulk stays with it.
 *
 * Same cipher, same messages on the wire: a router with this talks to one
 * without it. Where libsodium's prebuilt binary does not load (a platform
 * sodium-native has no build for), Noise's default is used and
 * `sodiumUnavailable` says why.
 */

/** Messages (plaintext or ciphertext) at least this long go to Node's cipher, the rest to libsodium. */
export const LIBSODIUM_BELOW_BYTES = 8192

interface Sodium {
  crypto_aead_chacha20poly1305_ietf_encrypt: (c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array) => number
  crypto_aead_chacha20poly1305_ietf_decrypt: (m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array) => number
}

type Bytes = Uint8Array | Uint8ArrayList

function loadSodium (): { sodium?: Sodium, error?: string } {
  try {
    return { sodium: createRequire(import.meta.url)('sodium-native') as Sodium }
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] }
  }
}

const loaded = loadSodium()

/** Why libsodium is not in use, when it is not. */
export const sodiumUnavailable: string | undefined = loaded.error

const contiguous = (b: Bytes): Uint8Array => b instanceof Uint8Array ? b : b.subarray()
const orNull = (ad: Uint8Array): Uint8Array | null => ad.byteLength === 0 ? null : ad

function withSodium (sodium: Sodium): ICryptoInterface {
  return {
    ...defaultCrypto,
    chaCha20Poly1305Encrypt (plaintext, nonce, ad, k) {
      if (plaintext.byteLength >= LIBSODIUM_BELOW_BYTES) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
      const m = contiguous(plaintext)
      const c = Buffer.allocUnsafe(m.byteLength + CHACHA_TAG_LENGTH)
      sodium.crypto_aead_chacha20poly1305_ietf_encrypt(c, m, orNull(ad), null, nonce, k)
      return c
    },
    chaCha20Poly1305Decrypt (ciphertext, nonce, ad, k, dst) {
      if (ciphertext.byteLength >= LIBSODIUM_BELOW_BYTES) return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
      const c = contiguous(ciphertext)
      if (c.byteLength < CHACHA_TAG_LENGTH) throw new Error('Invalid chacha20poly1305 decryption')
      // dst may be the ciphertext's own bytes (decrypt in place): libsodium reads each byte before it writes it.
      const m = dst !== undefined && dst.byteLength === c.byteLength - CHACHA_TAG_LENGTH ? dst : Buffer.allocUnsafe(c.byteLength - CHACHA_TAG_LENGTH)
      try {
        sodium.crypto_aead_chacha20poly1305_ietf_decrypt(m, null, c, orNull(ad), nonce, k)
      } catch {
        // Noise's own words for a message that fails its tag.
        throw new Error('Invalid chacha20poly1305 decryption')
      }
      return m
    }
  }
}

/** What createNode gives Noise: libsodium for small messages when it loads, else Noise's default. */
export const noiseCrypto: ICryptoInterface = loaded.sodium !== undefined ? withSodium(loaded.sodium) : defaultCrypto
