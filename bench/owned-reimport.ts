/**
 * Re-imports alone, with their CPU: `npx tsx bench/owned-reimport.ts --rows=100000 [--pg] [--reps=3] [--small=10]`.
 * One first load of the hardware CSV, then `reps` rounds of: re-import unchanged, re-import with 10 % changed, 5 %
 * gone (REMOVE) and 5 % new, and the first file again (which changes them back); then a dry run of the first `small`
 * rows alone (a small full read into the large type: its missing pass plans every other object's removal). Prints
 * per run the decide and post phases in µs per entry, the process CPU, and on PostgreSQL the server's CPU (every
 * backend of the scratch database, from /proc) and the wall time of the owned-object reads by port method —
 * written for the owned table (issue 11, seventh pass); `--ports` adds the wall time of the other port methods the
 * re-imports call (the unique check, the writes, the missing pass's removals, the reference pass).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig } from '../src/config/config.js'
import { bootstrap } from '../src/main.js'
import type { ImportTx } from '../src/engine/ports.js'
import { importStore } from '../src/store/import-store.js'
import { overridingTx, runEngine } from '../test/helpers/engine-fixtures.js'
import { BENCH_TOKEN, phasesOf } from './bench-kit.js'
import { csvChunks } from './engine/csv-chunks.js'
import { HARDWARE_ROOT } from './engine/engine-runner.js'
import { writeCsv } from './engine/hardware-data.js'
import { hardwareDocument } from './engine/hardware-mapping.js'

const arg = (name: string, d: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? d)
const n = arg('rows', 100000)
const reps = arg('reps', 3)
const small = arg('small', 10)
const usePg = process.argv.includes('--pg')
const admin = 'postgres://postgres@127.0.0.1:5432/postgres'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-owned-'))
const first = path.join(dir, 'first.csv')
const changed = path.join(dir, 'changed.csv')
const few = path.join(dir, 'few.csv')
writeCsv(first, { n })
writeCsv(changed, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })
fs.writeFileSync(
  few,
  fs
    .readFileSync(first, 'utf8')
    .split('\n')
    .slice(0, small + 1)
    .join('\n') + '\n',
)
const env: Record<string, string> = { INTAKE_DATA_DIR: dir }
const name = `owned_${process.pid}`
if (usePg) {
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  await c.query(`create database ${name}`)
  await c.end()
  env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${name}`
}
const probe = usePg ? new pg.Client({ connectionString: admin }) : null
await probe?.connect()

/** CPU seconds of the database's backends (utime + stime of /proc/<pid>/stat, 100 ticks a second). */
async function serverCpu(): Promise<number> {
  if (!probe) return 0
  const pids = (await probe.query('select pid from pg_stat_activity where datname = $1', [name])).rows
  let ticks = 0
  for (const { pid } of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(f[11]) + Number(f[12])
    } catch {
      // a backend that ended
    }
  }
  return ticks / 100
}

const booted = await bootstrap(loadConfig({ ...env, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' }))
const { services } = booted
const ws = booted.workspaceId
const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
await services.mappings.submit(ws, source.id, 'PUT', hardwareDocument)

/** Wall time spent in the owned-object reads (µs per entry in the output): decide's probes, the owned table, the
 * missing pass's pages (before) or unseen rows (after). */
const spent: Record<string, number> = Object.fromEntries(
  [
    'findOwned',
    'ownedRowsByIds',
    'storedValues',
    'ownedDigestPage',
    'ownedPage',
    'ownedByIds',
    // the unique check, the writes, the missing pass's removals and the reference pass (`--ports` prints them)
    'takenUniqueValues',
    'valuesMatching',
    'updateObjects',
    'updateHashes',
    'updateMissing',
    'flushIndex',
    'deleteIndexKeys',
    'references',
    'referrers',
    'markReferrersDirty',
    'markDirty',
    'deleteObjects',
    'stageReferences',
    'refStagePage',
    'resolveStagedSingle',
    'insertReferences',
    'deleteReferences',
    'objectsByKey',
    'insertChangeBatches',
  ].map((k) => [k, 0]),
)
const ports = process.argv.includes('--ports')
const store = overridingTx(importStore(services.store), (tx) => {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(spent)) {
    const f = (tx as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[k]
    if (!f) continue
    out[k] = async (...a: unknown[]) => {
      const t0 = performance.now()
      try {
        return await f(...a)
      } finally {
        spent[k]! += performance.now() - t0
      }
    }
  }
  return out as Partial<ImportTx>
})

async function once(label: string, csv: string, dryRun = false): Promise<void> {
  const server0 = await serverCpu()
  const cpu0 = process.cpuUsage()
  const heap0 = process.memoryUsage().heapUsed
  const start = performance.now()
  for (const k of Object.keys(spent)) spent[k] = 0
  const result = await runEngine(services, ws, source.id, csvChunks(csv, HARDWARE_ROOT), {
    dryRun,
    deps: { store },
  })
  const seconds = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpu0)
  const server = (await serverCpu()) - server0
  const t = Object.values(result.objectTypeResultMap)[0]!
  const p = phasesOf(t)
  const us = (ms: number) => ((ms * 1000) / n).toFixed(2)
  console.log(
    `${label.padEnd(12)} ${seconds.toFixed(2)} s  decide ${us(p.decidingActionsTimeInMs)}  post ${us(
      p.postFunctionTimeInMs,
    )} µs/entry (of ${n})  cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s  server ${server.toFixed(2)} s  ` +
      `heap +${((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(0)} MB  ` +
      `+${t.objectsCreated} ~${t.objectsUpdated} =${t.objectsIdentical} -${t.objectsMissingDeleted}  ` +
      Object.entries(spent)
        .filter(([, ms], i) => i < 6 || (ports && ms > 0))
        .map(([k, ms]) => `${k} ${us(ms)}`)
        .join(' '),
  )
}

try {
  await once('first load', first)
  for (let r = 0; r < reps; r++) {
    await once('unchanged', first)
    await once('10% changed', changed)
    await once('back', first)
  }
  for (let r = 0; r < reps; r++) await once(`${small} rows, dry`, few, true)
} finally {
  await booted.close()
  await probe?.end()
  if (usePg) {
    const d = new pg.Client({ connectionString: admin })
    await d.connect()
    await d.query(`drop database if exists ${name} with (force)`)
    await d.end()
  }
  fs.rmSync(dir, { recursive: true, force: true })
}
