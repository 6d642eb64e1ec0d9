import { loadConfig } from '../../src/config/config.js'
import type { DataChunk } from '../../src/engine/engine-types.js'
import type { ImportResult, TypeResult } from '../../src/engine/result.js'
import { bootstrap } from '../../src/main.js'
import { runEngine } from '../../test/helpers/engine-fixtures.js'
import { BENCH_TOKEN, expectFirstLoad, withPeakRss } from '../bench-kit.js'
import { freshDatabase } from '../scratch.js'
import { csvChunks } from './csv-chunks.js'
import { hardwareDocument } from './hardware-mapping.js'

/** The selector root of the hardware mapping: engine chunks carry the CSV rows under it. */
export const HARDWARE_ROOT = hardwareDocument.mapping.objectTypeMappings[0]!.selector

/** A booted Intake with one external source carrying the hardware mapping; `runOnce` imports a CSV through it. */
export function engineRunner(
  env: Record<string, string>,
  document: unknown = hardwareDocument,
): Promise<{
  runOnce: (csv: string, extra?: Parameters<typeof runEngine>[4]) => Promise<ImportResult>
  close: () => Promise<void>
}> {
  return engineRunnerFor(env, (root, csv) => csvChunks(csv, root), document)
}

/** engineRunner with the engine's chunks made by `chunks` from the selector root and the CSV file. */
export async function engineRunnerFor(
  env: Record<string, string>,
  chunks: (root: string, csv: string) => AsyncIterable<DataChunk>,
  document: unknown = hardwareDocument,
): Promise<{
  runOnce: (csv: string, extra?: Parameters<typeof runEngine>[4]) => Promise<ImportResult>
  close: () => Promise<void>
}> {
  const booted = await bootstrap(loadConfig({ ...env, INTAKE_ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent' }))
  const { services } = booted
  const ws = booted.workspaceId
  const source = await services.importSources.create(ws, { name: 'bench', type: 'external' })
  await services.mappings.submit(ws, source.id, 'PUT', document)
  return {
    runOnce: (csv, extra) =>
      runEngine(services, ws, source.id, chunks(HARDWARE_ROOT, csv), {
        releaseEntries: process.env.BENCH_KEEP_ENTRIES !== '1',
        ...extra,
      }),
    close: () => booted.close(),
  }
}

/** The engine's first load of a CSV of n rows on a fresh database beside `env`'s (the ratio's denominator). */
export async function engineFirstLoad(
  env: Record<string, string>,
  csv: string,
  n: number,
  document: unknown = hardwareDocument,
): Promise<{ seconds: number; peakMb: number; type: TypeResult }> {
  const db = await freshDatabase(env)
  const runner = await engineRunner(db.env, document)
  try {
    const start = performance.now()
    const { value: result, peakMb } = await withPeakRss(() => runner.runOnce(csv))
    const seconds = (performance.now() - start) / 1000
    return { seconds, peakMb, type: expectFirstLoad('engine first load', result, n) }
  } finally {
    await runner.close()
    await db.drop()
  }
}
