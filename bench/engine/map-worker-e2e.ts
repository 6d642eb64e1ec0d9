/**
 * End to end, first load (issue 11 eleventh pass, branch mapworker): the engine fed by the CSV connector on the main
 * thread (main), against the engine fed by a worker that reads + maps the CSV (worker: PREMAPPED chunks, see
 * map-worker.ts), interleaved, each on a fresh database.
 *
 *   git apply bench/engine/map-worker-engine.patch && npx tsc -p tsconfig.build.json
 *   npx tsx bench/engine/map-worker-e2e.ts --rows=200000 [--rounds=2] [--pg] [--modes=main,worker,stored]
 *     [--young-mb=N]
 * Mode `stored`: the worker as in `worker`, and it also makes each entry's stored values JSON and folded label, which the
 * create writer takes (the write phase's JavaScript moved too; the patch's MappedEntry.stored).
 * The worker runs bench/engine/map-worker-dist.mjs over the built engine (dist/, with the patch), as a product's
 * worker would start (the measurements in docs/benchmarks.md also ran a tsx-loaded TypeScript worker; same figures
 * on the main thread, slower start). `--young-mb`: the worker's young generation cap (resourceLimits).
 *
 * Printed per run: wall s, per-phase µs/entry (read / map / decide / write / post), main-thread CPU µs/entry
 * (/proc/thread-self/schedstat), the worker thread's CPU µs/entry, process CPU µs/entry, peak RSS, load.
 * The worker's plan is compiled over made-up ids (map.bench.ts benchPlan): its hashes and fingerprints differ
 * from the main thread's, which a first load never compares; the timing is the question here.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TypeResult } from '../../src/engine/result.js'
import { withPeakRss } from '../bench-kit.js'
import { freshDatabase } from '../scratch.js'
import { csvChunks } from './csv-chunks.js'
import { engineRunnerFor } from './engine-runner.js'
import { writeCsv } from './hardware-data.js'
import { Worker } from 'node:worker_threads'
import type { DataChunk } from '../../src/engine/engine-types.js'
import { HEADER } from './hardware-data.js'
import { hardwareDocument } from './hardware-mapping.js'
import { benchCatalog, benchContext, normalizedDocument } from './map.bench.js'

/**
 * The engine's PREMAPPED chunk key, from the patched read-map-stage.ts (bench/engine/map-worker-engine.patch): without
 * the patch there is none and this benchmark cannot run.
 */
const stage = (await import('../../src/engine/read-map-stage.js')) as unknown as { PREMAPPED?: symbol }
const PREMAPPED = stage.PREMAPPED
if (PREMAPPED === undefined)
  throw new Error(
    'apply bench/engine/map-worker-engine.patch (git apply) and build (npx tsc -p tsconfig.build.json) first',
  )

/** The worker's thread CPU (µs) of each finished workerChunks run. */
const workerCpu: number[] = []

/**
 * The engine's chunks from a worker that reads + maps the CSV (bench/engine/map-worker-dist.mjs over the built
 * engine): each a PREMAPPED chunk of one CSV chunk's mapped entries (MappedColumns). At most `inflight` chunks wait
 * (the worker posts one per credit; each chunk taken returns one).
 */
async function* workerChunks(
  csv: string,
  options: { inflight?: number; youngMb?: number; stored?: boolean } = {},
): AsyncIterable<DataChunk> {
  const inflight = options.inflight ?? 4
  const document = normalizedDocument(hardwareDocument)
  const limits = options.youngMb ? { resourceLimits: { maxYoungGenerationSizeMb: options.youngMb } } : {}
  const worker = new Worker(new URL('./map-worker-dist.mjs', import.meta.url), {
    ...limits,
    workerData: {
      dist: new URL('../../dist', import.meta.url).href,
      csv,
      inflight,
      stored: options.stored === true,
      document,
      catalog: { ...benchCatalog(document), statusNames: benchContext().statusNames },
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
    for (;;) {
      while (queue.length === 0 && failed === null) await new Promise<void>((r) => (wake = r))
      wake = null
      if (failed) throw failed
      const m = queue.shift()
      if (typeof m === 'object' && m !== null && 'done' in m) {
        workerCpu.push((m as unknown as { cpuUs: number }).cpuUs)
        return
      }
      worker.postMessage(1)
      yield { [PREMAPPED!]: { columns: m, keys: HEADER } } as unknown as DataChunk
    }
  } finally {
    await worker.terminate()
  }
}

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const n = Number(arg('rows', '200000'))
const rounds = Number(arg('rounds', '2'))
const modes = arg('modes', 'main,worker').split(',')
const pgUrl = process.argv.includes('--pg') ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined
const threadCpuUs = (): number =>
  Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1000

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-mw-e2e-'))
const csv = path.join(dir, 'hardware.csv')
writeCsv(csv, { n })
console.log(`rows ${n}, ${pgUrl ? 'postgres' : 'sqlite'}`)
console.log(
  'mode    wall s  read / map / decide / write / post µs/e  main-thread µs/e  worker µs/e  process µs/e  peak MB  load',
)
for (let r = 0; r < rounds; r++)
  for (const mode of modes) {
    const db = await freshDatabase(pgUrl ? { DATABASE_URL: pgUrl } : {})
    const runner = await engineRunnerFor(db.env, (_root, file) =>
      mode === 'worker' || mode === 'stored'
        ? workerChunks(file, {
            youngMb: Number(arg('young-mb', '0')),
            stored: mode === 'stored',
          })
        : csvChunks(file, _root),
    )
    const load = os.loadavg()[0]!.toFixed(2)
    try {
      const cpu0 = threadCpuUs()
      const p0 = process.cpuUsage()
      const t0 = performance.now()
      const before = workerCpu.length
      const { value, peakMb } = await withPeakRss(() => runner.runOnce(csv))
      const wall = (performance.now() - t0) / 1000
      const mainUs = (threadCpuUs() - cpu0) / n
      const p = process.cpuUsage(p0)
      const t = Object.values(value.objectTypeResultMap)[0] as TypeResult
      if (t.objectsCreated !== n) throw new Error(`${mode}: created ${t.objectsCreated} of ${n}`)
      const us = (ms: number): string => ((ms * 1000) / n).toFixed(1)
      const w = workerCpu.length > before ? (workerCpu.at(-1)! / n).toFixed(2) : '-'
      console.log(
        `${mode.padEnd(7)} ${wall.toFixed(1).padStart(6)}  ${us(t.readExternalDataTimeInMs)} / ${us(t.mapExternalDataTimeInMs)} / ` +
          `${us(t.decidingActionsTimeInMs)} / ${us(t.writeInsightDataTimeInMs)} / ${us(t.postFunctionTimeInMs)}` +
          `   ${mainUs.toFixed(2).padStart(14)}  ${w.padStart(11)}  ${((p.user + p.system) / n).toFixed(2).padStart(12)}  ${String(peakMb).padStart(7)}  ${load}`,
      )
    } finally {
      await runner.close()
      await db.drop()
    }
  }
fs.rmSync(dir, { recursive: true, force: true })
