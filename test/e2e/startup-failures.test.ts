import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const BIN = path.resolve('dist/cli/bin.js')

interface Outcome {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI as a person would, in its own directory, with only the given environment. */
function run(args: string[], env: Record<string, string>, cwd: string): Promise<Outcome> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }),
  )
}

/** One line on stderr (after the `database: …` line local commands print), no stack trace, a non-zero exit. */
function expectOneClearLine(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(1)
  expect(outcome.stderr).not.toMatch(/\n\s+at /)
  const lines = outcome.stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('database: '))
  expect(lines, outcome.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
}

describe('start-up failures say what to do in one line', () => {
  let dir: string
  beforeAll(() => {
    expect(fs.existsSync(BIN), 'run npm run build first (npm test does)').toBe(true)
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-startup-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('names the port in use and PORT', async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as net.AddressInfo).port
    try {
      const outcome = await run(
        ['serve'],
        { PORT: String(port), INTAKE_DATA_DIR: path.join(dir, 'port') },
        dir,
      )
      expectOneClearLine(outcome, new RegExp(`port ${port} is already in use.*set PORT`))
    } finally {
      holder.close()
    }
  })

  it('names a data directory (or SQLite directory) that cannot be created, and the variable to set', async () => {
    const file = path.join(dir, 'a-file')
    fs.writeFileSync(file, '')
    const dataDir = path.join(file, 'data')
    for (const command of ['serve', 'worker']) {
      const outcome = await run([command], { INTAKE_DATA_DIR: dataDir }, dir)
      expectOneClearLine(
        outcome,
        new RegExp(`cannot create or write the data directory ${dataDir} \\(ENOTDIR\\).*INTAKE_DATA_DIR`),
      )
    }
    const sqlite = await run(['migrate'], { DATABASE_URL: `sqlite:${path.join(dataDir, 'intake.db')}` }, dir)
    expectOneClearLine(
      sqlite,
      new RegExp(`cannot create the directory ${dataDir} \\(ENOTDIR\\).*DATABASE_URL`),
    )
  })

  it.skipIf(process.getuid?.() === 0)('names a data directory without write permission', async () => {
    const readOnly = path.join(dir, 'read-only')
    fs.mkdirSync(readOnly, { mode: 0o500 })
    const outcome = await run(['serve'], { INTAKE_DATA_DIR: readOnly }, dir)
    expectOneClearLine(outcome, /EACCES.*INTAKE_DATA_DIR/)
  })

  it('names an unreachable PostgreSQL and DATABASE_URL', async () => {
    const outcome = await run(
      ['serve'],
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/intake', INTAKE_DATA_DIR: path.join(dir, 'pg') },
      dir,
    )
    expectOneClearLine(outcome, /cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\).*DATABASE_URL/)
  })

  it.skipIf(!inject('pgUrl'))('names a missing PostgreSQL database and how to create it', async () => {
    const name = `intake_missing_${randomBytes(4).toString('hex')}`
    const url = new URL(inject('pgUrl')!)
    url.pathname = `/${name}`
    for (const command of ['serve', 'migrate']) {
      const outcome = await run(
        [command],
        { DATABASE_URL: url.toString(), INTAKE_DATA_DIR: path.join(dir, 'missing') },
        dir,
      )
      expectOneClearLine(outcome, new RegExp(`no database ${name}: create it \\(createdb ${name}\\)`))
    }
  })
})
