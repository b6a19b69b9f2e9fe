import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/**
 * A test bed of separate hosts on this machine: one network namespace per
 * site, each with one veth into a bridge that this bed creates, addresses in
 * 10.213.N.0/24 that exist only on that bridge. Faults are made on the bed
 * (cut a host's cable, split the bridge in two). Everything is removed in
 * destroy(), also when the test process exits on a failure.
 */
export const netnsAvailable = ((): boolean => {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const liveBeds = new Set<NetnsBed>()
process.on('exit', () => { for (const bed of liveBeds) bed.destroy() })
// Ctrl-C or a killed test run must not leave namespaces or bridges behind.
// (process.exit runs every 'exit' handler: this one and the one that kills the sites.)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130))
}

function ip (...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

export interface Host {
  name: string
  ns: string
  address: string
  /** The veth end on the bridge side: taking it down cuts the host off. */
  port: string
}

export class NetnsBed {
  readonly hosts = new Map<string, Host>()
  private readonly id = randomBytes(2).toString('hex')
  private readonly bridge = `pmbr${this.id}`
  private readonly subnet = 10 + (parseInt(this.id, 16) % 200)
  private destroyed = false

  constructor (names: string[]) {
    liveBeds.add(this)
    try {
      ip('link', 'add', this.bridge, 'type', 'bridge')
      ip('addr', 'add', `10.213.${this.subnet}.254/24`, 'dev', this.bridge)
      ip('link', 'set', this.bridge, 'up')
      names.forEach((name, i) => {
        const ns = `pm${this.id}-${name}`.slice(0, 15)
        const port = `pm${this.id}p${i}`
        const address = `10.213.${this.subnet}.${i + 1}`
        ip('netns', 'add', ns)
        ip('link', 'add', port, 'type', 'veth', 'peer', 'name', `pm${this.id}h${i}`)
        ip('link', 'set', `pm${this.id}h${i}`, 'netns', ns)
        ip('-n', ns, 'link', 'set', `pm${this.id}h${i}`, 'name', 'eth0')
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
        ip('-n', ns, 'link', 'set', 'eth0', 'up')
        ip('-n', ns, 'link', 'set', 'lo', 'up')
        ip('link', 'set', port, 'master', this.bridge)
        ip('link', 'set', port, 'up')
        this.hosts.set(name, { name, ns, address, port })
      })
    } catch (err) {
      this.destroy()
      throw err
    }
  }

  host (name: string): Host {
    const h = this.hosts.get(name)
    if (h === undefined) throw new Error(`no host ${name} on this bed`)
    return h
  }

  /** Unplugs (or plugs back) a host's cable: no FIN, no RST, just silence. */
  cable (name: string, connected: boolean): void {
    ip('link', 'set', this.host(name).port, connected ? 'up' : 'down')
  }

  /**
   * Splits the hosts into two groups that cannot reach each other (each host
   * drops what it would send to the other group: silence, as with a cut
   * trunk), or heals the split. The test process still reaches every host.
   */
  partition (left: string[], right: string[], split: boolean): void {
    for (const [from, to] of [[left, right], [right, left]]) {
      for (const a of from) {
        for (const b of to) ip('-n', this.host(a).ns, 'route', split ? 'add' : 'del', 'blackhole', `${this.host(b).address}/32`)
      }
    }
  }

  destroy (): void {
    if (this.destroyed) return
    this.destroyed = true
    liveBeds.delete(this)
    for (const h of this.hosts.values()) {
      try { ip('netns', 'del', h.ns) } catch {}
      try { ip('link', 'del', h.port) } catch {}
    }
    try { ip('link', 'del', this.bridge) } catch {}
  }
}
