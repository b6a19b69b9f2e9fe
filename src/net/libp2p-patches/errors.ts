/** The far end answered a tunnel stream's proposal with something other than its echo: it does not speak the protocol. */
export class ProtocolRefusedError extends Error {
  override name = 'ProtocolRefusedError'
}
