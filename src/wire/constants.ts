/** Protocol ids and the size caps of what comes from the network: part of the wire format. */
export const LINK_PROTOCOL = '/portmesh/link/1.0.0'
export const TUNNEL_PROTOCOL = '/portmesh/tunnel/1.0.0'
export const JOIN_PROTOCOL = '/portmesh/join/1.0.0'
export const WIRE_VERSION = 1

/** Caps checked on the length prefix, before anything is allocated. */
export const MAX_CONTROL_FRAME_BYTES = 256 * 1024
export const MAX_TUNNEL_HEADER_BYTES = 1024
export const MAX_TUNNEL_STATUS_BYTES = 1024
export const MAX_JOIN_MESSAGE_BYTES = 1024
export const MAX_LINKS_PER_AD = 1024
export const MAX_SERVICES_PER_AD = 4096
export const MAX_SITE_NAME_LENGTH = 63
export const MAX_ADVERTISED_WEIGHT = 1_000_000
/** A site's workers in its advertisement, and addresses per worker. */
export const MAX_DATA_PROCESSES = 64
export const MAX_ADDRS_PER_DATA_PROCESS = 8
export const MAX_MULTIADDR_LENGTH = 256
