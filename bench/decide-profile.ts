/**
 * The engine alone, first load then re-import unchanged then re-import with 10 % changed, on SQLite or (--pg)
 * PostgreSQL: `npx tsx bench/decide-profile.ts --rows=100000 [--pg]`. Prints each scenario's process CPU time and
 * phases in µs per entry, and writes one CPU profile per scenario (PROFILE_DIR, default the temp directory) to sum
 * a phase's functions from, e.g. decideBatch, enforceUnique, settle.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Session } from 'node:inspector/promises'
import pg from 'pg'
import { phasesOf } from './bench-kit.js'
import { engineRunner } from './engine/engine-runner.js'
import { writeCsv } from './engine/hardware-data.js'

const n = Number(process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 100000)
const usePg = process.argv.includes('--pg')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-dprof-'))
const first = path.join(dir, 'first.csv')
const changed = path.join(dir, 'changed.csv')
writeCsv(first, { n })
writeCsv(changed, { n, changedEvery: 10, goneEvery: 20, extra: Math.floor(n / 20) })
const env: Record<string, string> = { INTAKE_DATA_DIR: dir }
const name = `dprof_${process.pid}`
if (usePg) {
  const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' })
  await c.connect()
  await c.query(`create database ${name}`)
  await c.end()
  env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${name}`
}
const runner = await engineRunner(env)
try {
  for (const [scenario, csv] of [
    ['first load', first],
    ['re-import unchanged', first],
    ['re-import changed', changed],
  ] as const) {
    const session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 500 })
    await session.post('Profiler.start')
    const cpu0 = process.cpuUsage()
    const start = performance.now()
    const result = await runner.runOnce(csv)
    const seconds = (performance.now() - start) / 1000
    const cpu = process.cpuUsage(cpu0)
    const { profile } = await session.post('Profiler.stop')
    session.disconnect()
    const out = process.env.PROFILE_DIR ?? os.tmpdir()
    fs.writeFileSync(
      path.join(out, `${usePg ? 'pg' : 'sqlite'}-${scenario.replace(/ /g, '_')}.cpuprofile`),
      JSON.stringify(profile),
    )
    const p = phasesOf(Object.values(result.objectTypeResultMap)[0]!)
    const us = Object.entries(p).map(
      ([k, ms]) => `${k.replace(/TimeInMs$/, '')} ${((ms * 1000) / n).toFixed(2)}`,
    )
    console.log(
      `MARK ${scenario}: ${seconds.toFixed(2)} s cpu ${((cpu.user + cpu.system) / n).toFixed(2)} µs/entry; wall µs/entry ${us.join(', ')}`,
    )
  }
} finally {
  await runner.close()
  fs.rmSync(dir, { recursive: true, force: true })
  if (usePg) {
    const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  }
}
