/**
 * The SQLite re-import with 10 % changed, 5 % gone and 5 % new alone, from a prepared data directory (the SQLite
 * counterpart of pg-reimport-only.ts), so that an A/B of that scenario does not pay the first load each time:
 *
 * - `npx tsx bench/engine/sqlite-reimport-only.ts --prepare=<dir> --rows=1000000` — a data directory after the
 *   first load and the unchanged re-import (as the engine benchmark leaves it before this scenario).
 * - `npx tsx bench/engine/sqlite-reimport-only.ts --from=<dir> --rows=1000000` — a copy of it in a temporary
 *   directory, the scenario on the copy (the process's CPU per phase with `--import ./bench/engine/cpu-phases.ts`
 *   and CPU_CLOCK=1), the copy removed. `--keep-label`: the changed rows change only their size, not their name (the
 *   label), as pg-reimport-only.ts's.
 */
import fs from 'node:fs'
import inspector from 'node:inspector/promises'
import { PerformanceObserver } from 'node:perf_hooks'
import os from 'node:os'
import path from 'node:path'
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

const prepare = arg('prepare')
if (prepare) {
  fs.rmSync(prepare, { recursive: true, force: true })
  fs.mkdirSync(prepare, { recursive: true })
  const first = path.join(prepare, 'first.csv')
  writeCsv(first, { n })
  const runner = await engineRunner({ INTAKE_DATA_DIR: prepare })
  await runner.runOnce(first)
  await runner.runOnce(first)
  await runner.close()
  fs.rmSync(first)
  console.log(`prepared ${prepare}`)
} else {
  const from = arg('from')!
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-sqre-'))
  try {
    for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f))
    const changed = path.join(dir, 'changed.csv')
    const rows = writeCsv(changed, {
      n,
      changedEvery: 10,
      goneEvery: 20,
      extra: Math.floor(n / 20),
      keepName: process.argv.includes('--keep-label'),
    })
    const booted = await bootstrap(
      loadConfig({ INTAKE_DATA_DIR: dir, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' }),
    )
    const ws = booted.workspaceId
    const source = (await booted.services.importSources.list(ws, { startAt: 0, maxResults: 10 })).values[0]!
    // The garbage collector's pauses during the scenario alone (not the CSV's writing before it).
    const gc = { count: 0, ms: 0, on: true }
    const observer = new PerformanceObserver((list) => {
      if (!gc.on) return
      for (const e of list.getEntries()) {
        gc.count++
        gc.ms += e.duration
      }
    })
    observer.observe({ entryTypes: ['gc'] })
    // ALLOC_PROFILE=<file>: every allocation sampled during the scenario (the collected ones too), for a profile of
    // what the young generation's scavenges sweep.
    const session = process.env.ALLOC_PROFILE ? new inspector.Session() : null
    if (session) {
      session.connect()
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 16384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      })
    }
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const result = await runEngine(booted.services, ws, source.id, csvChunks(changed, HARDWARE_ROOT))
    const seconds = (performance.now() - t0) / 1000
    const c = process.cpuUsage(c0)
    if (session) {
      const { profile } = await session.post('HeapProfiler.stopSampling')
      fs.writeFileSync(process.env.ALLOC_PROFILE!, JSON.stringify(profile))
      session.disconnect()
    }
    await new Promise((r) => setImmediate(r))
    gc.on = false
    observer.disconnect()
    await booted.close()
    const t = Object.values(result.objectTypeResultMap)[0]!
    const per = (ms: number): string => ((ms * 1000) / rows).toFixed(2)
    console.log(
      `re-import 10 % changed of ${n}: ${seconds.toFixed(2)} s, process CPU ${((c.user + c.system) / 1e6).toFixed(2)} s; ` +
        `GC pauses ${gc.count}× ${gc.ms.toFixed(0)} ms; read / map / decide / write / post µs/entry ${[
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
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
