import type { Services } from '../services/services.js'
import { EXECUTION_QUEUE, PROCESS_EXECUTION } from '../services/execution.service.js'
import { failExecution, processExecution } from '../services/execution-processor.js'
import { processFileImport, type FileImportProcessorDeps } from '../services/file-import-processor.js'
import { PROCESS_FILE_IMPORT } from '../services/file-import.service.js'
import { PROCESS_UPLOAD_JOB } from '../services/upload-job.service.js'
import { processRevert, type RevertProcessorDeps } from '../services/revert/revert-processor.js'
import { REVERT_EXECUTION } from '../services/revert/revert.service.js'
import { createStore } from '../store/create-store.js'
import { processPlanApply } from '../services/plan-apply.js'
import { PROCESS_PLAN_APPLY } from '../services/plan.service.js'
import { Worker, type WorkerLog, type WorkerOptions } from './worker.js'

export interface ExecutionWorker {
  worker: Worker
  /** Stops claiming, aborts and awaits running executions (they are resumed later), closes its connection. */
  stop(): Promise<void>
}

export type ExecutionWorkerOptions = Partial<
  Pick<WorkerOptions, 'pollMs' | 'heartbeatMs' | 'staleAfterMs' | 'reapEveryMs' | 'workerId' | 'concurrency'>
> & {
  log?: WorkerLog
  fileImports?: Pick<FileImportProcessorDeps, 'batchSize' | 'beforeBatch'>
  reverts?: Pick<RevertProcessorDeps, 'afterStep'>
}

const HOUR = 3_600_000

/**
 * The worker that processes push executions, with its own database connection for the engine (on SQLite a
 * second connection, so the API and the chunk reader are never queued behind the engine's transaction).
 */
export function startExecutionWorker(
  services: Services,
  options: ExecutionWorkerOptions = {},
): ExecutionWorker {
  const { config, store, runs, clock } = services
  const concurrency = options.concurrency ?? config.workerConcurrency
  const engineStore = createStore(config.database, { poolSize: concurrency + 1 })
  const fileImportDeps: FileImportProcessorDeps = {
    store,
    engineStore,
    runs,
    sources: services.importSources,
    files: services.importFiles,
    connectors: services.connectors,
    workspaceSettings: services.workspaceSettings,
    clock,
    plans: services.plans,
    ...options.fileImports,
  }
  const uploadJobs = services.uploadJobs
  const processUpload = processFileImport({ ...fileImportDeps, resolve: (e) => uploadJobs.run(e) })
  const worker = new Worker({
    store,
    queue: EXECUTION_QUEUE,
    concurrency,
    clock,
    handlers: {
      [PROCESS_EXECUTION]: processExecution({
        store,
        engineStore,
        runs,
        sources: services.importSources,
        plans: services.plans,
        workspaceSettings: services.workspaceSettings,
        clock,
      }),
      [PROCESS_PLAN_APPLY]: processPlanApply({ store, engineStore, runs, dataDir: config.dataDir, clock }),
      [PROCESS_FILE_IMPORT]: processFileImport(fileImportDeps),
      // An upload job's file is removed once the job has ended (it stays while the job may run again).
      [PROCESS_UPLOAD_JOB]: async (job, ctx) => {
        await processUpload(job, ctx)
        await uploadJobs.cleanup(job.subject ?? '')
      },
      [REVERT_EXECUTION]: processRevert({
        store,
        engineStore,
        runs,
        sources: services.importSources,
        clock,
        ...options.reverts,
      }),
    },
    // Schedule runs are reaped (and failed) by the schedule worker of their own queue.
    onFailed: failExecution(store, clock),
    // SQLite has one writer: while the engine holds it, a heartbeat or a reap would only wait (blocking the loop).
    pauseWrites: () => store.caps.dialect === 'sqlite' && runs.size > 0,
    periodic: [
      { everyMs: HOUR, run: () => services.executions.purgeFinishedChunks() },
      { everyMs: HOUR / 6, run: () => services.plans.purgeExpired() },
    ],
    ...options,
  })
  runs.onEnqueued = () => worker.wake()
  worker.start()
  return {
    worker,
    stop: async () => {
      runs.onEnqueued = null
      await worker.stop()
      await engineStore.close()
    },
  }
}
