import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'
import { LIBSODIUM_BELOW_BYTES, noiseCrypto, sodiumUnavailable } from '../../src/net/noise-crypto.js'

// Sizes on both sides of both thresholds (Noise's own at 1,200 bytes, ours) up to Noise's largest message.
const SIZES = [1, 40, 1199, 1200, 4000, LIBSODIUM_BELOW_BYTES - 1, LIBSODIUM_BELOW_BYTES, 65519]
const key = randomBytes(32)
const nonce = randomBytes(12)
const noAd = new Uint8Array(0)

/** The bytes as Noise often holds them: a list of pieces (a Yamux header, a frame header, data). */
function pieces (b: Uint8Array): Uint8ArrayList {
  return b.byteLength < 3 ? new Uint8ArrayList(b) : new Uint8ArrayList(b.subarray(0, 1), b.subarray(1, 3), b.subarray(3))
}

const bytes = (b: Uint8Array | Uint8ArrayList): Buffer => Buffer.from(b instanceof Uint8Array ? b : b.subarray())

test('libsodium loads in this install (without it, small messages fall back to the slower cipher)', () => {
  assert.equal(sodiumUnavailable, undefined)
  assert.notEqual(noiseCrypto.chaCha20Poly1305Encrypt, defaultCrypto.chaCha20Poly1305Encrypt)
})

test('a message sealed here opens with Noise\'s own cipher and the other way round, whole or in pieces', () => {
  for (const size of SIZES) {
    const message = randomBytes(size)
    for (const input of [message, pieces(message)]) {
      const ours = noiseCrypto.chaCha20Poly1305Encrypt(input, nonce, noAd, key)
      const theirs = defaultCrypto.chaCha20Poly1305Encrypt(input, nonce, noAd, key)
      assert.deepEqual(bytes(ours), bytes(theirs), `${size} bytes: the same ciphertext and tag`)
      assert.deepEqual(bytes(defaultCrypto.chaCha20Poly1305Decrypt(ours, nonce, noAd, key)), message, `${size} bytes opened by Noise's cipher`)
      assert.deepEqual(bytes(noiseCrypto.chaCha20Poly1305Decrypt(pieces(bytes(theirs)), nonce, noAd, key)), message, `${size} bytes opened here`)
    }
  }
})

test('a message opens in place, into the bytes that held its ciphertext', () => {
  for (const size of SIZES) {
    const message = randomBytes(size)
    const sealed = bytes(noiseCrypto.chaCha20Poly1305Encrypt(message, nonce, noAd, key))
    const dst = sealed.subarray(0, size)
    const opened = noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, noAd, key, dst)
    assert.deepEqual(bytes(opened), message, `${size} bytes`)
  }
})

test('a message with a changed byte, a wrong nonce or a cut tag is refused, as Noise refuses it', () => {
  for (const size of SIZES) {
    const sealed = bytes(noiseCrypto.chaCha20Poly1305Encrypt(randomBytes(size), nonce, noAd, key))
    const changed = Buffer.from(sealed)
    changed[size >> 1] ^= 1
    const otherNonce = Buffer.from(nonce)
    otherNonce[11] ^= 1
    for (const [what, c, n] of [['changed byte', changed, nonce], ['wrong nonce', sealed, otherNonce], ['cut tag', sealed.subarray(0, sealed.byteLength - 1), nonce]] as const) {
      const refusal = (decrypt: typeof noiseCrypto.chaCha20Poly1305Decrypt): string => {
        try {
          decrypt(c, n, noAd, key)
        } catch (err) {
          return (err as Error).message
        }
        return 'opened'
      }
      // (Noise's words depend on which of its two ciphers took the message; that it throws is what its callers rely on.)
      assert.notEqual(refusal(defaultCrypto.chaCha20Poly1305Decrypt), 'opened', `${size} bytes, ${what}: Noise's cipher refuses it`)
      assert.notEqual(refusal(noiseCrypto.chaCha20Poly1305Decrypt), 'opened', `${size} bytes, ${what}`)
    }
  }
  assert.throws(() => noiseCrypto.chaCha20Poly1305Decrypt(randomBytes(15), nonce, noAd, key), /Invalid chacha20poly1305 decryption/, 'shorter than a tag')
})

test('associated data is bound as Noise binds it', () => {
  const ad = randomBytes(32)
  for (const size of [100, 65519]) {
    const message = randomBytes(size)
    const ours = noiseCrypto.chaCha20Poly1305Encrypt(message, nonce, ad, key)
    assert.deepEqual(bytes(ours), bytes(defaultCrypto.chaCha20Poly1305Encrypt(message, nonce, ad, key)))
    assert.throws(() => noiseCrypto.chaCha20Poly1305Decrypt(ours, nonce, noAd, key))
  }
})
