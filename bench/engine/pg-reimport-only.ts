/**
 * The PostgreSQL re-import with 10 % changed, 5 % gone and 5 % new alone, from a prepared database, so that an A/B
 * of that scenario does not pay the first load each time:
 *
 * - `npx tsx bench/engine/pg-reimport-only.ts --prepare --rows=1000000` — a database after the first load and the
 *   unchanged re-import (as the engine benchmark leaves it before this scenario); prints its name. Run it with the
 *   older build: nothing the change touches runs before the scenario.
 * - `npx tsx bench/engine/pg-reimport-only.ts --from=<name> --rows=1000000` — a copy of it (`create database …
 *   template`), the scenario on the copy (the process's CPU per phase with `--import ./bench/engine/cpu-phases.ts`
 *   and CPU_CLOCK=1), the copy dropped. `--drop-template` drops the prepared database. `--keep-label`: the changed
 *   rows change only their size, not their name (the label), so their updates change no indexed column.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../../src/config/config.js'
import { bootstrap } from '../../src/main.js'
import { runEngine } from '../../test/helpers/engine-fixtures.js'
import { BENCH_TOKEN, countersOf } from '../bench-kit.js'
import { csvChunks } from './csv-chunks.js'
import { engineRunner, HARDWARE_ROOT } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const n = Number(arg('rows') ?? 100000)
const admin = 'postgres://postgres@127.0.0.1:5432/postgres'
const url = (name: string): string => `postgres://postgres@127.0.0.1:5432/${name}`

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  try {
    await c.query(text)
  } finally {
    await c.end()
  }
}

/**
 * The CPU seconds (user + system, /proc/<pid>/stat) the backends connected to database `name` have used since they
 * started: read before the server's pool closes them (its connections open at bootstrap, so this is the scenario
 * plus the migration check).
 */
async function backendCpuSeconds(name: string): Promise<number> {
  const c = new pg.Client({ connectionString: url(name) })
  await c.connect()
  try {
    const r = await c.query(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [name],
    )
    let ticks = 0
    for (const { pid } of r.rows as { pid: number }[]) {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
        ticks += Number(fields[11]) + Number(fields[12])
      } catch {
        // The backend ended meanwhile.
      }
    }
    return ticks / 100
  } finally {
    await c.end()
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-pgre-'))
try {
  if (process.argv.includes('--prepare')) {
    const name = `intake_pgre_${randomBytes(4).toString('hex')}`
    await adminQuery(`create database ${name}`)
    const first = path.join(dir, 'first.csv')
    writeCsv(first, { n })
    const runner = await engineRunner({ INTAKE_DATA_DIR: dir, DATABASE_URL: url(name) })
    await runner.runOnce(first)
    await runner.runOnce(first)
    await runner.close()
    // The copies start from the same statistics and visibility as the prepared database.
    const c = new pg.Client({ connectionString: url(name) })
    await c.connect()
    await c.query('vacuum analyze')
    await c.end()
    console.log(`prepared ${name}`)
  } else {
    const template = arg('from')!
    const name = `intake_pgre_${randomBytes(4).toString('hex')}`
    await adminQuery(`create database ${name} template ${template}`)
    try {
      const changed = path.join(dir, 'changed.csv')
      const rows = writeCsv(changed, {
        n,
        changedEvery: 10,
        goneEvery: 20,
        extra: Math.floor(n / 20),
        keepName: process.argv.includes('--keep-label'),
      })
      const booted = await bootstrap(
        loadConfig({
          INTAKE_DATA_DIR: dir,
          DATABASE_URL: url(name),
          INTAKE_ADMIN_TOKEN: BENCH_TOKEN,
          LOG_LEVEL: 'silent',
        }),
      )
      const ws = booted.workspaceId
      const source = (await booted.services.importSources.list(ws, { startAt: 0, maxResults: 10 })).values[0]!
      // The server's side: WAL written and the object table's row updates (how many were HOT: no index entries).
      const stats = async (): Promise<{ wal: bigint; upd: number; hot: number }> => {
        const s = new pg.Client({ connectionString: url(name) })
        await s.connect()
        try {
          await s.query('select pg_stat_clear_snapshot()')
          const r = await s.query(
            `select pg_current_wal_lsn() - '0/0' as wal, n_tup_upd as upd, n_tup_hot_upd as hot
               from pg_stat_user_tables where relname = 'object'`,
          )
          return { wal: BigInt(r.rows[0].wal), upd: Number(r.rows[0].upd), hot: Number(r.rows[0].hot) }
        } finally {
          await s.end()
        }
      }
      const s0 = await stats()
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      const result = await runEngine(booted.services, ws, source.id, csvChunks(changed, HARDWARE_ROOT))
      const seconds = (performance.now() - t0) / 1000
      const c = process.cpuUsage(c0)
      const backendCpu = await backendCpuSeconds(name)
      await booted.close()
      // The statistics collector reports a backend's counts when it ends (booted.close ended them).
      await new Promise((r) => setTimeout(r, 1000))
      const s1 = await stats()
      console.log(
        `server: WAL ${(Number(s1.wal - s0.wal) / rows).toFixed(0)} B/entry; object row updates ${s1.upd - s0.upd}, ` +
          `HOT ${s1.hot - s0.hot}; CPU of the database's backends (since they started) ${backendCpu.toFixed(1)} s`,
      )
      const t = Object.values(result.objectTypeResultMap)[0]!
      const per = (ms: number): string => ((ms * 1000) / rows).toFixed(2)
      console.log(
        `re-import 10 % changed of ${n}: ${seconds.toFixed(1)} s, process CPU ${((c.user + c.system) / 1e6).toFixed(1)} s; ` +
          `read / map / decide / write / post µs/entry ${[
            t.readExternalDataTimeInMs,
            t.mapExternalDataTimeInMs,
            t.decidingActionsTimeInMs,
            t.writeInsightDataTimeInMs,
            t.postFunctionTimeInMs,
          ]
            .map(per)
            .join(' / ')}; ${countersOf(t, result.problemCount)}`,
      )
    } finally {
      await adminQuery(`drop database if exists ${name} with (force)`)
      if (process.argv.includes('--drop-template'))
        await adminQuery(`drop database if exists ${template} with (force)`)
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
