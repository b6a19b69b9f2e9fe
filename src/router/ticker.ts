/**
 * The router's one periodic timer. Each engine or module that has periodic
 * work registers a task with its period; the ticker reads the clock once per
 * beat and hands that `now` to every task that is due, so nothing else in the
 * router owns an interval (and a test can drive the tasks with any clock).
 */
export interface Task {
  readonly everyMs: number
  nextAtMs: number
  readonly run: (nowMs: number) => void
}

export class Ticker {
  private readonly tasks = new Set<Task>()
  private timer: NodeJS.Timeout | undefined

  /** `beatMs`: how often the clock is read; a task runs on the first beat at or after it is due. */
  constructor (private readonly beatMs: number, private readonly clock: () => number = () => performance.now()) {}

  now (): number {
    return this.clock()
  }

  /** Runs `run(now)` every `everyMs` (rounded up to whole beats) until the returned function is called. */
  every (everyMs: number, run: (nowMs: number) => void): () => void {
    const task: Task = { everyMs, nextAtMs: this.clock() + everyMs, run }
    this.tasks.add(task)
    return () => { this.tasks.delete(task) }
  }

  start (): void {
    if (this.timer !== undefined) return
    this.timer = setInterval(() => this.beat(this.clock()), this.beatMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.tasks.clear()
  }

  /** One beat: every due task runs once with the same `now` (a late beat does not run a task twice). */
  beat (nowMs: number): void {
    for (const task of [...this.tasks]) {
      // Half a beat of slack: the interval may fire a little before the clock reads a whole beat later.
      if (nowMs + this.beatMs / 2 < task.nextAtMs || !this.tasks.has(task)) continue
      task.nextAtMs = Math.max(task.nextAtMs + task.everyMs, nowMs + task.everyMs / 2)
      task.run(nowMs)
    }
  }
}
