/**
 * The resumable tunnel layer (see resume.ts): its frames on the tunnel stream
 * and its defaults. Changing a frame type or layout changes the wire format.
 *
 * Every frame starts with a type byte; integers are big-endian. Byte counts
 * ("seq") are cumulative per direction since the tunnel opened: data bytes,
 * plus one for the END frame, which takes a place in the sequence like a TCP
 * FIN so that "received" also says whether the end arrived.
 *
 * | type | name     | after the type byte               |
 * |------|----------|-----------------------------------|
 * | 0x01 | DATA     | length: 3 bytes, then the payload |
 * | 0x02 | DATA_ACK | as DATA; acknowledge once it is delivered |
 * | 0x03 | ACK      | seq received and delivered: 8 bytes |
 * | 0x04 | END      | data bytes sent in total: 8 bytes |
 * | 0x05 | SYNC     | seq the bytes that follow start at: 8 bytes (first frame on a resumed stream) |
 * | 0x06 | RESET    | reason length: 1 byte, then the reason (UTF-8) |
 */

export const FRAME_DATA = 0x01
export const FRAME_DATA_ACK = 0x02
export const FRAME_ACK = 0x03
export const FRAME_END = 0x04
export const FRAME_SYNC = 0x05
export const FRAME_RESET = 0x06

/** Type byte + 3-byte length. */
export const DATA_HEADER_BYTES = 4
/** Type byte + 8-byte count (ACK, END, SYNC). */
export const SEQ_FRAME_BYTES = 9
/** Type byte + 1-byte reason length. */
export const RESET_HEADER_BYTES = 2
export const MAX_RESET_REASON_BYTES = 255

/**
 * Largest payload one DATA frame may announce. Payload is delivered as it
 * arrives, never reassembled, so this is a sanity limit, not a buffer size;
 * larger writes leave as several frames.
 */
export const MAX_DATA_FRAME_BYTES = 1024 * 1024

/** Counts above this cannot be exact in a JS number; the tunnel is reset first (2^53 bytes: 104 days at 1 GB/s). */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER

/**
 * Unacknowledged bytes a tunnel end keeps per direction, by default. A bound
 * below the path's bandwidth × RTT caps throughput at bound / RTT; above it,
 * it only costs memory while the far end is slow. 4 MiB is the BDP of 1 Gbit/s
 * at 33 ms or 300 Mbit/s at 110 ms, and equals one Yamux stream window
 * (MAX_STREAM_WINDOW_BYTES), so on a single hop this layer is never the
 * tighter limit. An idle or acknowledged tunnel holds none of it.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024
export const MIN_MAX_BUFFERED_BYTES = 64 * 1024
/**
 * write() says "stop" this far below the bound, so that the write already in
 * hand when the source pauses (a socket read is at most 64 KiB; sealed, 20
 * bytes more) still fits under it.
 */
export const WRITE_HEADROOM_BYTES = 128 * 1024

/** How long a suspended tunnel waits for its owner to resume it before both ends are reset. */
export const DEFAULT_RESUME_TIMEOUT_MS = 10_000
/**
 * Received bytes are acknowledged when the sender asks (every quarter of its
 * bound), with the next data frame back, or at the latest this long after
 * arrival, so that an idle tunnel's sender soon holds nothing.
 */
export const DEFAULT_ACK_DELAY_MS = 20
/** After sending RESET, how long the stream may take to carry it before it is aborted anyway. */
export const RESET_LINGER_MS = 2_000
/**
 * Payloads up to this size are copied behind their header into one buffer
 * (one stream message, from Node's buffer pool); larger ones go as header and
 * payload, the payload never copied.
 */
export const COPY_BELOW_BYTES = 4096 - DATA_HEADER_BYTES - SEQ_FRAME_BYTES

/**
 * Writes from this size on are kept (until acknowledged) as a copy in pooled
 * slabs rather than by reference: a socket's 64 KiB read buffer kept for
 * milliseconds is promoted and freed only by a full collection (slab-pool.ts).
 * Smaller writes stay by reference: a tunnel holding a few small ones must
 * not pin a 64 KiB slab.
 */
export const RETAIN_COPY_FROM_BYTES = 16 * 1024
