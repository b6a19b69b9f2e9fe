/**
 * Every place portmesh reaches into libp2p's internals, one module each, and
 * the only module the rest of portmesh imports for them. Each patch declares
 * the package it reaches into, the exact versions it was tested on, how it
 * applies and a check that looks at the real objects; libp2pPatchStates()
 * says which are in effect (see registry.ts), /metrics shows it and
 * createNode logs one warning per patch that is not, or that runs on a
 * version it was not tested on. A patch whose internals are missing leaves
 * libp2p's own behaviour in place.
 *
 * | patch                       | module                         | package                  |
 * |-----------------------------|--------------------------------|--------------------------|
 * | yamux-window-updates        | yamux-window-updates.ts        | @libp2p/yamux            |
 * | yamux-send-pause            | yamux-send-pause.ts            | @libp2p/yamux            |
 * | fast-negotiation-outbound   | fast-negotiation-outbound.ts   | @libp2p/utils (stream)   |
 * | fast-negotiation-inbound    | fast-negotiation-inbound.ts    | @libp2p/utils (muxer)    |
 * | tcp-write-coalescing        | tcp-write-coalescing.ts        | @libp2p/tcp              |
 * | noise-length-decoder        | noise-length-decoder.ts        | @chainsafe/libp2p-noise  |
 * | noise-decrypt               | noise-decrypt.ts               | @chainsafe/libp2p-noise  |
 * | noise-send-batching         | noise-send-batching.ts         | @chainsafe/libp2p-noise  |
 * | peer-store-protocol-merges  | peer-store-protocol-merges.ts  | libp2p (its peer store)  |
 * | stream-event-dispatch       | stream-event-dispatch.ts       | @libp2p/utils (streams)  |
 */
export { ProtocolRefusedError } from './errors.js'
export { withFastNegotiation } from './fast-negotiation.js'
export { withCoalescedWrites } from './encrypter.js'
export { installLibp2pPatches } from './probe.js'
export { patchPeerStore, skipsRepeatedProtocolMerges } from './peer-store-protocol-merges.js'
export { keepReceiveWindowShut, canKeepReceiveWindowShut } from './yamux-send-pause.js'
export { batchWindowUpdates, batchesWindowUpdates } from './yamux-window-updates.js'
export { coalesceWrites, isCoalescingWrites } from './tcp-write-coalescing.js'
export { decodeNoiseLength, quietLengthDecoder, usesQuietLengthDecoder } from './noise-length-decoder.js'
export { decryptsWithoutCopies } from './noise-decrypt.js'
export { batchesSends } from './noise-send-batching.js'
export { directListenerCount, dispatchesDirectly } from './stream-event-dispatch.js'
export { CHACHA_TAG_LENGTH } from './noise-limits.js'
export { isAwaitingEcho } from './fast-negotiation-outbound.js'
export { acceptsWithoutWaiting } from './fast-negotiation-inbound.js'
export { libp2pPatchStates, reportLibp2pPatches, type PatchState } from './registry.js'
