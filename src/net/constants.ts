export const LINK_PROTOCOL = '/portmesh/link/1.0.0'
export const TUNNEL_PROTOCOL = '/portmesh/tunnel/1.0.0'
export const WIRE_VERSION = 1

/** Caps checked on the length prefix, before anything is allocated. */
export const MAX_CONTROL_FRAME_BYTES = 256 * 1024
export const MAX_TUNNEL_HEADER_BYTES = 1024
export const MAX_TUNNEL_STATUS_BYTES = 1024
export const MAX_LINKS_PER_AD = 1024
export const MAX_SERVICES_PER_AD = 4096
export const MAX_SITE_NAME_LENGTH = 63

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
export const JOIN_PROTOCOL = '/portmesh/join/1.0.0'
export const MAX_JOIN_MESSAGE_BYTES = 1024

/**
 * Client bytes an ingress reads ahead and keeps while its tunnel is being set
 * up (sent behind the header, replayed to the next target after a refusal).
 */
export const EARLY_BYTES_MAX = 64 * 1024

