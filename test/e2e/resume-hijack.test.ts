import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { closed, dial, echoServer } from '../helpers/tcp.js'
import { HeldEcho } from '../helpers/held-echo.js'
import { freePort, Mesh, Site } from '../helpers/site.js'
import { waitFor } from '../helpers/wait.js'

const ROGUE_TRANSIT = pathToFileURL(resolve(fileURLToPath(import.meta.url), '../../helpers/rogue-transit.js')).href

test('a member that tries to resume a connection it did not open is refused, and the connection is unharmed', async (t) => {
  //   west --1-- mallory (a hostile transit, a real router process) --1-- east (echo)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const echo = await echoServer()
  mesh.onStop(async () => { await echo.close() })
  const port = await freePort()
  // One listener per attack: after a DENIED, west leaves the target out for that key for a while.
  const attackPorts = [await freePort(), await freePort()]
  const modeFile = join(mesh.dir, 'mallory-mode')
  writeFileSync(modeFile, 'record')
  const east = await Site.start(mesh, 'east', { connectors: [`echo=127.0.0.1:${echo.port}`, `other=127.0.0.1:${echo.port}`, `third=127.0.0.1:${echo.port}`] })
  const mallory = await Site.start(mesh, 'mallory', { links: [await east.token()], nodeArgs: ['--import', ROGUE_TRANSIT], env: { ROGUE_MODE_FILE: modeFile } })
  const west = await Site.start(mesh, 'west', { links: [await mallory.token()], listeners: [`echo=127.0.0.1:${port}`, `other=127.0.0.1:${attackPorts[0]}`, `third=127.0.0.1:${attackPorts[1]}`] })
  await west.waitTargets('echo', ['east'])
  await west.waitTargets('third', ['east'])

  // West's connection crosses mallory, which keeps a copy of its header (ingress, id, proof).
  const held = await HeldEcho.open(port)
  await held.echoesMore(4096)
  // Mallory turns the next tunnel it carries into "resume west's connection from byte 0": first with
  // west's own proof (refused: that proof was used, and it does not cover a resume), then with one it made up.
  for (const [i, [mode, reason]] of [['hijack-resume', 'replay'], ['hijack-forge', 'bad-signature']].entries()) {
    writeFileSync(modeFile, mode)
    const attacker = await dial(attackPorts[i])
    attacker.write('take over\n')
    assert.equal(await closed(attacker), 'reset')
    // Counted by reason (the log line is once per caller and key per interval).
    await waitFor(`east refused the ${mode}`, async () => (await east.metric(`portmesh_tunnels_denied_total{routing_key="echo",reason="${reason}"}`) ?? 0) >= 1)
  }
  // West's connection never noticed: it keeps echoing, every byte in order, and was not reset.
  await held.echoesMore(8192)
  const result = await held.finish()
  assert.equal(result.intact, true, JSON.stringify(result))
})
