/**
 * Polls `check` until it returns a value other than undefined/false, or fails
 * after timeoutMs with the last value seen. Tests wait on conditions, never on
 * fixed sleeps.
 */
export async function waitFor<T> (what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined && v !== false) return v
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError !== undefined ? ` (last error: ${(lastError as Error).message})` : ''}`)
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}
