import { ConnectorDeniedError, NoConnectorError, type LocalConnectors } from '../edge/connector.js'
import { TunnelRefusedError, type DeliveredConnection, type TunnelCaller } from '../net/tunnel.js'
import { StatusCode } from '../wire/codec.js'
import type { TunnelAccess } from './access.js'

/** Counts a site pair's connection: `live` reads its bytes while open; the returned function ends it (with the final bytes, or `live` read once more). */
export type PairOpened = (fromPeer: string, toPeer: string, key: string, live: () => { in: number, out: number }) => (final?: { in: number, out: number }) => void

/**
 * The destination's side of a tunnel, in the router and in a worker: dials
 * this site's connector for the key among those that admit the caller, and
 * counts the connection for its site pair. Rejects with TunnelRefusedError:
 * DENIED when no connector admits the caller (logged and counted by access),
 * NO_ROUTE when there is none for the key, CONNECT_FAILED when none answered.
 */
export async function deliverToConnector (connectors: LocalConnectors, access: TunnelAccess, selfId: string, routingKey: string, caller: TunnelCaller, pairOpened: PairOpened): Promise<DeliveredConnection> {
  try {
    const dialed = await connectors.connect(routingKey, access.connectorAdmission(caller))
    const { socket } = dialed
    // A tunnel from another site's client: its pair counts the workload socket's bytes (written to it: the client's).
    const pairEnded = pairOpened(caller.peer, selfId, routingKey, () => ({ in: socket.bytesWritten, out: socket.bytesRead }))
    // The tunnel releases the connection once, whatever became of it: when the pipe ended, or when it never started.
    return { socket, address: `${dialed.connector.host}:${dialed.connector.port}`, release: () => { pairEnded(); dialed.release() } }
  } catch (err) {
    if (err instanceof ConnectorDeniedError) {
      access.denyDelivery(caller, routingKey, err.message)
      throw new TunnelRefusedError(StatusCode.DENIED, err.message)
    }
    throw new TunnelRefusedError(err instanceof NoConnectorError ? StatusCode.NO_ROUTE : StatusCode.CONNECT_FAILED, (err as Error).message)
  }
}
