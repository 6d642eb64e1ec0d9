/**
 * The mass-delete guard's holds (docs/mass-delete-guard.md). An execution over its source's guard rolls back and
 * ends HELD with the numbers (execution.hold); its job ends, nothing is locked. Approve re-runs the same input —
 * push: the stored chunks; file sources: the copy of the file the held run read; SQL, LDAP, REST: a new read —
 * with the guard raised to exactly the approved numbers; reject ends it CANCELLED. Both are recorded with who and
 * when.
 */
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError } from '../domain/errors.js'
import type { Execution, ExecutionHold, HoldDecision } from '../domain/execution/execution.types.js'
import { ExecutionNotHeldError } from '../domain/execution/hold-errors.js'
import type { DeleteGuardSetting } from '../domain/import-source/import-source.types.js'
import type { DeleteGuardInput, ImportHeld } from '../engine/delete-guard.js'
import { guardActive } from '../engine/delete-guard.js'
import { jobQueue } from '../jobs/job-queue.js'
import type { Db, Store } from '../store/create-store.js'
import {
  executionRepository as repo,
  type ExecutionPatch,
  type ExecutionRow,
} from '../store/repositories/execution.repository.js'
import type { ExecutionRuns } from './execution-runs.js'
import { toExecution } from './execution-view.js'
import type { ImportFileService } from './import-file.service.js'
import type { WorkspaceSettingsService } from './workspace-settings.service.js'

/** The job kinds that run a held execution again (push, pull source); upload jobs are never guarded. */
const RERUN_JOBS: Record<string, string> = {
  external: 'process-execution',
  file: 'process-file-import',
}
const EXECUTION_QUEUE = 'executions'

export function holdOf(row: Pick<ExecutionRow, 'hold'>): ExecutionHold | null {
  return row.hold ? (JSON.parse(row.hold) as ExecutionHold) : null
}

/**
 * The guard an execution runs with: the source's own setting, else the workspace default; after an approval, with
 * the approved numbers. Null when nothing is guarded (or for a dry run, which reports the numbers instead — it
 * gets the guard too, so that it can).
 */
export async function deleteGuardFor(
  settings: WorkspaceSettingsService | undefined,
  row: ExecutionRow,
  own: DeleteGuardSetting | null,
): Promise<DeleteGuardInput | null> {
  const setting = settings ? await settings.deleteGuardOf(row.workspace_id, own) : own
  if (!guardActive(setting)) return null
  const last = holdOf(row)?.decisions.at(-1)
  return last?.action === 'approved' && last.limits ? { setting, approved: last.limits } : { setting }
}

/** What a held execution's row becomes: HELD, not finished, with the numbers (and the decisions so far). */
export function heldPatch(
  row: ExecutionRow,
  held: ImportHeld,
  guard: DeleteGuardInput,
  now: string,
  keptFile: string | null,
): ExecutionPatch {
  const previous = holdOf(row)
  const hold: ExecutionHold = {
    heldAt: now,
    guard: guard.setting,
    types: held.types,
    decisions: previous?.decisions ?? [],
    ...(keptFile !== null ? { keptFile } : {}),
  }
  return { status: 'HELD', finished_at: null, result: null, hold: JSON.stringify(hold) }
}

export class ExecutionHoldService {
  constructor(
    private readonly store: Store,
    private readonly runs: ExecutionRuns,
    private readonly files: ImportFileService,
    private readonly clock: Clock = systemClock,
  ) {}

  private get db(): Db {
    return this.store.db
  }

  /**
   * HELD → PROCESSING with a new job that runs the same input again, allowed to remove or mark missing exactly the
   * held numbers per type; 409 EXECUTION_NOT_HELD otherwise.
   */
  async approve(workspaceId: string, importSourceId: string, id: string, by: string): Promise<Execution> {
    const now = isoNow(this.clock)
    await this.db.transaction().execute(async (trx) => {
      const { row, hold } = await this.held(trx, workspaceId, importSourceId, id)
      const limits = Object.fromEntries(
        hold.types.map((t) => [String(t.objectTypeId), t.toRemove + t.toMark]),
      )
      const decision: HoldDecision = { action: 'approved', by, at: now, limits }
      const moved = await repo.updateIfStatus(trx, id, ['HELD'], {
        status: 'PROCESSING',
        hold: JSON.stringify({ ...hold, decisions: [...hold.decisions, decision] }),
        progress: null,
        applied_at: null,
        cancel_requested: 0,
      })
      if (!moved) throw ExecutionNotHeldError({ executionId: id, status: row.status })
      await jobQueue.enqueue(
        trx,
        {
          queue: EXECUTION_QUEUE,
          kind: RERUN_JOBS[row.kind] ?? 'process-execution',
          subject: id,
          payload: { executionId: id },
          runAt: now,
        },
        now,
      )
    })
    this.runs.notifyEnqueued()
    return this.get(workspaceId, importSourceId, id)
  }

  /** HELD → CANCELLED with the reason; nothing of the execution was ever written. */
  async reject(
    workspaceId: string,
    importSourceId: string,
    id: string,
    by: string,
    reason: string | null,
  ): Promise<Execution> {
    const now = isoNow(this.clock)
    const kept = await this.db.transaction().execute(async (trx) => {
      const { row, hold } = await this.held(trx, workspaceId, importSourceId, id)
      const decision: HoldDecision = { action: 'rejected', by, at: now, reason }
      const moved = await repo.updateIfStatus(trx, id, ['HELD'], {
        status: 'CANCELLED',
        finished_at: now,
        failure_reason:
          reason === null ? 'Rejected (mass-delete guard)' : `Rejected: ${reason}`.slice(0, 1024),
        hold: JSON.stringify({ ...hold, decisions: [...hold.decisions, decision], keptFile: null }),
      })
      if (!moved) throw ExecutionNotHeldError({ executionId: id, status: row.status })
      return hold.keptFile ?? null
    })
    if (kept) await this.files.dropKept(importSourceId, kept)
    return this.get(workspaceId, importSourceId, id)
  }

  private async get(workspaceId: string, importSourceId: string, id: string): Promise<Execution> {
    const row = await repo.find(this.db, workspaceId, importSourceId, id)
    if (!row) throw NotFoundError({ entity: 'Execution', id })
    return toExecution(row)
  }

  private async held(
    db: Db,
    workspaceId: string,
    importSourceId: string,
    id: string,
  ): Promise<{ row: ExecutionRow; hold: ExecutionHold }> {
    const row = await repo.find(db, workspaceId, importSourceId, id)
    if (!row) throw NotFoundError({ entity: 'Execution', id })
    const hold = holdOf(row)
    if (row.status !== 'HELD' || !hold) throw ExecutionNotHeldError({ executionId: id, status: row.status })
    return { row, hold }
  }
}
