/**
 * End-to-end sealing between ingress and destination (see e2e.ts). Changing
 * any value here changes the wire format: bump the HKDF label with it.
 */

/** HKDF info; binds the derived keys to this protocol and version. */
export const E2E_HKDF_INFO = 'portmesh-e2e-v1'

/** Raw X25519 key and shared-secret size. */
export const X25519_KEY_BYTES = 32
/** The transcript the caller passes is a SHA-256 hash. */
export const TRANSCRIPT_HASH_BYTES = 32
/** AES-256 key, one per direction. */
export const SESSION_KEY_BYTES = 32

/** Record: [type: 1 byte][length of ciphertext + tag: 3 bytes big-endian], both authenticated as AAD. */
export const RECORD_HEADER_BYTES = 4
export const RECORD_TAG_BYTES = 16
/** Largest plaintext in one record; larger writes are split. */
export const MAX_RECORD_PLAINTEXT_BYTES = 64 * 1024
/** The most a receiver buffers while reassembling one record (body only; the header has its own 4 bytes). */
export const MAX_RECORD_BODY_BYTES = MAX_RECORD_PLAINTEXT_BYTES + RECORD_TAG_BYTES

export const RECORD_TYPE_DATA = 0
/** Authenticated end of stream: empty plaintext, tag only. */
export const RECORD_TYPE_END = 1

/**
 * Plaintext one key may seal before the tunnel is reset. RFC 8446 §5.5 allows
 * 2^24.5 full 16 KiB records per AES-GCM key (about 2^38.5 bytes) for a 2^-57
 * margin; with no key update yet, a longer connection is cut rather than
 * weakened. The 64-bit nonce counter is then far from wrapping (at most one
 * record per plaintext byte).
 */
export const MAX_SEALED_BYTES_PER_DIRECTION = 2 ** 38
