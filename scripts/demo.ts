/**
 * `npm run demo`: a three-site mesh on this machine, with demo services.
 *
 *     west ---1--- east (hello service)
 *       \          |
 *        3         1
 *         \        |
 *          `--- north (hello service)
 *
 * A client at west connects to the `hello` listener; the mesh picks east or
 * north by path cost plus open connections. Then east is killed, and new
 * connections go to north over the direct link. East comes back, and the mesh
 * is left running for you to explore until Ctrl-C (or --duration SECONDS).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const CLI = resolve(fileURLToPath(import.meta.url), '../../src/cli/main.js')
const BASE_PORT = Number(process.env.PORTMESH_DEMO_PORT ?? 17000)
const DIR = join(tmpdir(), 'portmesh-demo')
const durationArg = process.argv.indexOf('--duration')
const durationS = durationArg >= 0 ? Number(process.argv[durationArg + 1]) : undefined

interface DemoSite { name: string, port: number, api: number, args: string[], proc?: ChildProcess }

/** A join token from a running demo site (what `portmesh token issue --data-dir DIR` prints). */
async function tokenFrom (site: DemoSite): Promise<string> {
  // Issuing is a change: it needs the credential the site keeps in its data dir.
  const credential = readFileSync(join(DIR, site.name, 'api-token'), 'utf8').trim()
  const res = await fetch(`http://127.0.0.1:${site.api}/v1/tokens`, { method: 'POST', body: '{"uses":1}', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` } })
  if (res.status !== 201) throw new Error(`${site.name} refused to issue a token: ${await res.text()}`)
  return (await res.json() as { token: string }).token
}

const LISTENER_PORT = BASE_PORT + 100
const sites: DemoSite[] = [
  { name: 'east', port: BASE_PORT + 1, api: BASE_PORT + 11, args: ['--connector', `hello=127.0.0.1:${BASE_PORT + 21}`] },
  { name: 'north', port: BASE_PORT + 2, api: BASE_PORT + 12, args: ['--connector', `hello=127.0.0.1:${BASE_PORT + 22}`] },
  { name: 'west', port: BASE_PORT + 3, api: BASE_PORT + 13, args: ['--listener', `hello=127.0.0.1:${LISTENER_PORT}`] }
]
const servers: Server[] = []

function say (line = ''): void {
  process.stdout.write(line + '\n')
}

/** A demo workload: greets with its site name, then echoes. */
async function helloService (name: string, port: number): Promise<void> {
  const server = createServer((s) => {
    s.on('error', () => {})
    s.write(`hello from ${name}\n`)
    s.pipe(s)
  })
  servers.push(server)
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()) })
}

async function startSite (site: DemoSite): Promise<void> {
  const proc = spawn(process.execPath, [CLI, 'run', '--site', site.name, '--data-dir', join(DIR, site.name),
    '--listen', `/ip4/127.0.0.1/tcp/${site.port}`, '--api', `127.0.0.1:${site.api}`, '--log-format', 'json', ...site.args],
  { stdio: ['ignore', 'pipe', 'pipe'] })
  site.proc = proc
  let out = ''
  let err = ''
  proc.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('  api ')) resolve()
    })
    proc.once('exit', (code) => reject(new Error(`${site.name} exited (${code}): ${err.trim()}`)))
  })
}

async function status (site: DemoSite): Promise<{ services: Array<{ routingKey: string, targets: Array<{ site: string, cost: number }> }> }> {
  const res = await fetch(`http://127.0.0.1:${site.api}/v1/status`)
  return await res.json() as Awaited<ReturnType<typeof status>>
}

async function waitTargets (site: DemoSite, want: string[]): Promise<void> {
  const deadline = Date.now() + 20_000
  const wanted = [...want].sort().join(',')
  for (;;) {
    const s = await status(site).catch(() => undefined)
    const got = s?.services.find(x => x.routingKey === 'hello')?.targets.map(t => t.site).sort().join(',')
    if (got === wanted) return
    if (Date.now() > deadline) throw new Error(`targets at ${site.name} did not become [${wanted}] (have [${got ?? ''}])`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Opens `n` connections at once through the listener and keeps them open; returns who answered each. */
async function connectMany (n: number): Promise<{ answers: string[], sockets: Socket[] }> {
  const sockets: Socket[] = []
  const answers = await Promise.all(Array.from({ length: n }, async () => await new Promise<string>((resolve, reject) => {
    const s = connect(LISTENER_PORT, '127.0.0.1')
    sockets.push(s)
    s.once('data', (d: Buffer) => resolve(d.toString().trim().replace('hello from ', '')))
    s.once('error', reject)
    s.once('close', () => resolve('(closed)'))
  })))
  return { answers, sockets }
}

function tally (answers: string[]): string {
  const counts: Record<string, number> = {}
  for (const a of answers) counts[a] = (counts[a] ?? 0) + 1
  return Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(', ')
}

async function main (): Promise<void> {
  rmSync(DIR, { recursive: true, force: true })
  mkdirSync(DIR, { recursive: true })
  await helloService('east', BASE_PORT + 21)
  await helloService('north', BASE_PORT + 22)
  say('Starting three sites on 127.0.0.1: west, east, north')
  say('  west --1-- east --1-- north, and west --3-- north')
  say('  (each link made with a one-time join token from the site it links to)')
  const [east, north, west] = sites
  await startSite(east)
  north.args.push('--link', await tokenFrom(east))
  await startSite(north)
  west.args.push('--link', await tokenFrom(east), '--link', `${await tokenFrom(north)},cost=3`)
  await startSite(west)
  await waitTargets(west, ['east', 'north'])
  const s = await status(west)
  say(`\nwest sees the hello service at: ${s.services[0].targets.map(t => `${t.site} (cost ${t.cost})`).join(', ')}`)

  say('\n1. Ten clients connect to west\'s listener at once and stay connected.')
  say('   Each goes to the target with the lowest path cost + open connections:')
  const first = await connectMany(10)
  say(`   answered by ${tally(first.answers)}`)
  for (const sock of first.sockets) sock.destroy()

  say('\n2. kill -9 east.')
  east.proc?.kill('SIGKILL')
  await waitTargets(west, ['north'])
  say('   west dropped east at once; north is now reached over the direct link (cost 3).')
  const second = await connectMany(10)
  say(`   ten new clients: answered by ${tally(second.answers)}`)
  for (const sock of second.sockets) sock.destroy()

  say('\n3. east restarts with the same identity and is a target again.')
  await startSite(east)
  await waitTargets(west, ['east', 'north'])
  const third = await connectMany(10)
  say(`   ten new clients: answered by ${tally(third.answers)}`)
  for (const sock of third.sockets) sock.destroy()

  say('\nThe mesh is running. Try, in another terminal:')
  say(`  node ${join('dist', 'src', 'cli', 'main.js')} status --data-dir ${join(DIR, west.name)}`)
  say(`  node -e "require('net').connect(${LISTENER_PORT}).on('data', d => { console.log(String(d)); process.exit() })"`)
  say(durationS !== undefined ? `Stopping in ${durationS} s.` : 'Ctrl-C stops it.')
}

async function shutdown (code: number): Promise<never> {
  await Promise.all(sites.map(async (site) => {
    const proc = site.proc
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
    await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGTERM') })
  }))
  for (const server of servers) server.close()
  rmSync(DIR, { recursive: true, force: true })
  process.exit(code)
}

process.on('SIGINT', () => { void shutdown(0) })
process.on('SIGTERM', () => { void shutdown(0) })

main().then(() => {
  if (durationS !== undefined) setTimeout(() => { void shutdown(0) }, durationS * 1000)
}, (err: Error) => {
  process.stderr.write(`demo failed: ${err.message}\n`)
  void shutdown(1)
})
