/** A message from the network that we refuse: too large, undecodable or invalid. */
export class WireError extends Error {
  override name = 'WireError'
}

/** The peer went quiet where the protocol needed an answer. */
export class ProtocolTimeoutError extends Error {
  override name = 'ProtocolTimeoutError'
}
