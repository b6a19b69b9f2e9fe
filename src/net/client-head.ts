import type { Socket } from 'node:net'

/**
 * The first bytes of a client connection, read while its tunnel is being set
 * up, so they can travel right behind the tunnel header instead of waiting a
 * round trip for the destination's answer.
 *
 * Everything read is kept until a target accepts the connection: a target that
 * refuses has delivered nothing to any workload, so the next target gets the
 * same bytes again. At most `limit` bytes are read ahead; after that the
 * client waits (TCP backpressure) until a target accepts.
 */
export class ClientHead {
  private readonly chunks: Buffer[] = []
  private held = 0
  private forward: ((chunk: Uint8Array) => void) | undefined
  /** How many of `chunks` went to the current attempt's tunnel. */
  private forwardedChunks = 0
  private released = false
  /** The client finished sending (FIN) while we were still choosing a target. */
  ended = false

  constructor (private readonly socket: Socket, private readonly limit: number) {
    socket.on('data', this.onData)
    socket.once('end', this.onEnd)
    socket.resume()
  }

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk)
    this.held += chunk.length
    if (this.forward !== undefined) {
      this.forwardedChunks++
      this.forward(chunk)
    }
    if (this.held >= this.limit) this.socket.pause()
  }

  private readonly onEnd = (): void => {
    this.ended = true
  }

  /**
   * Resolves once the client's first bytes or its FIN are in, or once the
   * event loop has polled the socket since reading began, whichever is first:
   * what a client sends with its connect is then on hand to travel in the
   * tunnel's first packet. A client that waits for the server to speak first
   * costs one event-loop turn, not a timer.
   */
  async firstBytes (): Promise<void> {
    if (this.chunks.length > 0 || this.ended || this.released) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('data', done)
        this.socket.off('end', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.on('data', done)
      this.socket.on('end', done)
      this.socket.on('close', done)
      // Reading started in this turn: the socket is polled in the next one, whose check phase runs the inner callback.
      setImmediate(() => setImmediate(done))
    })
  }

  /** Bytes read from the client so far. */
  get bytes (): number {
    return this.held
  }

  /** Bytes handed to the current attempt's tunnel. */
  get sentBytes (): number {
    let n = 0
    for (let i = 0; i < this.forwardedChunks; i++) n += this.chunks[i].length
    return n
  }

  /** Starts an attempt that sends early: everything read so far, then whatever arrives until `detach`. */
  attach (forward: (chunk: Uint8Array) => void): void {
    this.forwardedChunks = 0
    for (const chunk of this.chunks) {
      this.forwardedChunks++
      forward(chunk)
    }
    this.forward = forward
  }

  /** Ends an attempt (refused or accepted); bytes read from now on are only kept. */
  detach (): void {
    this.forward = undefined
  }

  /**
   * The attempt was refused: nothing it was sent reached a workload, so the
   * next target, whether it takes early bytes or not, gets every byte again.
   */
  rewind (): void {
    this.forward = undefined
    this.forwardedChunks = 0
  }

  /**
   * A target accepted: sends it what the current attempt has not had yet, stops
   * reading ahead and leaves the socket paused for whoever pipes it next.
   * Returns whether the client already finished sending.
   */
  handOver (send: (chunk: Uint8Array) => void): { ended: boolean, bytes: number } {
    if (this.released) throw new Error('client head handed over twice')
    this.released = true
    this.forward = undefined
    for (let i = this.forwardedChunks; i < this.chunks.length; i++) send(this.chunks[i])
    this.socket.off('data', this.onData)
    this.socket.off('end', this.onEnd)
    this.socket.pause()
    const result = { ended: this.ended, bytes: this.held }
    this.chunks.length = 0
    return result
  }

  /** No target accepted: stops reading and drops what was kept. */
  discard (): void {
    this.released = true
    this.forward = undefined
    this.socket.off('data', this.onData)
    this.socket.off('end', this.onEnd)
    this.chunks.length = 0
  }
}
