import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { buildWeb } from '../../scripts/build-web.mjs'
import { loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/http/server.js'
import { launchChromium } from './browser.js'

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against a real Intake server on
 * SQLite with its worker: a first CSV import end to end, as a new user does it. The steps share one browser page
 * and build on each other, in order.
 */

const TOKEN = 'itk_console-test-admin-token-0123'
/**
 * Screenshots are always taken; they replace the README's (docs/images) only when asked, with
 * `INTAKE_UPDATE_SCREENSHOTS=1 npx vitest run test/browser`, so that a test run leaves the work tree as it was.
 */
const IMAGES =
  process.env.INTAKE_UPDATE_SCREENSHOTS === '1'
    ? path.resolve('docs/images')
    : fs.mkdtempSync(path.join(os.tmpdir(), 'intake-console-shots-'))
const CSV =
  'id,name,ip,cpu,owner\n' +
  'h1,Host 1,10.0.0.1,4,alice\n' +
  'h2,Host 2,10.0.0.2,8,bob\n' +
  'h3,,10.0.0.3,2,carol\n' + // no label: an entry problem (EMPTY_LABEL)
  'h4,Host 4,10.0.0.4,16,dave\n'

describe('the browser launcher', () => {
  it('fails, saying how to install Chromium, when the browser is missing', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(/apt-get install chromium/)
  })
})

describe('web console in Chromium', () => {
  let server: RunningServer
  let browser: Browser
  let closeBrowser: () => Promise<void>
  let page: Page
  let dataDir: string
  const errors: string[] = []

  beforeAll(async () => {
    await buildWeb() // the bundle that ships, built from the current web/ sources
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-console-'))
    server = await startServer(
      loadConfig({ INTAKE_DATA_DIR: dataDir, INTAKE_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent', PORT: '0' }),
      { worker: true },
    )
    ;({ browser, close: closeBrowser } = await launchChromium())
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    page.setDefaultTimeout(15_000)
    // A CSP violation or a script error is a failure of the console, whatever the page shows.
    page.on(
      'console',
      (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && errors.push(m.text()),
    )
    page.on('pageerror', (e) => errors.push(e.message))
  }, 90_000)

  afterAll(async () => {
    await closeBrowser?.()
    await server?.stop()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const nav = () => page.getByRole('navigation', { name: 'Sections' })
  const shot = async (name: string) => {
    fs.mkdirSync(IMAGES, { recursive: true })
    await page.screenshot({ path: path.join(IMAGES, name), fullPage: false })
  }

  it('is served at / with a CSP that allows its own script and style only', async () => {
    const res = await page.goto(`${server.url}/`)
    expect(res?.status()).toBe(200)
    expect(page.url()).toBe(`${server.url}/console/`)
    const csp = res?.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    await expect(page.getByLabel('API token').isVisible()).resolves.toBe(true)
  })

  it('shows a wrong token as a clear error with the API’s code', async () => {
    await page.getByLabel('API token').fill('itk_not-a-real-token-000000000')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/Sign-in failed: .*unknown or revoked.*\(AUTH_REQUIRED\)/)
  })

  it('signs in with the token and shows the empty state', async () => {
    await page.getByLabel('API token').fill(TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('No sources yet — create one.').waitFor()
    expect(await page.evaluate('sessionStorage.length')).toBe(1)
    expect(await page.evaluate('localStorage.length')).toBe(0)
  })

  it('creates a CSV source and uploads its file', async () => {
    await page.getByRole('link', { name: 'Create a source' }).click()
    await page.getByLabel('Name', { exact: true }).fill('Data centre hosts')
    await page.getByRole('radio', { name: /CSV file/ }).check()
    await page.getByRole('button', { name: 'Create source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Data centre hosts' }).waitFor()
    await page.getByText('No file yet: upload one.').waitFor()
    await page
      .getByLabel('File to upload')
      .setInputFiles({ name: 'hosts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await page.getByText(/Uploaded hosts\.csv/).waitFor()
    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText('The connection works.').waitFor()
  })

  it('discovers the file, generates a mapping, shows a validation error at its field, and saves', async () => {
    await page.getByRole('link', { name: 'Create the mapping' }).click()
    await page.getByRole('button', { name: 'Discover the source' }).click()
    await page.getByRole('cell', { name: 'ipaddress' }).waitFor()
    await page.getByRole('button', { name: 'Use the generated document' }).click()
    const typeName = page.locator('#f-schema-objectSchema-objectTypes-0-name')
    expect(await typeName.inputValue()).toBe('Data centre hosts')
    // A problem the server finds is shown at the field its pointer names.
    await typeName.fill('')
    await page.getByRole('button', { name: /Save the mapping/ }).click()
    const fieldError = page.locator('#f-schema-objectSchema-objectTypes-0-name-error')
    await fieldError.waitFor()
    expect(await fieldError.textContent()).toContain('EMPTY_STRING')
    expect(await typeName.getAttribute('aria-invalid')).toBe('true')
    await typeName.fill('Host')
    await page.getByRole('button', { name: /Save the mapping/ }).click()
    await page.getByText('The mapping is saved.').waitFor()
  })

  it('previews a dry run with its plan, then runs to COMPLETED with the counters', async () => {
    await page.getByRole('link', { name: 'Back to the source' }).click()
    await page.getByRole('button', { name: 'Preview (dry run)' }).click()
    await page.getByRole('button', { name: 'Run the import for real' }).waitFor({ timeout: 30_000 })
    const plan = page.locator('table.plan')
    expect(await plan.locator('tbody tr').count()).toBe(3)
    expect(await plan.textContent()).toContain('10.0.0.1')
    expect(await page.locator('dd[data-counter=objectsCreated]').textContent()).toBe('3')

    await page.getByRole('button', { name: 'Run the import for real' }).click()
    await page.getByRole('heading', { name: /^Import run/ }).waitFor()
    await page.locator('.badge', { hasText: 'COMPLETED' }).waitFor({ timeout: 30_000 })
    expect(await page.locator('dd[data-counter=objectsCreated]').textContent()).toBe('3')
    expect(await page.locator('dd[data-counter=entriesInSource]').textContent()).toBe('4')
    expect(await page.locator('dd[data-counter=emptyLabelEntries]').textContent()).toBe('1')
    expect(await page.locator('figure.chart svg rect.chart-bar').count()).toBe(6)
    await page.locator('table.problems').waitFor()
    await shot('console-run.png')
  })

  it('lists the entry problems, filters them and downloads them as CSV', async () => {
    const rows = page.locator('table.problems tbody tr')
    expect(await rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain('EMPTY_LABEL')
    await page.getByLabel('Filter', { exact: true }).fill('no such text')
    expect(await rows.count()).toBe(0)
    await page.getByLabel('Filter', { exact: true }).fill('rows[2]')
    expect(await rows.count()).toBe(1)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download CSV/ }).click(),
    ])
    const file = await download.path()
    const text = fs.readFileSync(file, 'utf8')
    expect(text.split('\r\n')[0]).toBe('seq,objectTypeId,location,code,attribute,value,message')
    expect(text).toContain('EMPTY_LABEL')
  })

  it('lists the source with its last run', async () => {
    await nav().getByRole('link', { name: 'Sources' }).click()
    const row = page.getByRole('row', { name: /Data centre hosts/ })
    await row.waitFor()
    expect(await row.textContent()).toContain('3 created')
    await shot('console-sources.png')
  })

  it('runs again after a changed file and shows what the second run updated', async () => {
    await page.getByRole('link', { name: 'Data centre hosts' }).click()
    await page.getByLabel('Replace the file').setInputFiles({
      name: 'hosts.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV.replace('h2,Host 2,10.0.0.2,8,bob', 'h2,Host 2,10.0.0.2,12,bob')),
    })
    await page.getByRole('button', { name: 'Upload', exact: true }).click()
    await page.getByText(/Uploaded hosts\.csv/).waitFor()
    await page.getByRole('button', { name: 'Run import' }).click()
    await page.locator('.badge', { hasText: 'COMPLETED' }).waitFor({ timeout: 30_000 })
    expect(await page.locator('dd[data-counter=objectsUpdated]').textContent()).toBe('1')
    expect(await page.locator('dd[data-counter=objectsIdentical]').textContent()).toBe('2')
  })

  it('schedules the source and shows its next runs', async () => {
    await page.getByRole('link', { name: 'Source', exact: true }).click()
    await page.getByLabel('Frequency').selectOption('WEEKLY')
    await page.getByLabel('Time zone whose clock later runs keep').fill('Europe/Berlin')
    await page.getByRole('button', { name: 'Create schedule' }).click()
    await page.getByText('Schedule saved.').waitFor()
    const runs = page.locator('ol.occurrences time')
    await runs.first().waitFor()
    expect(await runs.count()).toBe(5)
    const [a, b] = [await runs.nth(0).getAttribute('datetime'), await runs.nth(1).getAttribute('datetime')]
    const days = (Date.parse(b!) - Date.parse(a!)) / 86_400_000
    expect(Math.round(days)).toBe(7)
    await nav().getByRole('link', { name: 'Sources' }).click()
    const row = page.getByRole('row', { name: /Data centre hosts/ })
    await row.waitFor()
    expect(await row.locator('td').last().textContent()).not.toBe('—')
  })

  it('finds an imported object with AQL, shows syntax errors at their position, and opens the object with its history', async () => {
    await nav().getByRole('link', { name: 'Objects' }).click()
    await page.getByLabel('AQL query').fill('Name = = "Host 2"')
    await page.getByRole('button', { name: 'Search' }).click()
    const error = page.locator('#aql-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('AQL_SYNTAX_ERROR')
    expect(await error.locator('pre.caret').textContent()).toBe('Name = = "Host 2"\n       ^')

    await page.getByLabel('AQL query').fill('objectType = "Host"')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByText('3 objects').waitFor()
    await page.getByRole('button', { name: /Label/ }).click()
    await page.locator('th[aria-sort=ascending]').waitFor()
    await page.getByRole('button', { name: /Label/ }).click() // descending
    await page.locator('th[aria-sort=descending]').waitFor()
    await page.locator('tbody tr').first().filter({ hasText: 'Host 4' }).waitFor()
    expect(await page.locator('tbody tr').last().textContent()).toContain('Host 1')

    await page.getByLabel('AQL query').fill('name = "Host 2"')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByText('1 object', { exact: true }).waitFor()
    await page.getByRole('link', { name: /^[A-Z]+-\d+$/ }).click()
    await page.getByRole('heading', { level: 1, name: /Host 2/ }).waitFor()
    expect(await page.locator('dl.attributes-list').textContent()).toContain('10.0.0.2')
    const history = page.locator('table.history tbody tr')
    await history.first().waitFor()
    // The first run created the object, the second changed cpu; each entry links to its run.
    const text = await page.locator('table.history').textContent()
    expect(text).toContain('cpu: 8 → 12')
    expect(text).toContain('Created')
    expect(text).toContain('Import source "Data centre hosts"')
    expect(await page.locator('table.history tbody a').count()).toBe(await history.count())
    await shot('console-object.png')
  })

  it('creates a token whose secret is shown once, lists it and revokes it', async () => {
    await nav().getByRole('link', { name: 'Tokens' }).click()
    await page.getByLabel('Name', { exact: true }).fill('nightly report')
    await page.getByRole('button', { name: 'Create token' }).click()
    const secret = await page.getByTestId('new-secret').textContent()
    expect(secret).toMatch(/^itk_/)
    const row = page.getByRole('row', { name: /nightly report/ })
    expect(await row.textContent()).toContain('read:cmdb-object:jira')
    await page.getByRole('button', { name: 'I have kept it' }).click()
    expect(await page.getByTestId('new-secret').count()).toBe(0)
    await row.getByRole('button', { name: /Revoke/ }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke the token' }).click()
    await row.getByText(/^revoked/).waitFor()
    const refused = await fetch(`${server.url}/api/import_status.json`, {
      headers: { authorization: `Bearer ${secret}` },
    })
    expect(refused.status).toBe(401)
  })

  it('deletes a source after confirmation', async () => {
    await nav().getByRole('link', { name: 'Sources' }).click()
    await page.getByRole('link', { name: 'New source' }).click()
    await page.getByLabel('Name', { exact: true }).fill('Short-lived')
    await page.getByRole('radio', { name: /External/ }).check()
    await page.getByRole('button', { name: 'Create source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Short-lived' }).waitFor()
    await page.getByRole('button', { name: 'Delete…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(await dialog.count()).toBe(0)
    await page.getByRole('button', { name: 'Delete…' }).click()
    await dialog.getByRole('button', { name: 'Delete the source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Import sources' }).waitFor()
    await page.getByRole('row', { name: /Data centre hosts/ }).waitFor()
    expect(await page.getByRole('row', { name: /Short-lived/ }).count()).toBe(0)
  })

  it('works from the keyboard: focus on each page heading, a visible focus ring, a skip link', async () => {
    await nav().getByRole('link', { name: 'Tokens' }).click()
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor()
    // The focus moves to the heading once the page has rendered (an effect after the paint).
    // Polled with evaluate (the DevTools protocol, outside the page's CSP): waitForFunction with a string predicate
    // evals it in the page when its first check fails, which the console's `script-src 'self'` refuses (EvalError).
    await expect
      .poll(() => page.evaluate('document.activeElement?.textContent'), { timeout: 5_000 })
      .toBe('API tokens')
    // Tab goes on from the heading to the page's first control, with a visible focus ring.
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.id')).toBe('token-name')
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid')
    // The skip link shows when it has the focus, and moves the focus to the content.
    await page.focus('a.skip')
    expect((await page.locator('a.skip').boundingBox())!.x).toBeGreaterThanOrEqual(0)
    await page.keyboard.press('Enter')
    expect(await page.evaluate('document.activeElement.id')).toBe('main')
  })

  it('stays readable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 800 })
    await nav().getByRole('link', { name: 'Sources' }).click()
    await page.getByRole('row', { name: /Data centre hosts/ }).waitFor()
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    expect(errors).toEqual([])
  })
})
