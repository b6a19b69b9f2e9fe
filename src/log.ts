import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type LogFormat = 'json' | 'pretty'

/** JSON lines by default; readable lines on a terminal or when asked. */
export function createLogger (level: string, format?: LogFormat): Logger {
  const usePretty = format === 'pretty' || (format === undefined && process.stdout.isTTY === true)
  if (usePretty) {
    return pino({ level }, pretty({ colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }))
  }
  return pino({ level, base: { pid: process.pid } })
}
