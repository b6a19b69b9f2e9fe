#!/usr/bin/env node
import '../polyfill.js'
import { Command, CommanderError, Option } from 'commander'
import { runCommand } from './run.js'
import { statusCommand } from './status.js'
import { tokenIssueCommand } from './token.js'
import * as res from './resources.js'
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
  .option('--data-dir <dir>', 'identity and state (default: ./portmesh-data)')
  .option('--listen <multiaddr>', 'address for links from other sites, repeatable (default: /ip4/0.0.0.0/tcp/7070)', collect)
  .option('--advertise <multiaddr>', 'address to put in join tokens instead of the listen addresses, repeatable', collect)
  .option('--api <host:port>', 'admin API address (default: 127.0.0.1:7071)')
  .option('--api-token <file>', 'require this bearer token (first line of the file) on the admin API; needed off loopback')
  .option('--link <address|token|file[,cost=N]>', 'keep a link to another site (a join token the first time), repeatable', collect)
  .option('--connector <key=host:port[,cost=N]>', 'expose a local service under a routing key, repeatable', collect)
  .option('--listener <key=host:port[,max=N]>', 'accept local clients for a routing key, repeatable', collect)
  .option('--liveness-timeout <ms>', 'declare a silent link down after this long (default: 1000)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default: info)')
  .addOption(new Option('--log-format <format>', 'log format (default: pretty on a terminal, else json)').choices(['json', 'pretty']))
  .action(async (opts) => {
    // Exit explicitly once the router has stopped: a natural exit waits for
    // every libuv handle to close, and a socket torn down mid-write can keep
    // Node spinning in its exit cleanup (seen here with 100 % CPU).
    process.exit(await runCommand(opts))
  })

program.command('status')
  .description('show this site\'s links, routes and services')
  .option('--api <host:port>', 'admin API of the router (default: 127.0.0.1:7071)')
  .option('--api-token <file>', 'bearer token for the admin API')
  .option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await statusCommand(opts) })

const token = program.command('token').description('join tokens that let another site link to this one')
token.command('issue')
  .description('print a join token (one line) for another site to link here')
  .option('--api <host:port>', 'admin API of the router (default: 127.0.0.1:7071)')
  .option('--api-token <file>', 'bearer token for the admin API')
  .option('--expires <duration>', 'how long it can be redeemed: 90s, 15m, 2h, 7d (default: 15m)')
  .option('--uses <n>', 'how many sites may redeem it (default: 1)')
  .action(async (opts) => { process.exitCode = await tokenIssueCommand(opts) })

/** --api and --api-token, on every command that talks to a running router. */
function withApiOptions (cmd: Command): Command {
  return cmd
    .option('--api <host:port>', 'admin API of the router (default: 127.0.0.1:7071)')
    .option('--api-token <file>', 'bearer token for the admin API')
}

const link = program.command('link').description('links to other sites')
withApiOptions(link.command('create <token|address>').description('link to another site (with a token it issued, or a file holding one); applied at once and kept across restarts'))
  .option('--cost <n>', 'link cost (default: 1)')
  .option('--name <name>', 'name to delete it by (default: the other site\'s name)')
  .action(async (target: string, opts) => { process.exitCode = await res.linkCreate(target, opts) })
withApiOptions(link.command('delete <name|peer-id>').description('stop keeping a link up and close it'))
  .action(async (name: string, opts) => { process.exitCode = await res.linkDelete(name, opts) })
withApiOptions(link.command('status').description('links of this site')).option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await res.linkStatus(opts) })

const listener = program.command('listener').description('local ports that accept clients for a routing key')
withApiOptions(listener.command('create <routing-key> <port>').description('accept clients for a routing key on a local port; applied at once and kept across restarts'))
  .option('--host <host>', 'address to listen on (default: 127.0.0.1)')
  .option('--name <name>', 'name to delete it by (default: the routing key)')
  .action(async (key: string, port: string, opts) => { process.exitCode = await res.listenerCreate(key, port, opts) })
withApiOptions(listener.command('delete <name>').description('stop accepting clients (open connections go on)'))
  .action(async (name: string, opts) => { process.exitCode = await res.listenerDelete(name, opts) })
withApiOptions(listener.command('status').description('listeners of this site')).option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await res.listenerStatus(opts) })

const connector = program.command('connector').description('local workloads offered to the mesh under a routing key')
withApiOptions(connector.command('create <routing-key> <port>').description('offer a local workload to the mesh; applied at once and kept across restarts'))
  .option('--host <host>', 'where the workload listens (default: 127.0.0.1)')
  .option('--cost <n>', 'added to the path cost of this target (default: 0)')
  .option('--name <name>', 'name to delete it by (default: the routing key)')
  .action(async (key: string, port: string, opts) => { process.exitCode = await res.connectorCreate(key, port, opts) })
withApiOptions(connector.command('delete <name>').description('withdraw a workload from the mesh'))
  .action(async (name: string, opts) => { process.exitCode = await res.connectorDelete(name, opts) })
withApiOptions(connector.command('status').description('connectors of this site')).option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await res.connectorStatus(opts) })

withApiOptions(program.command('routes').description('lowest-cost routes from this site to every router')).option('--json', 'print JSON')
  .action(async (opts) => { process.exitCode = await res.routes(opts) })

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
