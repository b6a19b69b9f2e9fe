/**
 * Child process of the bench's concurrency row (its own process, so the
 * client sockets and the echo server's sockets each fit the per-process fd
 * limit). Opens COUNT connections to PORT at up to OPEN_RATE per second with
 * at most OPENING of them waiting for their first echo (so the row measures
 * holding connections, not a router swamped by setups), keeps them all open,
 * and has each send 16 bytes every PERIOD_MS and check the echo. Gives up
 * opening after OPEN_MAX_S (the rest count as failures).
 *
 * Prints one JSON line once all are open and echoed once (`"phase":"open"`),
 * then one per window of WINDOW_S seconds, WINDOWS times, each with the
 * failures and echo round trips since the line before; then closes
 * everything and exits.
 *
 *   node held-clients.js PORT COUNT OPEN_RATE OPENING OPEN_MAX_S PERIOD_MS WINDOW_S WINDOWS
 */
import { connect, type Socket } from 'node:net'

const [port, count, openRate, opening, openMaxS, periodMs, windowS, windows] = process.argv.slice(2).map(Number)
const MESSAGE_BYTES = 16
const ECHO_TIMEOUT_MS = 10_000

/** Since the last report. */
let failures = 0
const failureReasons = new Map<string, number>()
/** Round trips of the periodic echoes on open connections, since the last report. */
const rtts: number[] = []
/** From opening a connection to its first echo (tunnel setup included). */
const firstEchoes: number[] = []
/** Connections that had their first echo, and how many of those died since. */
let ready = 0
let lost = 0
/** Connections opened that have not had their first echo nor failed yet. */
let settling = 0
let finishing = false
const sockets = new Set<Socket>()

function fail (reason: string, n = 1): void {
  failures += n
  failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + n)
}

function hold (id: number): void {
  const openedAt = performance.now()
  const s = connect({ port, host: '127.0.0.1', noDelay: true })
  settling++
  sockets.add(s)
  let pending: { payload: Buffer, sentAt: number, got: number } | undefined
  let timer: NodeJS.Timeout | undefined
  let first = true
  let dead = false
  const die = (reason: string): void => {
    if (dead) return
    dead = true
    clearTimeout(timer)
    if (first) settling--
    else lost++
    if (!finishing) fail(reason)
  }
  const ping = (): void => {
    const payload = Buffer.alloc(MESSAGE_BYTES)
    payload.writeUInt32BE(id, 0)
    payload.writeDoubleBE(Math.random(), 4)
    pending = { payload, sentAt: performance.now(), got: 0 }
    s.write(payload)
    timer = setTimeout(() => { die('echo timeout'); s.destroy() }, ECHO_TIMEOUT_MS)
  }
  s.on('data', (d: Buffer) => {
    if (pending === undefined || !d.equals(pending.payload.subarray(pending.got, pending.got + d.length))) { die('wrong echo'); s.destroy(); return }
    pending.got += d.length
    if (pending.got < MESSAGE_BYTES) return
    clearTimeout(timer)
    if (first) firstEchoes.push(performance.now() - openedAt)
    else rtts.push(performance.now() - pending.sentAt)
    pending = undefined
    // After the first echo, a random phase, so the load is spread over the period.
    timer = setTimeout(ping, first ? Math.random() * periodMs : periodMs)
    if (first) { first = false; ready++; settling-- }
  })
  s.once('connect', ping)
  s.on('error', (err: NodeJS.ErrnoException) => die(err.code ?? err.message))
  s.on('close', () => die('closed by the other side'))
}

const at = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))] ?? NaN }

/** Reports what happened since the last report. */
function report (fields: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({
    ...fields,
    open: ready - lost,
    failures,
    failureReasons: Object.fromEntries(failureReasons),
    echoes: rtts.length,
    p50Ms: at(rtts, 50),
    p99Ms: at(rtts, 99),
    maxMs: at(rtts, 100)
  }) + '\n')
  failures = 0
  failureReasons.clear()
  rtts.length = 0
}

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

async function main (): Promise<void> {
  const started = performance.now()
  const deadline = started + openMaxS * 1000
  // Paced opening in 10 ms slots.
  const perSlot = Math.max(1, Math.round(openRate / 100))
  let opened = 0
  while (opened < count && performance.now() < deadline) {
    const slotEnds = performance.now() + 10
    for (let i = 0; i < perSlot && opened < count && settling < opening; i++) hold(opened++)
    await sleep(Math.max(0, slotEnds - performance.now()))
  }
  while (settling > 0 && performance.now() < deadline + ECHO_TIMEOUT_MS) await sleep(20)
  if (opened < count) fail(`not opened within ${openMaxS} s`, count - opened)
  report({ phase: 'open', openMs: Math.round(performance.now() - started), firstEchoP50Ms: at(firstEchoes, 50), firstEchoP99Ms: at(firstEchoes, 99) })
  for (let w = 1; w <= windows; w++) {
    await sleep(windowS * 1000)
    report({ phase: 'window', window: w })
  }
  finishing = true
  for (const s of sockets) s.destroy()
  setTimeout(() => process.exit(0), 100)
}

void main()
