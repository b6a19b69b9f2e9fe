import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The previous release: main as it stood when this release's work began (the
 * first version, which people run today). Mixed-version tests run it beside
 * this build, as a rolling upgrade would.
 */
export const PREVIOUS_RELEASE = '750e6ff7856d7b711b267562d78171e40f426738'

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..')

/**
 * The previous release's CLI, built from git into .cache/previous-release/<commit>
 * (its own lock file, `npm ci`, `tsc`) the first time, reused after. Throws
 * with what to do when the commit is not in this clone's history.
 */
export function previousReleaseCli (): string {
  const dir = join(ROOT, '.cache', 'previous-release', PREVIOUS_RELEASE)
  const cli = join(dir, 'dist', 'src', 'cli', 'main.js')
  if (existsSync(cli)) return cli
  try {
    execFileSync('git', ['-C', ROOT, 'cat-file', '-e', `${PREVIOUS_RELEASE}^{commit}`], { stdio: 'ignore' })
  } catch (err) {
    throw new Error(`the previous release (${PREVIOUS_RELEASE.slice(0, 7)}) is not in this clone's history: run 'git fetch --unshallow' (a shallow clone cannot build it)`, { cause: err })
  }
  mkdirSync(join(ROOT, '.cache', 'previous-release'), { recursive: true })
  const work = mkdtempSync(join(ROOT, '.cache', 'previous-release', 'build-'))
  try {
    execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${PREVIOUS_RELEASE} | tar -x -C "${work}"`], { stdio: 'ignore' })
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: work, stdio: 'ignore', timeout: 300_000 })
    execFileSync('npx', ['tsc', '-p', '.'], { cwd: work, stdio: 'ignore', timeout: 300_000 })
    renameSync(work, dir)
  } catch (err) {
    rmSync(work, { recursive: true, force: true })
    // Another process built it meanwhile.
    if (existsSync(cli)) return cli
    throw new Error(`cannot build the previous release (${PREVIOUS_RELEASE.slice(0, 7)}): ${(err as Error).message}`, { cause: err })
  }
  return cli
}
