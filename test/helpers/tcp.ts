import { createHash, randomBytes } from 'node:crypto'
import { connect, createServer, type Server, type Socket } from 'node:net'

/** A test workload on loopback. close() ends it and every connection it holds. */
export interface TestServer {
  port: number
  /** Connections open now. */
  connections: number
  /** Connections accepted since start. */
  accepted: number
  close (): Promise<void>
}

async function serve (handler: (s: Socket) => void, host = '127.0.0.1'): Promise<TestServer> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server: Server = createServer({ allowHalfOpen: true }, (s) => {
    accepted++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    handler(s)
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    get connections () { return sockets.size },
    get accepted () { return accepted },
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** Echoes every byte and half-closes when the client does. */
export async function echoServer (host = '127.0.0.1'): Promise<TestServer> {
  return await serve((s) => s.pipe(s), host)
}

/** Says its name first ("name\n"), then echoes. Shows which site answered. */
export async function namedServer (name: string, host = '127.0.0.1'): Promise<TestServer> {
  return await serve((s) => {
    s.write(`${name}\n`)
    s.pipe(s)
  }, host)
}

/** Reads until the client half-closes, then replies with the SHA-256 of what it got and `replyBytes` more bytes. */
export async function digestServer (replyBytes = 0): Promise<TestServer> {
  return await serve((s) => {
    const hash = createHash('sha256')
    let n = 0
    s.on('data', (d: Buffer) => { hash.update(d); n += d.length })
    s.on('end', () => {
      s.write(`${hash.digest('hex')} ${n}\n`)
      if (replyBytes > 0) s.write(Buffer.alloc(replyBytes, 7))
      s.end()
    })
  })
}

export async function dial (port: number, host = '127.0.0.1'): Promise<Socket> {
  return await new Promise<Socket>((resolve, reject) => {
    const s = connect({ port, host, allowHalfOpen: true })
    s.once('connect', () => { s.off('error', reject); resolve(s) })
    s.once('error', reject)
  })
}

/** Reads one line from a socket (the rest stays unread in `rest`). */
export async function readLine (s: Socket, timeoutMs = 10_000): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => done(new Error('no line within timeout')), timeoutMs)
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1')
      const nl = buf.indexOf('\n')
      if (nl >= 0) done(undefined, buf.slice(0, nl))
    }
    const onEnd = (): void => done(new Error(`connection ended before a line (got ${JSON.stringify(buf)})`))
    const onError = (err: Error): void => done(err)
    function done (err: Error | undefined, line?: string): void {
      clearTimeout(timer)
      s.off('data', onData); s.off('end', onEnd); s.off('error', onError); s.off('close', onEnd)
      s.pause()
      if (err !== undefined) reject(err)
      else resolve(line as string)
    }
    s.on('data', onData); s.on('end', onEnd); s.on('error', onError); s.on('close', onEnd)
    s.resume()
  })
}

/** Connects, reads the server's name line, closes: which site answered. */
export async function whoAnswers (port: number, host = '127.0.0.1'): Promise<string> {
  const s = await dial(port, host)
  try {
    return await readLine(s)
  } finally {
    s.destroy()
  }
}

/** `n` sequential connections to `port`: how many times each workload name answered. */
export async function countAnswers (port: number, n: number): Promise<Record<string, number>> {
  const got: Record<string, number> = {}
  for (let i = 0; i < n; i++) {
    const name = await whoAnswers(port)
    got[name] = (got[name] ?? 0) + 1
  }
  return got
}

/**
 * Sends `bytes` random bytes through an echo path and checks that exactly the
 * same bytes come back (SHA-256 both ways), reading and writing at once.
 */
export async function echoTransfer (port: number, bytes: number, chunk = 256 * 1024, host = '127.0.0.1'): Promise<{ sent: string, received: string, receivedBytes: number }> {
  const s = await dial(port, host)
  const sentHash = createHash('sha256')
  const recvHash = createHash('sha256')
  let receivedBytes = 0
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (d: Buffer) => { recvHash.update(d); receivedBytes += d.length })
    s.on('end', () => resolve())
    s.on('error', reject)
    s.on('close', () => resolve())
  })
  const block = randomBytes(chunk)
  let sent = 0
  while (sent < bytes) {
    const n = Math.min(chunk, bytes - sent)
    // Vary the content so reordering or duplication would change the hash.
    block.writeUInt32BE(sent >>> 0, 0)
    const piece = Buffer.from(block.subarray(0, n))
    sentHash.update(piece)
    sent += n
    if (!s.write(piece)) await new Promise(resolve => s.once('drain', resolve))
  }
  s.end()
  await done
  s.destroy()
  return { sent: sentHash.digest('hex'), received: recvHash.digest('hex'), receivedBytes }
}

/** Resolves when the socket closes; says whether it was reset (error) or ended cleanly. */
export async function closed (s: Socket): Promise<'reset' | 'ended'> {
  if (s.destroyed) return (s as Socket & { errored?: unknown }).errored != null ? 'reset' : 'ended'
  return await new Promise((resolve) => {
    let err = false
    s.on('error', () => { err = true })
    s.on('close', (hadError) => resolve(hadError || err ? 'reset' : 'ended'))
    s.resume()
  })
}

/**
 * How a connection to `port` ends, from connect on. A far end that resets at
 * once (a listener with no target) can have its RST arrive before the
 * connect completes, which Node reports as a connect error ECONNRESET: a
 * reset too. (CI saw it once.)
 */
export async function connectionOutcome (port: number, host = '127.0.0.1'): Promise<'reset' | 'ended'> {
  let s: Socket
  try {
    s = await dial(port, host)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') return 'reset'
    throw err
  }
  return await closed(s)
}

/** Counts the syscall-level writes Node makes on `socket` from now on: one per _write or _writev. */
export function countWrites (socket: Socket): { writes: () => number, writevs: () => number } {
  let writes = 0
  let writevs = 0
  const s = socket as unknown as { _writev: (...a: unknown[]) => void, _write: (...a: unknown[]) => void }
  const writev = s._writev.bind(socket)
  const write = s._write.bind(socket)
  s._writev = (...a) => { writevs++; writev(...a) }
  s._write = (...a) => { writes++; write(...a) }
  return { writes: () => writes, writevs: () => writevs }
}
