/** What both kinds of execution (push, file import) share when one starts: the checks, and a new row. */
import {
  ExecutionInProgressError,
  ExecutionMissingMappingError,
  ExecutionSourceDisabledError,
} from '../domain/execution/execution-errors.js'
import { BUSY_STATUSES } from '../domain/execution/execution.types.js'
import type { Db, Store } from '../store/create-store.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'
import type { ImportSourceService } from './import-source.service.js'

/**
 * Runs `insert` (which creates the execution) in a transaction once the source may start one: 404 for an unknown
 * source, 409 IN_PROGRESS while it has an execution active or held, DISABLED, MISSING_MAPPING.
 */
export async function startExecutionIn<T>(
  store: Store,
  sources: ImportSourceService,
  workspaceId: string,
  importSourceId: string,
  insert: (trx: Db) => Promise<T>,
): Promise<T> {
  // A source that is already running answers 409 at once, without a write transaction: on SQLite that would
  // wait for the running import's write lock. The check is repeated inside the transaction.
  await sources.get(workspaceId, importSourceId)
  const running = await repo.active(store.db, importSourceId, BUSY_STATUSES)
  if (running) throw ExecutionInProgressError({ importSourceId, executionId: running.id })
  return store.db.transaction().execute(async (trx) => {
    // Serialises concurrent starts of one source on PostgreSQL; SQLite has one writer.
    let lock = trx.selectFrom('import_source').select('id').where('id', '=', importSourceId)
    if (store.caps.supportsSkipLocked) lock = lock.forUpdate()
    await lock.execute()
    const source = await sources.in(trx).get(workspaceId, importSourceId)
    // A held execution (mass-delete guard) keeps the source busy until it is approved or rejected.
    const active = await repo.active(trx, importSourceId, BUSY_STATUSES)
    if (active) throw ExecutionInProgressError({ importSourceId, executionId: active.id })
    if (!source.enabled) throw ExecutionSourceDisabledError({ importSourceId })
    if (source.mappingVersion === 0) throw ExecutionMissingMappingError({ importSourceId })
    return insert(trx)
  })
}

/** The columns of a new execution that only its run (or its client) fills in. */
export const NOT_STARTED = {
  started_at: null,
  finished_at: null,
  progress: null,
  result: null,
  failure_reason: null,
  client_progress: null,
  completed_at: null,
  applied_at: null,
} as const
