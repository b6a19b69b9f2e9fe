import protobuf from 'protobufjs/minimal.js'

// Read 64-bit integers as plain numbers (epochs, sequence numbers, ids); the
// codec rejects anything above Number.MAX_SAFE_INTEGER.
protobuf.util.Long = null as unknown as typeof protobuf.util.Long
protobuf.configure()

export { portmesh } from './portmesh.js'
