import type { AppConfig } from './config/config.js'
import {
  startExecutionWorker,
  type ExecutionWorker,
  type ExecutionWorkerOptions,
} from './jobs/execution-worker.js'
import { Scheduler } from './jobs/scheduler.js'
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
  const store = createStore(config.database)
  try {
    const migrated = await migrateToLatest(store)
    if (migrated.error !== undefined) throw migrated.error
    const services = createServices(config, store)
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

export interface Background extends ExecutionWorker {
  scheduler: Scheduler
}

/**
 * The background work of a process (`serve` without --no-worker, `worker`): the execution worker, which also
 * carries out schedule runs, and the scheduler that claims them when due. Every worker process runs both; a due run
 * is claimed by exactly one of them.
 */
export function startBackground(
  services: Services,
  options: ExecutionWorkerOptions & { schedulerTickMs?: number } = {},
): Background {
  const { schedulerTickMs, ...workerOptions } = options
  const running = startExecutionWorker(services, workerOptions)
  const scheduler = new Scheduler({
    claimer: services.scheduleRuns,
    ...(schedulerTickMs !== undefined && { everyMs: schedulerTickMs }),
    ...(options.log !== undefined && { log: options.log }),
  })
  scheduler.start()
  return {
    worker: running.worker,
    scheduler,
    stop: async () => {
      await scheduler.stop()
      await running.stop()
    },
  }
}
