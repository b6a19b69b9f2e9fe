#!/usr/bin/env node
import '../polyfill.js'
import { Command, CommanderError, Option } from 'commander'
import { runCommand } from './run.js'
import { routesCommand, statusCommand } from './status.js'
import { flowsCommand } from './flows.js'
import { tokenIssueCommand, tokenListCommand, tokenRevokeCommand } from './token.js'
import { linkRevokeCommand } from './revoke.js'
import { addResourceCommands, withApiOptions } from './resource-commands.js'
import { RESOURCE_COMMANDS } from './resources.js'
import { VERSION } from './version.js'

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

const program = new Command()
program
  .name('portmesh')
  .description('A TCP service mesh: link sites, expose services, reach them from anywhere in the mesh.')
  .version(VERSION, '--version')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)')

program.command('run')
  .description('run this site\'s router')
  .option('--config <file>', 'YAML config file (flags override it)')
  .option('--site <name>', 'site name (default: host name)')
  .option('--data-dir <dir>', 'identity and state (default: $PORTMESH_DATA_DIR, else the config file\'s, else ./portmesh-data)')
  .option('--listen <multiaddr>', 'address for links from other sites, repeatable (default: /ip4/0.0.0.0/tcp/7070)', collect)
  .option('--advertise <multiaddr>', 'address to put in join tokens instead of the listen addresses, repeatable', collect)
  .option('--api <host:port>', 'admin API address (default: 127.0.0.1:7071)')
  .option('--api-token <file>', 'the admin API\'s credential is this file\'s first line instead of the data dir\'s api-token; needed off loopback')
  .option('--link <address|token|file[,cost=N]>', 'keep a link to another site (a join token the first time), repeatable', collect)
  .option('--connector <key=host:port[,cost=N]>', 'expose a local service under a routing key, repeatable', collect)
  .option('--listener <key=host:port[,max=N]>', 'accept local clients for a routing key, repeatable', collect)
  .option('--liveness-timeout <ms>', 'declare a silent link down after this long (default: 1000)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default: info)')
  .addOption(new Option('--log-format <format>', 'log format (default: pretty on a terminal, else json)').choices(['json', 'pretty']))
  .option('--flow-ring <n>', 'flow records kept for `portmesh flows` (default: 10000)')
  .option('--flow-reader <site|peer-id|*>', 'a member that may read this site\'s flow records over the mesh (`flows --mesh`), repeatable; * for every member (default: none)', collect)
  .option('--access-log <file>', 'write one JSON line per connection delivered or refused here to this file')
  .option('--workers <n|auto>', 'processes that carry tunnels: this one and n - 1 workers on the listen ports + 1, + 2, ... (auto: one per CPU; default: 1)')
  .action(async (opts) => {
    // Exit explicitly once the router has stopped: a natural exit waits for
    // every libuv handle to close, and a socket torn down mid-write can keep
    // Node spinning in its exit cleanup (seen here with 100 % CPU).
    process.exit(await runCommand(opts))
  })

withApiOptions(program.command('status')
  .description('show this site\'s links, routes and services'))
  .option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await statusCommand(opts) })

const token = program.command('token').description('join tokens that let another site link to this one')
withApiOptions(token.command('issue')
  .description('print a join token (one line) for another site to link here'))
  .option('--expires <duration>', 'how long it can be redeemed: 90s, 15m, 2h, 7d (default: 15m)')
  .option('--uses <n>', 'how many sites may redeem it (default: 1)')
  .action(async (opts) => { process.exitCode = await tokenIssueCommand(opts) })

withApiOptions(token.command('list').description('tokens that can still be redeemed: id, expiry, uses left, who redeemed them (never the secret)')).option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await tokenListCommand(opts) })
withApiOptions(token.command('revoke <id>').description('void a token at once: redeeming it is refused from now on'))
  .action(async (id: string, opts) => { process.exitCode = await tokenRevokeCommand(id, opts) })

addResourceCommands(program, RESOURCE_COMMANDS)

const linkGroup = program.commands.find(c => c.name() === 'link')
withApiOptions((linkGroup ?? program).command('revoke <site|peer-id>').description('cut a site off at once and for good: close its links, deny its tunnels, void its grants; it cannot link again by address or token'))
  .option('--json', 'print JSON')
  .action(async (target: string, opts) => { process.exitCode = await linkRevokeCommand(target, opts) })

withApiOptions(program.command('routes').description('lowest-cost routes from this site to every router')).option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await routesCommand(opts) })

withApiOptions(program.command('flows').description('finished connections at this site (as ingress and as destination), newest last'))
  .option('--key <key>', 'only this routing key')
  .option('--site <site>', 'only connections with this site (name or peer id) at either end')
  .option('--since <time>', 'only those that ended since: ISO time, unix ms, or a duration ago (90s, 15m, 2h)')
  .option('--limit <n>', 'at most the newest n')
  .option('--json', 'print JSON')
  .option('--follow', 'keep printing connections as they finish')
  .option('--mesh', 'ask every reachable member too (those that share their records with this site: flows.readers), one row per connection')
  .action(async (opts) => { process.exitCode = await flowsCommand(opts) })

program.command('version').description('print the version').action(() => { process.stdout.write(`portmesh ${VERSION}\n`) })

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; anything else is bad usage.
    process.exitCode = err.exitCode === 0 ? 0 : 2
  } else {
    process.stderr.write(`portmesh: ${(err as Error).message}\n`)
    process.exitCode = 1
  }
}
