import type { AppConfig } from './config/config.js'
import {
  startExecutionWorker,
  type ExecutionWorker,
  type ExecutionWorkerOptions,
} from './jobs/execution-worker.js'
import { Scheduler } from './jobs/scheduler.js'
import { Worker } from './jobs/worker.js'
import { RUN_SCHEDULE, SCHEDULE_QUEUE } from './services/schedule-runs.js'
import { createServices, type Services } from './services/services.js'
import { createStore } from './store/create-store.js'
import { migrateToLatest } from './store/migrate.js'

export interface Bootstrapped {
  services: Services
  workspaceId: string
  /** A newly generated admin token to print once, or null. */
  generatedAdminToken: string | null
  close(): Promise<void>
}

/** Composition root: config → store (migrated) → services → default workspace and admin token. */
export async function bootstrap(
  config: AppConfig,
  options: { provisionAdmin?: boolean } = {},
): Promise<Bootstrapped> {
  // The API's connection; the execution worker opens its own for the engine (execution-worker.ts).
  const store = createStore(config.database, { role: 'api' })
  try {
    const migrated = await migrateToLatest(store)
    if (migrated.error !== undefined) throw migrated.error
    const services = createServices(config, store)
    await services.importFiles.cleanTempFiles()
    const { workspace } = await services.workspaces.ensureDefault(config.workspaceId)
    let generatedAdminToken: string | null = null
    if (config.adminToken !== null) await services.tokens.ensureAdminSecret(workspace.id, config.adminToken)
    else if (options.provisionAdmin !== false)
      generatedAdminToken = await services.tokens.ensureSomeAdmin(workspace.id)
    return { services, workspaceId: workspace.id, generatedAdminToken, close: () => store.close() }
  } catch (error) {
    await store.close().catch(() => undefined)
    throw error
  }
}

/** How often the background looks for attribute indexes to build or drop. */
const INDEX_MAINTENANCE_MS = 1000

/**
 * Builds and drops attribute indexes after their flag changed (AttributeIndexService), a few batches per tick.
 * On SQLite it waits while an import of this process holds the only write lock.
 */
function startIndexMaintenance(
  services: Services,
  log: BackgroundOptions['log'],
): { stop: () => Promise<void> } {
  let running: Promise<unknown> | null = null
  const timer = setInterval(() => {
    if (running !== null) return
    if (services.store.caps.dialect === 'sqlite' && services.runs.size > 0) return
    running = services.attributeIndexes
      .runPending()
      .catch((err: unknown) => log?.warn({ err }, 'attribute index maintenance failed'))
      .finally(() => {
        running = null
      })
  }, INDEX_MAINTENANCE_MS)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}

/** Schedule runs carried out at once per process (each is short: it queues an import or posts a callback). */
const SCHEDULE_WORKER_CONCURRENCY = 2

export interface Background extends ExecutionWorker {
  scheduler: Scheduler
  /** Carries out schedule runs (its own queue: a run never waits behind a long import). */
  scheduleWorker: Worker
}

export type BackgroundOptions = ExecutionWorkerOptions & { schedulerTickMs?: number }

/**
 * The background work of a process (`serve` without --no-worker, `worker`): the execution worker, the scheduler
 * that claims due schedule runs, and the worker that carries them out. Every worker process runs all three; a due
 * run is claimed by exactly one of them.
 */
export function startBackground(services: Services, options: BackgroundOptions = {}): Background {
  const { schedulerTickMs, ...workerOptions } = options
  const running = startExecutionWorker(services, workerOptions)
  const { store, runs, scheduleRuns, clock } = services
  const { pollMs, heartbeatMs, staleAfterMs, reapEveryMs, log } = workerOptions
  const scheduleWorker = new Worker({
    ...(pollMs !== undefined && { pollMs }),
    ...(heartbeatMs !== undefined && { heartbeatMs }),
    ...(staleAfterMs !== undefined && { staleAfterMs }),
    ...(reapEveryMs !== undefined && { reapEveryMs }),
    ...(log !== undefined && { log }),
    store,
    queue: SCHEDULE_QUEUE,
    concurrency: SCHEDULE_WORKER_CONCURRENCY,
    clock,
    handlers: { [RUN_SCHEDULE]: scheduleRuns.handler() },
    onFailed: (job, reason) => scheduleRuns.failRun(job, reason),
    // SQLite has one writer: while an import of this process holds it, writes would only wait.
    pauseWrites: () => store.caps.dialect === 'sqlite' && runs.size > 0,
  })
  scheduleRuns.onQueued = () => scheduleWorker.wake()
  scheduleWorker.start()
  const scheduler = new Scheduler({
    claimer: scheduleRuns,
    ...(schedulerTickMs !== undefined && { everyMs: schedulerTickMs }),
    ...(log !== undefined && { log }),
  })
  scheduler.start()
  const indexes = startIndexMaintenance(services, log)
  return {
    worker: running.worker,
    scheduler,
    scheduleWorker,
    stop: async () => {
      await indexes.stop()
      await scheduler.stop()
      scheduleRuns.onQueued = null
      await scheduleWorker.stop()
      await running.stop()
    },
  }
}
