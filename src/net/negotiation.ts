// The fast negotiation lives with the other libp2p patches; this name stays for the modules that import it from here.
export { ProtocolRefusedError, withFastNegotiation } from './libp2p-patches/index.js'
