import fs from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's chromium package; Playwright's own browser builds cannot be downloaded here. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Launches Debian's Chromium headless. A missing browser is a failure that says how to install it, never a skip:
 * the console's tests must run wherever the suite runs (.ci/run installs the package).
 */
export async function launchChromium(
  executablePath: string = CHROMIUM,
): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!fs.existsSync(executablePath))
    throw new Error(
      `Chromium is missing at ${executablePath}: the console's browser tests need Debian's chromium package — ` +
        'install it with `apt-get install chromium` (bash .ci/run does this).',
    )
  // Playwright gives every launch a fresh temporary profile (its own user-data-dir), removed on close.
  const browser = await chromium.launch({
    executablePath,
    // Without the background-networking flags Chromium waits on the network a closed machine does not have.
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    browser,
    close: () => browser.close(),
  }
}
