import { readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'

/**
 * What every libp2p patch declares, and what is known of it at run time.
 *
 * A patch is active only on evidence: it was seen in effect on an object
 * built by the real package (the start-up probe, then every real connection,
 * muxer or stream it applies to), and nothing it met since refused it. A
 * single refusal makes it inactive for the rest of the process: the object
 * that refused runs libp2p's own code, and the next may too.
 */

/** A package a patch reaches into, and the exact versions it was tested on. */
export interface PatchedPackage {
  name: string
  testedVersions: readonly string[]
  /** The package it is loaded through, when the copy that matters is that package's dependency (e.g. the @libp2p/utils that Yamux extends). */
  via?: string
}

export interface PatchDeclaration {
  /** The metric label and log name. */
  name: string
  /** The first is the package whose internals the patch changes or calls; the others, code it relies on behaving as tested. */
  packages: readonly [PatchedPackage, ...PatchedPackage[]]
  /** How it applies, in a line. */
  applies: string
}

export interface PatchState {
  name: string
  package: string
  testedVersions: readonly string[]
  installedVersion: string | undefined
  active: boolean
  /** Every package in `packages` is at one of its tested versions. */
  tested: boolean
  /** The first package that is not at a tested version, when one is not. */
  untested?: { package: string, installedVersion: string | undefined, testedVersions: readonly string[] }
  /** Why the patch is inactive, when it is. */
  reason?: string
}

export class Patch {
  private seen = false
  private refusal: string | undefined
  private warned = false

  constructor (readonly declaration: PatchDeclaration, private readonly inEffect: () => boolean = () => true) {}

  /** Records what a check found on a real object: in effect, or refused (libp2p's own code runs there). */
  observe (inEffect: boolean, refusal: string): void {
    if (inEffect) {
      this.seen = true
      return
    }
    if (this.refusal !== undefined) return
    this.refusal = refusal
    if (!this.warned && logger !== undefined) warn(logger, this.state())
    this.warned = true
  }

  state (): PatchState {
    const [main] = this.declaration.packages
    const untested = this.declaration.packages
      .map(p => ({ package: p.name, installedVersion: installedVersion(p), testedVersions: p.testedVersions }))
      .find(p => p.installedVersion === undefined || !p.testedVersions.includes(p.installedVersion))
    const reason = this.refusal ?? (this.seen ? (this.inEffect() ? undefined : 'no longer in effect') : 'not yet seen in effect')
    return {
      name: this.declaration.name,
      package: main.name,
      testedVersions: main.testedVersions,
      installedVersion: installedVersion(main),
      active: reason === undefined,
      tested: untested === undefined,
      ...(untested !== undefined ? { untested } : {}),
      ...(reason !== undefined ? { reason } : {})
    }
  }

  /** The start-up report: one warning when inactive or untested. */
  report (log: Logger): void {
    const state = this.state()
    if (state.active && state.tested) return
    warn(log, state)
    if (!state.active) this.warned = true
  }
}

const patches: Patch[] = []
/** The logger of the last node started: where a patch refused later in the process is reported. */
let logger: Logger | undefined

/** Declares a patch; `inEffect` looks at the real prototype or object, for patches applied once per process. */
export function declarePatch (declaration: PatchDeclaration, inEffect?: () => boolean): Patch {
  const patch = new Patch(declaration, inEffect)
  patches.push(patch)
  return patch
}

export function libp2pPatchStates (): PatchState[] {
  return patches.map(p => p.state())
}

/** Logs one warning per patch that is inactive or runs on a version it was not tested on. */
export function reportLibp2pPatches (log: Logger | undefined): void {
  if (log === undefined) return
  logger = log
  for (const p of patches) p.report(log)
}

function warn (log: Logger, s: PatchState): void {
  const pkg = s.untested?.package ?? s.package
  const version = (s.untested !== undefined ? s.untested.installedVersion : s.installedVersion) ?? 'not found'
  const tested = s.untested?.testedVersions ?? s.testedVersions
  const what = s.active
    ? `runs on ${pkg} ${version}, tested on ${tested.join(', ')}`
    : `is inactive (${s.reason ?? 'unknown'}), libp2p's own code runs instead; ${pkg} ${version}, tested on ${tested.join(', ')}`
  log.warn({ patch: s.name, package: pkg, installedVersion: version, testedVersions: tested, active: s.active }, `libp2p patch ${s.name} ${what}`)
}

const versions = new Map<string, string | undefined>()

/** The version in the package.json of the copy Node loads, read once. */
export function installedVersion (pkg: PatchedPackage): string | undefined {
  const key = `${pkg.via ?? ''}>${pkg.name}`
  if (!versions.has(key)) {
    const root = pkg.via === undefined ? resolvedRoot(pkg.name) : lookUpFrom(resolvedRoot(pkg.via), pkg.name)
    versions.set(key, root === undefined ? undefined : readManifest(root)?.version)
  }
  return versions.get(key)
}

function readManifest (dir: string): { name?: string, version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string, version?: string }
  } catch {
    return undefined
  }
}

/** The directory of the package `name` as this module imports it: up from the file import.meta.resolve names to its package.json. */
function resolvedRoot (name: string): string | undefined {
  let dir: string
  try {
    dir = dirname(fileURLToPath(import.meta.resolve(name)))
  } catch {
    return undefined
  }
  for (;;) {
    if (readManifest(dir)?.name === name) return dir
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

/** Node's lookup of a bare specifier from inside the package at `from`: its node_modules, then each parent directory's. */
function lookUpFrom (from: string | undefined, name: string): string | undefined {
  if (from === undefined) return undefined
  let dir = realpathSync(from)
  for (;;) {
    const candidate = join(dir, 'node_modules', name)
    if (readManifest(candidate)?.name === name) return candidate
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}
