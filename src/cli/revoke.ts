import type { Revocation } from '../api/types.js'
import { callApi, withApi, type ApiOptions } from './api-client.js'
import { printable } from './status.js'

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The one line `link revoke` prints: who, and what was cut. */
export function formatRevocation (r: Revocation): string {
  const cut = [
    plural(r.connectionsClosed, 'connection') + ' closed',
    r.linksStopped.length > 0 ? `link${r.linksStopped.length === 1 ? '' : 's'} ${r.linksStopped.join(', ')} stopped` : 'no link configured here',
    plural(r.grantsVoided.length, 'grant') + ' voided',
    r.wasAuthorized ? 'removed from authorized-peers' : 'was not in authorized-peers'
  ].join(', ')
  return `${r.alreadyRevoked ? 'already revoked' : 'revoked'} ${printable(r.site)} (${r.peerId}): ${cut}; it cannot link, tunnel or redeem a token here\n`
}

/** `portmesh link revoke SITE|PEERID`. */
export async function linkRevokeCommand (target: string, opts: ApiOptions & { json?: boolean }): Promise<number> {
  return await withApi(opts, async (api) => {
    const r = await callApi<Revocation>(api, 'POST', '/v1/revocations', { peer: target })
    process.stdout.write(opts.json === true ? JSON.stringify(r, null, 2) + '\n' : formatRevocation(r))
  })
}
