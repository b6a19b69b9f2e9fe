import type { Connection, Stream } from '@libp2p/interface'

/**
 * Tunnel streams opened ahead of need, a few per link connection.
 *
 * Opening a libp2p stream costs a round trip: multistream-select writes the
 * protocol and waits for the far end to echo it before `newStream` returns
 * (the `negotiateFully: false` shortcut is documented but not implemented in
 * @libp2p/multistream-select 7). Traced over one hop, that wait was 2.3 of a
 * connection's 6 ms. A stream taken from the pool is already negotiated, so
 * the tunnel header and the client's first bytes leave at once.
 *
 * The pool fills only on demand: each stream taken is replaced, so a link
 * carrying new connections keeps `size` streams ready and an idle link keeps
 * none. A stream left unused for `maxIdleMs` is closed without a byte (the far
 * end drops a header-less stream after its header timeout, and closes an empty
 * one quietly).
 */
export class StreamPool {
  private readonly pools = new WeakMap<Connection, Pool>()

  constructor (
    private readonly protocol: string,
    private readonly size: number,
    private readonly maxIdleMs: number,
    private readonly openTimeoutMs: number
  ) {}

  /** A negotiated stream on `conn`: a pooled one if any is ready, else a new one. Tops the pool up. */
  async open (conn: Connection): Promise<Stream> {
    const pool = this.poolOf(conn)
    let stream: Stream | undefined
    while (stream === undefined && pool.ready.length > 0) {
      const entry = pool.ready.shift() as Ready
      clearTimeout(entry.timer)
      if (usable(entry.stream)) stream = entry.stream
      else entry.stream.abort(new Error('unusable pooled stream'))
    }
    this.refill(conn, pool)
    return stream ?? await conn.newStream(this.protocol, { signal: AbortSignal.timeout(this.openTimeoutMs) })
  }

  private poolOf (conn: Connection): Pool {
    let pool = this.pools.get(conn)
    if (pool === undefined) {
      pool = { ready: [], opening: 0 }
      this.pools.set(conn, pool)
    }
    return pool
  }

  private refill (conn: Connection, pool: Pool): void {
    while (conn.status === 'open' && pool.ready.length + pool.opening < this.size) {
      pool.opening++
      conn.newStream(this.protocol, { signal: AbortSignal.timeout(this.openTimeoutMs) }).then((stream) => {
        if (conn.status !== 'open' || !usable(stream)) {
          stream.abort(new Error('link closing'))
          return
        }
        const entry: Ready = {
          stream,
          timer: setTimeout(() => {
            const i = pool.ready.indexOf(entry)
            if (i < 0) return
            pool.ready.splice(i, 1)
            stream.close().catch(() => stream.abort(new Error('unused pooled stream')))
          }, this.maxIdleMs)
        }
        entry.timer.unref()
        pool.ready.push(entry)
      }, () => {
        // The link is failing; the next connection will open its own stream and see why.
      }).finally(() => { pool.opening-- })
    }
  }
}

interface Ready { stream: Stream, timer: NodeJS.Timeout }
interface Pool { ready: Ready[], opening: number }

function usable (stream: Stream): boolean {
  return stream.status === 'open' && stream.writeStatus === 'writable' && stream.remoteReadStatus !== 'closed' && stream.remoteWriteStatus !== 'closed'
}
