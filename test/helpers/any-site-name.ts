import { register } from 'node:module'

/**
 * Loaded with `node --import` into a real `portmesh run`: the router takes
 * any `--site` name without whitespace (markup included), as a modified
 * router could advertise it. See any-site-name-loader.ts.
 */
register('./any-site-name-loader.js', import.meta.url)
