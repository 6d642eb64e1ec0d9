import { createHash, randomUUID } from 'node:crypto'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { translateObjects, type PushObject } from '../domain/execution/push-objects.js'
import {
  ChunkDataInvalidError,
  ChunkIdConflictError,
  ExecutionNotActiveError,
  ExecutionMissingMappingError,
  ExecutionNotIngestingError,
  ExecutionTooLargeError,
  FailureHistoryNotAllowedError,
  FailureReasonInvalidError,
} from '../domain/execution/execution-errors.js'
import {
  ACTIVE_STATUSES,
  BUSY_STATUSES,
  MAX_FAILURE_REASON_LENGTH,
  type ClientProgress,
  type Execution,
} from '../domain/execution/execution.types.js'
import type { Db, Store } from '../store/create-store.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'
import { objectsRoot } from '../engine/selector.js'
import { jobQueue } from '../jobs/job-queue.js'
import { objectSchemaRepository } from '../store/repositories/object-schema.repository.js'
import { chunkHash, sameChunk } from './chunk-hash.js'
import type { ExecutionRuns } from './execution-runs.js'
import { NOT_STARTED, startExecutionIn } from './execution-start.js'
import { toExecution } from './execution-view.js'
import type { ImportSourceService } from './import-source.service.js'

export const EXECUTION_QUEUE = 'executions'
export const PROCESS_EXECUTION = 'process-execution'

export interface ChunkRequest {
  data?: unknown
  /** The scheduled push format (seed 002): an object type and its objects, instead of `data`. */
  objectTypeId?: string | number
  objects?: PushObject[]
  clientGeneratedId?: string
  completed?: boolean
}

export interface ChunkOutcome {
  /** False when the chunk repeated an accepted one (same clientGeneratedId and body): nothing new stored. */
  stored: boolean
  completed: boolean
}

/** Push executions: start, ingest chunks durably, complete, fail, cancel. Reads are in ExecutionQueries. */
export class ExecutionService {
  constructor(
    private readonly store: Store,
    private readonly sources: ImportSourceService,
    private readonly runs: ExecutionRuns,
    private readonly limits: { maxExecutionBytes: number; chunkRetentionDays: number },
    private readonly clock: Clock = systemClock,
  ) {}

  private get db(): Db {
    return this.store.db
  }

  /**
   * Whether the source has an execution ingesting, processing, paused or held by the mass-delete guard (the
   * import-source service's probe); `held: false` leaves held ones out.
   */
  async isRunning(
    _workspaceId: string,
    importSourceId: string,
    options: { held?: boolean } = {},
  ): Promise<boolean> {
    const statuses = options.held === false ? ACTIVE_STATUSES : BUSY_STATUSES
    return (await repo.active(this.db, importSourceId, statuses)) !== undefined
  }

  /** The running (or held) execution of a source, if any. */
  async running(workspaceId: string, importSourceId: string): Promise<Execution | null> {
    const row = await repo.active(this.db, importSourceId, BUSY_STATUSES)
    return row && row.workspace_id === workspaceId ? toExecution(row) : null
  }

  /** Starts an execution in INGESTING; 409 when the source runs one, is disabled or has no mapping. */
  async start(
    workspaceId: string,
    importSourceId: string,
    options: { scheduled?: boolean; dryRun?: boolean } = {},
  ): Promise<Execution> {
    const id = randomUUID()
    await startExecutionIn(this.store, this.sources, workspaceId, importSourceId, async (trx) => {
      await repo.insert(trx, {
        id,
        workspace_id: workspaceId,
        import_source_id: importSourceId,
        kind: 'external',
        status: 'INGESTING',
        scheduled: options.scheduled ? 1 : 0,
        dry_run: options.dryRun ? 1 : 0,
        created_at: isoNow(this.clock),
        ...NOT_STARTED,
      })
    })
    return this.get(workspaceId, importSourceId, id)
  }

  async get(workspaceId: string, importSourceId: string, id: string): Promise<Execution> {
    const row = await repo.find(this.db, workspaceId, importSourceId, id)
    if (!row) throw NotFoundError({ entity: 'Execution', id })
    return toExecution(row)
  }

  /**
   * Stores a chunk durably (committed before this returns) and, with `completed`, ends ingestion in the same
   * transaction. A clientGeneratedId seen before with the same body is accepted again without effect.
   * `sent`: the text of `data` as the client sent it (the route has it), stored as it is; with `keys` when it was
   * checked to be an object with these keys without being parsed — `body.data` is then not read unless a repeat
   * must be compared.
   */
  async submit(
    workspaceId: string,
    importSourceId: string,
    id: string,
    body: ChunkRequest,
    sent?: { text: string; keys?: string[] },
  ): Promise<ChunkOutcome> {
    const pushed = body.objectTypeId !== undefined || body.objects !== undefined
    if (pushed) body = { ...body, data: await this.objectsData(workspaceId, importSourceId, body) }
    const dataText = pushed ? undefined : sent?.text
    const checkedKeys = pushed ? undefined : sent?.keys
    const hasData = checkedKeys !== undefined || body.data !== undefined
    // Data sent with its keys was checked to be an object already.
    const data = checkedKeys === undefined && hasData ? body.data : {}
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      const got =
        body.data === null ? 'null' : Array.isArray(body.data) ? 'an array' : `a ${typeof body.data}`
      throw ChunkDataInvalidError({
        field: 'body.data',
        reason: `must be an object whose keys are selector roots, got ${got}`,
      })
    }
    const reserved =
      hasData && !pushed ? (checkedKeys ?? Object.keys(body.data as object)).find(isObjectsRoot) : undefined
    if (reserved !== undefined)
      throw ChunkDataInvalidError({ field: `body.data.${reserved}`, reason: 'is a root Intake reserves' })
    // The data as the client sent it (it parses to body.data), else serialised again.
    const payload = hasData ? (dataText ?? JSON.stringify(body.data)) : null
    // The hash of what the client sent: a repeat of an objects chunk is recognised as such.
    const hash = pushed
      ? createHash('sha256')
          .update(
            JSON.stringify({
              objectTypeId: body.objectTypeId,
              objects: body.objects,
              completed: body.completed === true,
            }),
          )
          .digest('hex')
      : chunkHash(payload, body.completed === true)
    const execution = await this.get(workspaceId, importSourceId, id)
    const outcome = await this.db.transaction().execute(async (trx): Promise<ChunkOutcome> => {
      const cgid = body.clientGeneratedId
      if (cgid !== undefined) {
        const seen = await repo.findChunk(trx, id, cgid)
        if (seen) {
          // A repeat sent with other spacing or escapes has another hash: the same data is still a repeat.
          if (seen.body_hash !== hash && (pushed || !sameChunk(seen, body.data, body.completed === true)))
            throw ChunkIdConflictError({ executionId: id, clientGeneratedId: cgid })
          return { stored: false, completed: body.completed === true }
        }
      }
      if (!hasData && cgid === undefined) {
        if (body.completed === true)
          return { stored: false, completed: await this.completeIn(trx, execution) }
        return { stored: false, completed: false }
      }
      const size = payload === null ? 0 : Buffer.byteLength(payload)
      const reserved = await repo.reserveChunk(trx, id, size)
      if (!reserved) {
        const current = await repo.findById(trx, id)
        throw ExecutionNotIngestingError({ executionId: id, status: current?.status ?? execution.status })
      }
      if (Number(reserved.total_bytes) > this.limits.maxExecutionBytes) {
        throw ExecutionTooLargeError({ executionId: id, limitBytes: this.limits.maxExecutionBytes })
      }
      await repo.insertChunk(trx, {
        execution_id: id,
        seq: Number(reserved.chunk_count),
        client_generated_id: cgid ?? null,
        body_hash: hash,
        payload,
        size,
        created_at: isoNow(this.clock),
      })
      const completed = body.completed === true ? await this.completeIn(trx, execution) : false
      return { stored: true, completed }
    })
    if (outcome.completed) this.runs.notifyEnqueued()
    return outcome
  }

  /**
   * The scheduled push format as a data chunk for the source's mapping (domain/execution/push-objects.ts): 400
   * naming every field the mapping cannot apply; nothing is stored then.
   */
  private async objectsData(
    workspaceId: string,
    importSourceId: string,
    body: ChunkRequest,
  ): Promise<Record<string, unknown>> {
    const problems: FieldProblem[] = []
    if (body.data !== undefined)
      problems.push({ field: 'body.data', message: 'cannot come with objectTypeId and objects in one chunk' })
    if (body.objectTypeId === undefined)
      problems.push({ field: 'body.objectTypeId', message: 'is required with objects' })
    if (body.objects === undefined)
      problems.push({ field: 'body.objects', message: 'is required with objectTypeId' })
    if (problems.length > 0) throw ValidationError({ problems })
    const mapping = await this.sources.mapping(workspaceId, importSourceId)
    if (!mapping || mapping.objectSchemaId === null) throw ExecutionMissingMappingError({ importSourceId })
    const types = await objectSchemaRepository.listTypes(this.db, mapping.objectSchemaId)
    const translated = translateObjects(
      { objectTypeId: body.objectTypeId!, objects: body.objects! },
      mapping.document,
      types.map((t) => ({ id: Number(t.id), externalId: t.external_id })),
    )
    if (!translated.ok) throw ValidationError({ problems: translated.problems })
    return { [objectsRoot(translated.objectTypeExternalId)]: translated.entries }
  }

  /** `history/completed` and `{completed: true}`: ingestion ends, processing is queued. Repeats are harmless. */
  async complete(workspaceId: string, importSourceId: string, id: string): Promise<void> {
    const execution = await this.get(workspaceId, importSourceId, id)
    await this.db.transaction().execute((trx) => this.completeIn(trx, execution))
    this.runs.notifyEnqueued()
  }

  /** INGESTING → PROCESSING and the job that processes it, in the caller's transaction. */
  private async completeIn(trx: Db, execution: Execution): Promise<boolean> {
    const now = isoNow(this.clock)
    const moved = await repo.updateIfStatus(trx, execution.id, ['INGESTING'], {
      status: 'PROCESSING',
      completed_at: now,
    })
    if (!moved) {
      const current = await repo.findById(trx, execution.id)
      if (current && (current.status === 'PROCESSING' || current.status === 'DONE')) return false
      throw ExecutionNotIngestingError({ executionId: execution.id, status: current?.status ?? 'gone' })
    }
    await jobQueue.enqueue(
      trx,
      {
        queue: EXECUTION_QUEUE,
        kind: PROCESS_EXECUTION,
        subject: execution.id,
        payload: { executionId: execution.id },
        runAt: now,
      },
      now,
    )
    return true
  }

  /** The client's own progress, shown in the status while ingesting. */
  async reportProgress(
    workspaceId: string,
    importSourceId: string,
    id: string,
    progress: ClientProgress,
  ): Promise<void> {
    const execution = await this.get(workspaceId, importSourceId, id)
    const ok = await repo.updateIfStatus(this.db, id, ['INGESTING'], {
      client_progress: JSON.stringify(progress),
    })
    if (!ok) throw ExecutionNotIngestingError({ executionId: id, status: execution.status })
  }

  /** `history/failed`: only while ingesting (Assets answers 400 once completion was signalled). */
  async reportFailure(
    workspaceId: string,
    importSourceId: string,
    id: string,
    reason: string,
  ): Promise<void> {
    if (reason.trim() === '') throw FailureReasonInvalidError({ reason: 'must not be blank' })
    if (reason.length > MAX_FAILURE_REASON_LENGTH)
      throw FailureReasonInvalidError({
        reason: `must be at most ${MAX_FAILURE_REASON_LENGTH} characters, got ${reason.length}`,
      })
    const execution = await this.get(workspaceId, importSourceId, id)
    const now = isoNow(this.clock)
    const ok = await repo.updateIfStatus(this.db, id, ['INGESTING'], {
      status: 'FAILED',
      failure_reason: reason,
      finished_at: now,
    })
    if (!ok) throw FailureHistoryNotAllowedError({ executionId: id, status: execution.status })
  }

  /**
   * Cancels while ingesting or processing. A run of this process is aborted and awaited (the engine rolls back);
   * a queued job is cancelled with the execution; a run in another worker process sees the request at its next
   * progress tick.
   */
  async cancel(workspaceId: string, importSourceId: string, id: string): Promise<Execution> {
    const execution = await this.get(workspaceId, importSourceId, id)
    if (execution.status === 'PROCESSING' && (await this.runs.cancel(id))) {
      return this.get(workspaceId, importSourceId, id)
    }
    const now = isoNow(this.clock)
    await this.db.transaction().execute(async (trx) => {
      const ended = { status: 'CANCELLED', finished_at: now }
      // A paused file import holds nothing: it ends at once; so does a held one (as a rejection without reason).
      if (await repo.updateIfStatus(trx, id, ['INGESTING', 'PAUSED', 'HELD'], ended)) return
      if (await jobQueue.cancelPending(trx, id, now)) {
        await repo.updateIfStatus(trx, id, ['PROCESSING'], { status: 'CANCELLED', finished_at: now })
        return
      }
      if (!(await repo.updateIfStatus(trx, id, ['PROCESSING'], { cancel_requested: 1 }))) {
        const current = await repo.findById(trx, id)
        throw ExecutionNotActiveError({ executionId: id, status: current?.status ?? execution.status })
      }
    })
    return this.get(workspaceId, importSourceId, id)
  }

  /** Retention: drops the chunk payloads of executions that finished more than the configured days ago. */
  purgeFinishedChunks(): Promise<number> {
    const cutoff = new Date(this.clock().getTime() - this.limits.chunkRetentionDays * 86_400_000)
    return repo.purgePayloads(this.db, cutoff.toISOString())
  }
}

const isObjectsRoot = (key: string): boolean => key.startsWith(objectsRoot(''))
