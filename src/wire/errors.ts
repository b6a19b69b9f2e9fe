/** A message from the network that we refuse: too large, undecodable or invalid. */
export class WireError extends Error {
  override name = 'WireError'
}

/** The peer went quiet where the protocol needed an answer. */
export class ProtocolTimeoutError extends Error {
  override name = 'ProtocolTimeoutError'
}

/** Runs a decoder; anything it throws that is not already a WireError becomes one, naming `what`. */
export function decodeWith<T> (what: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof WireError) throw err
    throw new WireError(`malformed ${what}: ${(err as Error).message}`)
  }
}
