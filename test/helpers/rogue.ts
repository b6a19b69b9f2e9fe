import type { Connection, Libp2p, PrivateKey, Stream } from '@libp2p/interface'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createNode } from '../../src/net/node.js'

/**
 * A libp2p node built from the project's own stack, under the test's control:
 * it speaks portmesh's protocols as the test tells it, hostile or not.
 */
export class Rogue {
  private constructor (readonly node: Libp2p, private readonly privateKey: PrivateKey) {}

  static async start (): Promise<Rogue> {
    const privateKey = await generateKeyPair('Ed25519')
    const node = await createNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], maxStreamsPerConnection: 20_000 })
    return new Rogue(node, privateKey)
  }

  /** Signs with the rogue's own identity key (valid for its own peer id only). */
  async sign (data: Uint8Array): Promise<Uint8Array> {
    return await this.privateKey.sign(data)
  }

  get peerId (): string {
    return this.node.peerId.toString()
  }

  async dial (address: string, peerId: string): Promise<Connection> {
    return await this.node.dial(multiaddr(`${address}/p2p/${peerId}`))
  }

  async stop (): Promise<void> {
    await this.node.stop()
  }
}

/**
 * Resolves when the other side is done with the stream: it reset it, or it
 * finished writing (half-close). Resolves at once if that already happened.
 */
export async function streamDone (stream: Stream): Promise<string> {
  if (stream.status !== 'open') return stream.status
  if (stream.remoteWriteStatus === 'closed') return 'finished'
  return await new Promise((resolve) => {
    stream.addEventListener('close', (evt) => resolve(evt.error !== undefined ? `reset: ${evt.error.name}` : 'closed'), { once: true })
    stream.addEventListener('remoteCloseWrite', () => resolve('finished'), { once: true })
  })
}

/** Resolves when the connection is closed. */
export async function connectionDone (conn: Connection): Promise<void> {
  if (conn.status !== 'open') return
  await new Promise<void>((resolve) => conn.addEventListener('close', () => resolve(), { once: true }))
}
