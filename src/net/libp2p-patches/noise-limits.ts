/** Noise's limits (constants.ts of @chainsafe/libp2p-noise), for the patches that work on its messages. */
export const NOISE_MSG_MAX_LENGTH_BYTES = 65535
export const CHACHA_TAG_LENGTH = 16
/** The largest plaintext one message holds. */
export const NOISE_MSG_MAX_LENGTH_BYTES_WITHOUT_TAG = NOISE_MSG_MAX_LENGTH_BYTES - CHACHA_TAG_LENGTH
