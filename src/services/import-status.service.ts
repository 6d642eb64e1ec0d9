import { systemClock, type Clock } from '../domain/clock.js'
import { AppError } from '../domain/errors.js'
import { ACTIVE_STATUSES, type Execution } from '../domain/execution/execution.types.js'
import { NothingToImportError } from '../domain/schedule/schedule-errors.js'
import type { Db } from '../store/create-store.js'
import { importStatusRepository as repo } from '../store/repositories/import-status.repository.js'
import type { FileImportService } from './file-import.service.js'

const ENDED = ['DONE', 'FAILED', 'CANCELLED'] as const

/** The facts `import_status.json` is made of (the presenter turns them into the seed's columns). */
export interface ImportStatusFacts {
  now: Date
  /** Pull executions queued, running or paused, with live progress. */
  running: Execution[]
  /** The latest pull execution that ended (DONE, FAILED, CANCELLED). */
  lastEnded: { status: string; started: string; finished: string } | null
  /** When the latest successful pull execution ended. */
  lastSuccess: string | null
  /** The next run of an active schedule of an enabled pull source. */
  nextRun: string | null
}

export interface ImportRunOutcome {
  started: { importSourceId: string; executionId: string }[]
  skipped: { importSourceId: string; name: string; reason: string }[]
}

/**
 * `import_status.json` (seed 003): the import state of a workspace over its pull sources, and the import run that
 * `?run=true` starts: every enabled pull source of the workspace. A workspace leaves a source out of the run by
 * disabling it.
 */
export class ImportStatusService {
  constructor(
    private readonly db: Db,
    private readonly fileImports: Pick<FileImportService, 'start' | 'get'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async status(workspaceId: string): Promise<ImportStatusFacts> {
    const [active, ended, success, nextRun] = await Promise.all([
      repo.active(this.db, workspaceId, ACTIVE_STATUSES),
      repo.latestEnded(this.db, workspaceId, ENDED),
      repo.latestEnded(this.db, workspaceId, ['DONE']),
      repo.nextPullRun(this.db, workspaceId),
    ])
    // Through the file import service: a run of this process answers its live progress.
    const running = await Promise.all(active.map((row) => this.fileImports.get(workspaceId, row.id)))
    return {
      now: this.clock(),
      running,
      lastEnded: ended
        ? {
            status: ended.status,
            started: ended.started_at ?? ended.created_at,
            finished: ended.finished_at!,
          }
        : null,
      lastSuccess: success?.finished_at ?? null,
      nextRun,
    }
  }

  /**
   * Starts an import of every enabled pull source. A source that cannot start now (already running, no mapping, no
   * file) is listed with the reason; 409 NOTHING_TO_IMPORT when none started and none is running.
   */
  async run(workspaceId: string, actor: string): Promise<ImportRunOutcome> {
    const sources = await repo.enabledPullSources(this.db, workspaceId)
    const outcome: ImportRunOutcome = { started: [], skipped: [] }
    for (const source of sources) {
      try {
        const execution = await this.fileImports.start(workspaceId, source.id, { actor })
        outcome.started.push({ importSourceId: source.id, executionId: execution.id })
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500) throw error
        outcome.skipped.push({ importSourceId: source.id, name: source.name, reason: error.message })
      }
    }
    if (outcome.started.length === 0) {
      const running = await repo.active(this.db, workspaceId, ACTIVE_STATUSES)
      if (running.length === 0)
        throw NothingToImportError({ reasons: outcome.skipped.map((s) => `${s.name}: ${s.reason}`) })
    }
    return outcome
  }
}
