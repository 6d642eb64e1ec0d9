import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = path.resolve('.')

/**
 * A checkout as `npm ci` leaves it: sources (the server's and the console's) and installed dependencies, no dist/. npm ci runs the `prepare` script
 * after installing (as `npm install` does); then `npx intake` must work without `npm start` having built anything.
 * The dependencies are linked rather than installed again, to keep the test to the part that was broken.
 */
describe('npx intake right after npm ci', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-fresh-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('works: prepare builds the file package.json names as the bin', async () => {
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      fs.copyFileSync(path.join(ROOT, f), path.join(dir, f))
    }
    fs.cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true })
    fs.cpSync(path.join(ROOT, 'web'), path.join(dir, 'web'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'scripts'))
    fs.copyFileSync(path.join(ROOT, 'scripts/build-web.mjs'), path.join(dir, 'scripts/build-web.mjs'))
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version: string
      bin: { intake: string }
    }
    expect(fs.existsSync(path.join(dir, pkg.bin.intake))).toBe(false)

    await run('npm', ['run', 'prepare', '--silent'], { cwd: dir, timeout: 240_000 })
    const { stdout } = await run('npx', ['--no-install', 'intake', '--version'], {
      cwd: dir,
      timeout: 120_000, // npx alone took 55 s at a load average of 20 on this 2-core machine
    })
    expect(stdout.trim()).toBe(pkg.version)
    // The web console is built with it, where the server answers it from.
    expect(fs.existsSync(path.join(dir, 'dist/web/index.html'))).toBe(true)
    expect(fs.existsSync(path.join(dir, 'dist/web/app.js'))).toBe(true)
  }, 300_000)
})
