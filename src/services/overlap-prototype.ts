/**
 * PROTOTYPE (measurement only, not kept): processes a push execution's chunks while the client still sends them.
 * INTAKE_EXPERIMENT_OVERLAP=1. Chunks go to a spool file (fsync'd per chunk) instead of SQLite; the engine starts
 * at the first chunk on its own connection, reads the spool as it grows, and ends when completion is signalled.
 * No recovery, no cancel, no dedupe: only to measure what overlapping ingest and processing buys end to end.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '../config/config.js'
import type { DataChunk } from '../engine/engine-types.js'
import { runImport } from '../engine/run-import.js'
import { engineSettingsFrom } from '../engine/engine-settings.js'
import { createStore, type Store } from '../store/create-store.js'
import { enginePorts } from './engine-ports.js'
import type { ImportSourceService } from './import-source.service.js'
import type { ExecutionRuns } from './execution-runs.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'

interface Early {
  fd: number
  offsets: Array<[number, number]>
  size: number
  completed: boolean
  wake: (() => void) | null
  done: Promise<void>
}

const early = new Map<string, Early>()
let engineStore: Store | undefined

export const overlapEnabled = (): boolean => process.env.INTAKE_EXPERIMENT_OVERLAP === '1'

export async function overlapSubmit(
  config: AppConfig,
  store: Store,
  sources: ImportSourceService,
  runs: ExecutionRuns,
  execution: { id: string; workspaceId: string; importSourceId: string },
  payload: string | null,
  completed: boolean,
): Promise<void> {
  let run = early.get(execution.id)
  if (!run) {
    const dir = path.join(config.dataDir, 'spool')
    fs.mkdirSync(dir, { recursive: true })
    const fd = fs.openSync(path.join(dir, execution.id), 'w+')
    const r: Early = { fd, offsets: [], size: 0, completed: false, wake: null, done: Promise.resolve() }
    run = r
    early.set(execution.id, r)
    engineStore ??= createStore(config.database, { poolSize: 2 })
    const mapping = (await sources.mapping(execution.workspaceId, execution.importSourceId))!
    const source = await sources.get(execution.workspaceId, execution.importSourceId)
    async function* chunks(): AsyncIterable<DataChunk> {
      let i = 0
      for (;;) {
        if (i < r.offsets.length) {
          const [at, len] = r.offsets[i++]!
          const buf = Buffer.allocUnsafe(len)
          fs.readSync(r.fd, buf, 0, len, at)
          await new Promise((resolve) => setImmediate(resolve))
          yield JSON.parse(buf.toString('utf8')) as DataChunk
        } else if (r.completed) return
        else await new Promise<void>((resolve) => (r.wake = resolve))
      }
    }
    const registered = runs.begin(execution.id)
    const startedAt = new Date().toISOString()
    r.done = runImport(enginePorts(engineStore, execution.workspaceId), {
      workspaceId: execution.workspaceId,
      importSourceId: execution.importSourceId,
      executionId: execution.id,
      objectSchemaId: mapping.objectSchemaId!,
      document: mapping.document,
      settings: engineSettingsFrom(source.settings),
      data: chunks(),
      deleteGuard: null,
    }).then(async (result) => {
      const now = new Date().toISOString()
      await repo.updateIfStatus(store.db, execution.id, ['INGESTING'], {
        status: 'DONE',
        result: JSON.stringify(result),
        started_at: startedAt,
        completed_at: now,
        finished_at: now,
      })
      registered.finish()
      fs.closeSync(r.fd)
      early.delete(execution.id)
    })
  }
  if (payload !== null) {
    const buf = Buffer.from(payload, 'utf8')
    fs.writeSync(run.fd, buf, 0, buf.length, run.size)
    fs.fdatasyncSync(run.fd)
    run.offsets.push([run.size, buf.length])
    run.size += buf.length
  }
  if (completed) run.completed = true
  const wake = run.wake
  run.wake = null
  // After this request's answer is written: the engine's chunk runs to its end without yielding.
  if (wake) setImmediate(wake)
  if (completed) await run.done
}
