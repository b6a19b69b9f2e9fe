/** Time a peer gets to send the first message of a stream (slowloris bound). */
export const HEADER_TIMEOUT_MS = 5_000
/** Time an ingress waits for the destination's status (dial at the far end included). */
export const STATUS_TIMEOUT_MS = 10_000
/** Time the destination gives its local workload to accept a TCP connection. */
export const CONNECT_TIMEOUT_MS = 5_000

/**
 * Yamux per-stream receive window, from the first byte (see node.ts). A
 * paused stream can hold this much; the read buffer limit stays above it so a
 * paused stream is never reset.
 */
export const MAX_STREAM_WINDOW_BYTES = 4 * 1024 * 1024
export const MAX_STREAM_READ_BUFFER_BYTES = 2 * MAX_STREAM_WINDOW_BYTES
/** A control stream whose peer stops reading is aborted past this. */
export const MAX_CONTROL_WRITE_BUFFER_BYTES = 8 * 1024 * 1024

/**
 * Client bytes an ingress reads ahead and keeps while its tunnel is being set
 * up (sent behind the header, replayed to the next target after a refusal).
 */
export const EARLY_BYTES_MAX = 64 * 1024

