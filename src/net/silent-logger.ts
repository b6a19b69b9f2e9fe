import type { ComponentLogger, Logger } from '@libp2p/interface'

const silentLog: Logger = Object.assign(() => {}, {
  error: () => {},
  trace: () => {},
  enabled: false,
  newScope: () => silentLog
})

/** A libp2p component logger that logs nothing and costs nothing per stream. */
export const silentLogger: ComponentLogger = { forComponent: () => silentLog }
