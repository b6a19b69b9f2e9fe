import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { freePort, Mesh, Site } from '../helpers/site.js'
import { dial, echoTransfer, namedServer, readLine } from '../helpers/tcp.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = resolve(fileURLToPath(import.meta.url), '../../../../test-artifacts')

test('the status page draws three sites and two links, and shows a new connection', { skip: existsSync(CHROMIUM) ? false : 'chromium is not installed (apt-get install chromium; .ci/run does)' }, async (t) => {
  //  west --1-- middle --2-- east (db)
  const mesh = new Mesh()
  t.after(async () => { await mesh.stop() })
  const db = await namedServer('east-db')
  mesh.onStop(async () => { await db.close() })
  const east = await Site.start(mesh, 'east', { connectors: [`db=127.0.0.1:${db.port}`] })
  const middle = await Site.start(mesh, 'middle', { links: [`${await east.token()},cost=2`] })
  const port = await freePort()
  const west = await Site.start(mesh, 'west', { links: [await middle.token()], listeners: [`db=127.0.0.1:${port}`] })
  await west.waitTargets('db', ['east'])

  const profile = mkdtempSync(join(tmpdir(), 'portmesh-chromium-'))
  // Flags as this workplace's closed network needs them (no background fetches).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  // Chromium first, then its profile (after hooks run in the order they were added).
  t.after(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 })
  })
  const page = await context.newPage()
  await page.goto(west.apiUrl)

  await page.waitForFunction(() => {
    const cy = (window as unknown as { cy?: { nodes: () => { length: number }, edges: () => { length: number } } }).cy
    return cy !== undefined && cy.nodes().length === 3 && cy.edges().length === 2
  }, undefined, { timeout: 15_000 })
  const drawn = await page.evaluate(() => {
    const cy = (window as unknown as { cy: { nodes: () => Array<{ data: (k: string) => string }>, edges: () => Array<{ data: (k: string) => string }> } }).cy
    return { sites: cy.nodes().map(n => n.data('site')).sort(), costs: cy.edges().map(e => e.data('label')).sort() }
  })
  assert.deepEqual(drawn, { sites: ['east', 'middle', 'west'], costs: ['cost 1', 'cost 2'] })
  assert.equal(await page.textContent('[data-open-total]'), '0')

  // A client connects through west: the page shows it without a reload.
  const client = await dial(port)
  assert.equal(await readLine(client), 'east-db')
  await page.waitForFunction(() => document.querySelector('[data-open-total]')?.textContent === '1', undefined, { timeout: 10_000 })
  assert.match(await page.textContent('#services tbody') ?? '', /db\s*east\s*3\s*1/)
  // Some traffic, so that the screenshot shows throughput too.
  await echoTransfer(port, 8 * 1024 * 1024)
  await page.waitForFunction(() => /B\/s/.test(document.querySelector('#throughput tbody')?.textContent ?? ''), undefined, { timeout: 10_000 })
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'status-page.png') })
  client.destroy()
  await page.waitForFunction(() => document.querySelector('[data-open-total]')?.textContent === '0', undefined, { timeout: 10_000 })
})
