/** A setting that cannot be used; `field` names it the way the user wrote it (config key or flag). */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor (readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`)
  }
}
