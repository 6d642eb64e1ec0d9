import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const DIST = path.resolve('dist')

/** Runs an ES module script in a fresh node (cwd: the repository) and answers its stdout. */
async function runNode(
  script: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<string> {
  const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`node exited with ${code}: ${err}`)
  return out
}

/**
 * A live set of ~60 MB, then objects that survive a few collections (promoted to the old generation) and die:
 * what an import does with its batches. Answers the largest heap V8 committed meanwhile, in MB.
 */
const churn = (percent: number) => `
  import v8 from 'node:v8'
  const { applyHeapGrowth } = await import(${JSON.stringify(`${DIST}/cli/heap-growth.js`)})
  applyHeapGrowth(${percent}, [])
  const live = []
  for (let i = 0; i < 400_000; i++) live.push({ id: i, name: 'object ' + i, tags: [i % 7, i % 11] })
  const window = []
  let peak = 0
  for (let i = 0; i < 3_000_000; i++) {
    window.push({ key: 'entry ' + i, values: [i, 'value ' + i] })
    if (window.length > 60_000) window.splice(0, 10_000)
    if (i % 5000 === 0) peak = Math.max(peak, v8.getHeapStatistics().total_heap_size)
  }
  globalThis.kept = live.length + window.length
  process.stdout.write(String(Math.round(peak / 2 ** 20)))
`

/**
 * Starts a server with `command args` (cwd: the repository, a fresh data directory, a free port) and answers the
 * memory line of its start banner, then stops it (the whole process group: npm runs node through a shell).
 */
async function memoryBanner(command: string, args: string[], env: Record<string, string>): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-memory-'))
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      LOG_LEVEL: 'warn',
      INTAKE_DATA_DIR: dataDir,
      ...env,
    },
    detached: true,
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise((resolve) => child.on('exit', resolve))
  try {
    const deadline = Date.now() + 45_000
    for (;;) {
      const line = /^ *memory:.*$/m.exec(out)
      if (line) return line[0].trim()
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${out}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM')
    await exited
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

describe('the memory of an Intake process', () => {
  it('keeps the heap within the growth INTAKE_HEAP_GROWTH_PERCENT sets, where V8 alone lets it grow far more', async () => {
    expect(fs.existsSync(DIST), 'run npm run build first (npm test does)').toBe(true)
    // The young generation pinned to 2 × 16 MB (V8's default up to Node.js 22; Node.js 24 sizes it by the machine's
    // memory, 2 × 64 MB on 24 GiB), so that both runs measure the old generation's growth alone on every Node.js.
    const young = ['--max-semi-space-size=16']
    const bounded = Number(await runNode(churn(10), {}, young))
    const v8Alone = Number(await runNode(churn(0), {}, young))
    // The live set is ~60 MB: 10 % growth plus V8's young generation and minimum steps stays well under 200 MB.
    expect(bounded).toBeLessThan(200)
    expect(bounded).toBeLessThan(v8Alone * 0.75)
  }, 60_000)

  it('starts the server with the heap growth and SQLite cache it is configured with, and says so', async () => {
    const line = await memoryBanner(process.execPath, [`${DIST}/cli/bin.js`, 'serve'], {
      INTAKE_HEAP_GROWTH_PERCENT: '25',
      INTAKE_SQLITE_CACHE_MB: '12',
      INTAKE_SQLITE_API_CACHE_MB: '3',
    })
    const young =
      Number(process.versions.node.split('.')[0]) <= 22
        ? "young generation 2 × 16 MB (V8's default: node started without --max-semi-space-size)"
        : "young generation sized by V8 from the machine's memory (node started without --max-semi-space-size)"
    expect(line).toBe(
      `memory:       heap grows 25 % over live data (INTAKE_HEAP_GROWTH_PERCENT); ${young}; SQLite page cache 12 MiB for imports (INTAKE_SQLITE_CACHE_MB), 3 MiB for the API (INTAKE_SQLITE_API_CACHE_MB)`,
    )
  }, 30_000)

  it('gives the server started with npm start a young generation of 2 × 4 MB and at most two malloc arenas', async () => {
    // --ignore-scripts skips prestart's build (npm test built dist already); `start` itself still runs.
    const line = await memoryBanner('npm', ['start', '--ignore-scripts', '--silent'], {})
    expect(line).toContain(
      'young generation 2 × 4 MB (node --max-semi-space-size); malloc arenas ≤ 2 (MALLOC_ARENA_MAX)',
    )
  }, 60_000)

  it('gives the intake bin and the container image the same node memory settings as npm start', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: { start: string } }
    const start = /^(MALLOC_ARENA_MAX=\d+) node ((?:--\S+ )*)dist\/cli\/bin\.js serve$/.exec(
      pkg.scripts.start,
    )
    expect(start, pkg.scripts.start).not.toBeNull()
    const [, arenas, flags] = start as unknown as [string, string, string]
    const shebang = fs.readFileSync(`${DIST}/cli/bin.js`, 'utf8').split('\n')[0] ?? ''
    expect(shebang).toBe(`#!/usr/bin/env -S ${arenas} node ${flags.trim()}`)
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8')
    expect(dockerfile).toMatch(new RegExp(`^ENV [^]*?\\b${arenas}\\b`, 'm'))
    const nodeArgs = flags
      .trim()
      .split(' ')
      .map((f) => `"${f}", `)
      .join('')
    expect(dockerfile).toContain(`ENTRYPOINT ["node", ${nodeArgs}"dist/cli/bin.js"]`)
    // What the shebang runs (the kernel passes env the rest of the line as one argument) starts the server the same way.
    const line = await memoryBanner(
      '/usr/bin/env',
      [shebang.slice('#!/usr/bin/env '.length), `${DIST}/cli/bin.js`, 'serve'],
      {},
    )
    expect(line).toContain(
      'young generation 2 × 4 MB (node --max-semi-space-size); malloc arenas ≤ 2 (MALLOC_ARENA_MAX)',
    )
  }, 60_000)

  it('loads no PostgreSQL client in a server on SQLite, and loads it with the first PostgreSQL store', async () => {
    const out = await runNode(`
      import { createRequire } from 'node:module'
      const loaded = (name) =>
        Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/' + name + '/'))
      const clients = ['pg', 'pg-copy-streams']
      await import(${JSON.stringify(`${DIST}/cli/cli.js`)})
      await import(${JSON.stringify(`${DIST}/http/server.js`)})
      const { createStore } = await import(${JSON.stringify(`${DIST}/store/create-store.js`)})
      const sqlite = createStore({ dialect: 'sqlite', url: ':memory:' })
      await sqlite.ping()
      const onSqlite = clients.filter(loaded)
      // A pool connects on its first query only: creating the store is enough to need the client.
      const postgres = createStore({ dialect: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' })
      const afterPostgres = clients.filter(loaded)
      await Promise.all([sqlite.close(), postgres.close()])
      process.stdout.write(JSON.stringify({ onSqlite, afterPostgres }))
    `)
    expect(JSON.parse(out)).toEqual({ onSqlite: [], afterPostgres: ['pg'] })
  }, 30_000)

  it('loads no connector driver at start, and each one where its source is first used', async () => {
    const out = await runNode(`
      import { createRequire } from 'node:module'
      const loaded = (name) =>
        Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/' + name + '/'))
      const drivers = ['exceljs', 'mysql2', 'asn1'] // asn1: ldapts's own dependency (ldapts itself is ESM)
      await import(${JSON.stringify(`${DIST}/cli/cli.js`)})
      await import(${JSON.stringify(`${DIST}/http/server.js`)})
      const atStart = drivers.filter(loaded)
      const { sqlDriver } = await import(${JSON.stringify(`${DIST}/connectors/sql/drivers.js`)})
      const mysql = await sqlDriver('mysql')
      const { ldapConnector } = await import(${JSON.stringify(`${DIST}/connectors/ldap/ldap.connector.js`)})
      await ldapConnector.testConnection(
        { url: 'ldap://127.0.0.1:1', baseDn: 'dc=x', roots: { people: {} }, connectTimeoutMs: 500 },
        new AbortController().signal,
      ).catch(() => undefined)
      process.stdout.write(JSON.stringify({ atStart, mysql: typeof mysql.connect, afterUse: drivers.filter(loaded) }))
    `)
    expect(JSON.parse(out)).toEqual({ atStart: [], mysql: 'function', afterUse: ['mysql2', 'asn1'] })
  }, 30_000)
})
