/**
 * End to end, unchanged re-import (issue 11 eleventh pass, branch mapworker): after one first load, the engine
 * re-imports the same file fed on the main thread (main: parse, source fingerprint, identity and the owned table's
 * check in read-map-stage.ts), or fed by a worker that does the parse, fingerprint, identity and table check
 * (bench/engine/map-worker-print.mjs, over the built engine) and posts only each entry's table position (worker).
 * Interleaved on one database.
 *
 *   git apply bench/engine/map-worker-engine.patch && npx tsc -p tsconfig.build.json
 *   npx tsx bench/engine/map-worker-reimport.ts --rows=200000 [--rounds=2] [--pg]
 *
 * Printed per run as map-worker-e2e.ts prints; the worker gets the real catalog and the source's settings, so its
 * fingerprints are the stored ones.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { loadConfig } from '../../src/config/config.js'
import { engineSettingsFrom } from '../../src/engine/engine-settings.js'
import type { DataChunk } from '../../src/engine/engine-types.js'
import type { TypeResult } from '../../src/engine/result.js'
import { bootstrap } from '../../src/main.js'
import { enginePorts } from '../../src/services/engine-ports.js'
import { runEngine } from '../../test/helpers/engine-fixtures.js'
import { BENCH_TOKEN, withPeakRss } from '../bench-kit.js'
import { freshDatabase } from '../scratch.js'
import { csvChunks } from './csv-chunks.js'
import { HARDWARE_ROOT } from './engine-runner.js'
import { HEADER, writeCsv } from './hardware-data.js'
import { hardwareDocument } from './hardware-mapping.js'

const stage = (await import('../../src/engine/read-map-stage.js')) as unknown as { PREMAPPED?: symbol }
const PREMAPPED = stage.PREMAPPED
if (PREMAPPED === undefined)
  throw new Error(
    'apply bench/engine/map-worker-engine.patch (git apply) and build (npx tsc -p tsconfig.build.json) first',
  )

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const n = Number(arg('rows', '200000'))
const rounds = Number(arg('rounds', '2'))
const pgUrl = process.argv.includes('--pg') ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined
const threadCpuUs = (): number =>
  Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-mw-re-'))
const csv = path.join(dir, 'hardware.csv')
writeCsv(csv, { n })
const db = await freshDatabase(pgUrl ? { DATABASE_URL: pgUrl } : {})
const booted = await bootstrap(
  loadConfig({ ...db.env, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' }),
)
const { services } = booted
const ws = booted.workspaceId
const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
await services.mappings.submit(ws, source.id, 'PUT', hardwareDocument)
const mapping = (await services.importSources.mapping(ws, source.id))!
const settings = engineSettingsFrom((await services.importSources.get(ws, source.id)).settings)
const catalog = await enginePorts(services.store, ws).catalog.load(ws, mapping.objectSchemaId!)
const workerCpu: number[] = []

async function* printedChunks(): AsyncIterable<DataChunk> {
  const worker = new Worker(new URL('./map-worker-print.mjs', import.meta.url), {
    workerData: {
      dist: new URL('../../dist', import.meta.url).href,
      csv,
      inflight: 4,
      document: mapping.document,
      settings,
      catalog: {
        typesByExternalId: catalog.typesByExternalId,
        attributesByType: catalog.attributesByType,
        statusNames: catalog.statusNames,
      },
    },
  })
  const queue: unknown[] = []
  let failed: Error | null = null
  let wake: (() => void) | null = null
  worker.on('message', (m) => {
    queue.push(m)
    wake?.()
  })
  worker.on('error', (e) => {
    failed = e
    wake?.()
  })
  try {
    yield {
      [PREMAPPED!]: { kind: 'table', give: (arrays: unknown) => worker.postMessage(arrays) },
    } as unknown as DataChunk
    for (;;) {
      while (queue.length === 0 && failed === null) await new Promise<void>((r) => (wake = r))
      wake = null
      if (failed) throw failed
      const m = queue.shift() as { done?: boolean; cpuUs?: number; at?: Int32Array }
      if (m.done) {
        workerCpu.push(m.cpuUs!)
        return
      }
      worker.postMessage(1)
      yield { [PREMAPPED!]: { kind: 'identical', at: m.at, keys: HEADER } } as unknown as DataChunk
    }
  } finally {
    await worker.terminate()
  }
}

const first = await runEngine(services, ws, source.id, csvChunks(csv, HARDWARE_ROOT), {
  releaseEntries: true,
})
const t0 = Object.values(first.objectTypeResultMap)[0] as TypeResult
console.log(`rows ${n}, ${pgUrl ? 'postgres' : 'sqlite'}; first load created ${t0.objectsCreated}`)
console.log(
  'mode    wall s  read / map / decide / write / post µs/e  main-thread µs/e  worker µs/e  process µs/e  peak MB  load',
)
// One unchanged re-import first, untimed: the first after a first load is slower whichever path runs it (the
// checkpoint of the load, a cold cache), which would bias the first pair.
await runEngine(services, ws, source.id, csvChunks(csv, HARDWARE_ROOT), { releaseEntries: true })
try {
  for (let r = 0; r < rounds; r++)
    for (const mode of ['main', 'worker']) {
      const load = os.loadavg()[0]!.toFixed(2)
      const cpu0 = threadCpuUs()
      const p0 = process.cpuUsage()
      const start = performance.now()
      const before = workerCpu.length
      const { value, peakMb } = await withPeakRss(() =>
        runEngine(
          services,
          ws,
          source.id,
          mode === 'worker' ? printedChunks() : csvChunks(csv, HARDWARE_ROOT),
          { releaseEntries: true },
        ),
      )
      const wall = (performance.now() - start) / 1000
      const mainUs = (threadCpuUs() - cpu0) / n
      const p = process.cpuUsage(p0)
      const t = Object.values(value.objectTypeResultMap)[0] as TypeResult
      if (t.objectsIdentical !== n || t.entriesInSource !== n)
        throw new Error(`${mode}: identical ${t.objectsIdentical} of ${n}`)
      const us = (ms: number): string => ((ms * 1000) / n).toFixed(1)
      const w = workerCpu.length > before ? (workerCpu.at(-1)! / n).toFixed(2) : '-'
      console.log(
        `${mode.padEnd(7)} ${wall.toFixed(2).padStart(6)}  ${us(t.readExternalDataTimeInMs)} / ${us(t.mapExternalDataTimeInMs)} / ` +
          `${us(t.decidingActionsTimeInMs)} / ${us(t.writeInsightDataTimeInMs)} / ${us(t.postFunctionTimeInMs)}` +
          `   ${mainUs.toFixed(2).padStart(14)}  ${w.padStart(11)}  ${((p.user + p.system) / n).toFixed(2).padStart(12)}  ${String(peakMb).padStart(7)}  ${load}  problems ${value.problemCount}`,
      )
    }
} finally {
  await booted.close()
  await db.drop()
  fs.rmSync(dir, { recursive: true, force: true })
}
