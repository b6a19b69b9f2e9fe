import type { ConnectionEncrypter } from '@libp2p/interface'
import { noiseLengthDecoder, quietLengthDecoder, usesQuietLengthDecoder } from './noise-length-decoder.js'
import { decryptsWithoutCopies, decryptWithoutCopies, noiseDecrypt } from './noise-decrypt.js'
import { batchSends, batchesSends, noiseSendBatching } from './noise-send-batching.js'
import { coalesceWrites, isCoalescingWrites, tcpWriteCoalescing } from './tcp-write-coalescing.js'

/** Wraps a connection encrypter (Noise) so the connections it secures coalesce their writes, send the small frames of one iteration as one message, and read without a throw per read or a copy per message. */
export function withCoalescedWrites<C> (factory: (components: C) => ConnectionEncrypter): (components: C) => ConnectionEncrypter {
  return (components: C) => {
    const encrypter = factory(components)
    const secureInbound = encrypter.secureInbound.bind(encrypter)
    const secureOutbound = encrypter.secureOutbound.bind(encrypter)
    encrypter.secureInbound = async (conn, options) => quiet(await secureInbound(coalesced(conn), options))
    encrypter.secureOutbound = async (conn, options) => quiet(await secureOutbound(coalesced(conn), options))
    return encrypter
  }
}

function coalesced<T> (conn: T): T {
  coalesceWrites(conn)
  tcpWriteCoalescing.observe(isCoalescingWrites(conn), 'a TCP connection without socket or sendData')
  return conn
}

function quiet<T> (secured: T): T {
  quietLengthDecoder(secured)
  noiseLengthDecoder.observe(usesQuietLengthDecoder(secured), 'a Noise connection without decoder.lengthDecoder')
  decryptWithoutCopies(secured)
  noiseDecrypt.observe(decryptsWithoutCopies(secured), 'a Noise connection without decrypt or handshake.decrypt')
  batchSends(secured)
  noiseSendBatching.observe(batchesSends(secured), 'a Noise connection without sendData, encrypt, close or stream.send')
  return secured
}
