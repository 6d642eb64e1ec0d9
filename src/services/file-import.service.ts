import { randomUUID } from 'node:crypto'
import type { SourceSchema } from '../connectors/connector.js'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import type { AppError } from '../domain/errors.js'
import { NotFoundError, ValidationError } from '../domain/errors.js'
import type { Execution } from '../domain/execution/execution.types.js'
import {
  ConnectionFailedError,
  ImportFileMissingError,
  ImportTransitionError,
} from '../domain/import-source/file-import-errors.js'
import {
  isFileSourceType,
  type ImportSource,
  type ImportSourceType,
} from '../domain/import-source/import-source.types.js'
import { jobQueue } from '../jobs/job-queue.js'
import type { Db, Store } from '../store/create-store.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'
import type { ExecutionRuns } from './execution-runs.js'
import { NOT_STARTED, startExecutionIn } from './execution-start.js'
import { toExecution } from './execution-view.js'
import { EXECUTION_QUEUE } from './execution.service.js'
import type { ConnectionCheck } from '../connectors/connector.js'
import { withPath, type ConnectorCatalog } from './file-connectors.js'
import type { ImportFileInfo, ImportFileService } from './import-file.service.js'
import type { ImportSourceService } from './import-source.service.js'
import { preparePullSource, pullSourceOf, type PullSourceDeps } from './pull-source.js'

/** The job that runs a pull import: any connector, file or connection (same queue and worker as push executions). */
export const PROCESS_FILE_IMPORT = 'process-file-import'

export interface DiscoverOptions {
  sampleSize?: number
  generate?: boolean
  objectTypeName?: string
  objectSchemaName?: string
}

export interface Discovery {
  importSourceId: string
  type: ImportSourceType
  /** The file a file source's discovery read; absent for connection sources (database, directory, REST). */
  file?: ImportFileInfo
  schema: SourceSchema
  /** The proposed schema + mapping document (with `generate`), ready for PUT …/mapping. */
  document?: Record<string, unknown>
}

const EXTERNAL_ID_KEYS = new Set([
  'externalId',
  'objectTypeExternalId',
  'attributeExternalId',
  'referenceObjectTypeExternalId',
])

/**
 * Prefixes every externalId of a proposed document with one of the source: externalIds are unique per workspace,
 * and two sources whose files have the same columns would otherwise propose the same ones.
 */
export function scopeExternalIds(value: unknown, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((v) => scopeExternalIds(v, prefix))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      EXTERNAL_ID_KEYS.has(key) && typeof v === 'string' && !v.startsWith(prefix)
        ? `${prefix}${v}`
        : scopeExternalIds(v, prefix),
    ]),
  )
}

/** Statuses of the progress resource (seed 000) a transition names in its 409. */
function progressStatus(e: Execution): string {
  if (e.status === 'PROCESSING') return e.progress === null ? 'PENDING' : 'IN_PROGRESS'
  if (e.status === 'DONE') return 'COMPLETED'
  return e.status
}

/**
 * Pull imports — every source a connector reads, file (CSV, JSON, XLSX) or connection (SQL, LDAP, REST): the
 * connection test, discovery, start (`import/start`), and the progress resource's pause, resume and cancel. The
 * run itself is a job the worker processes (file-import-processor.ts).
 */
export class FileImportService {
  constructor(
    private readonly store: Store,
    private readonly sources: ImportSourceService,
    private readonly files: ImportFileService,
    private readonly runs: ExecutionRuns,
    private readonly connectors: ConnectorCatalog,
    private readonly clock: Clock = systemClock,
    /** INTAKE_DISCOVER_MAX_SAMPLE_SIZE: the largest `sampleSize` a discovery may ask for. */
    private readonly maxSampleSize = 1_000,
  ) {}

  private get db(): Db {
    return this.store.db
  }

  private get pull(): PullSourceDeps {
    return { sources: this.sources, files: this.files, connectors: this.connectors }
  }

  /**
   * `POST importsource/{id}/test`: the connector's connection check (the file is there and readable; the server
   * answers, the credentials are accepted, the table or base DN exists). Problems are answers, not errors:
   * `{ ok: false, code, message }` with a message a user can act on.
   */
  async test(workspaceId: string, id: string): Promise<ConnectionCheck> {
    await pullSourceOf(this.pull, workspaceId, id)
    let prepared
    try {
      prepared = await preparePullSource(this.pull, workspaceId, id)
    } catch (error) {
      if (ImportFileMissingError.is(error)) return { ok: false, code: 'FILE_MISSING', message: error.message }
      throw error
    }
    return prepared.connector.testConnection(prepared.config, AbortSignal.timeout(60_000))
  }

  /** The connector's schema discovery on the source; with `generate` also the proposed document. */
  async discover(workspaceId: string, id: string, options: DiscoverOptions = {}): Promise<Discovery> {
    const sampleSize = options.sampleSize ?? Math.min(100, this.maxSampleSize)
    if (sampleSize > this.maxSampleSize) {
      throw ValidationError({
        problems: [
          {
            field: 'querystring.sampleSize',
            message: `must be at most ${this.maxSampleSize} (INTAKE_DISCOVER_MAX_SAMPLE_SIZE)`,
            value: sampleSize,
          },
        ],
      })
    }
    const { source, connector, config, file } = await preparePullSource(this.pull, workspaceId, id)
    const signal = AbortSignal.timeout(120_000)
    const check = await connector.testConnection(config, signal)
    if (!check.ok)
      throw ConnectionFailedError({ importSourceId: id, reason: check.message, cause: check.code })
    const schema = await connector.discoverSchema(config, { sampleSize, signal })
    const discovery: Discovery = {
      importSourceId: id,
      type: source.type,
      ...(file !== null && { file: file.info }),
      schema,
    }
    if (options.generate) {
      const document = this.connectors.generateDocument(schema, {
        objectTypeName: options.objectTypeName ?? source.name,
        objectSchemaName: options.objectSchemaName ?? source.name,
      })
      discovery.document = scopeExternalIds(document, `source-${id.slice(0, 8)}/`) as Record<string, unknown>
    }
    return discovery
  }

  /**
   * The header of a tabular source's file (CSV, XLSX) — what its mapping's locators must name — or null when that is
   * not known: not a tabular source, no file yet, or a file that cannot be read now (the run reports it then).
   */
  async columns(workspaceId: string, source: ImportSource): Promise<string[] | null> {
    if (source.type !== 'csv' && source.type !== 'xlsx') return null
    try {
      const file = await this.files.resolve(workspaceId, source.id)
      const connector = this.connectors.connector(source.type)
      const config = withPath(connector, source.config, file.path)
      const signal = AbortSignal.timeout(30_000)
      if (!(await connector.testConnection(config, signal)).ok) return null
      const schema = await connector.discoverSchema(config, { sampleSize: 1, signal })
      return schema.roots[0]?.fields.map((f) => f.name) ?? null
    } catch {
      return null
    }
  }

  /**
   * `import/start`: a new pull execution, queued for the worker (PENDING until it is taken). 409 IN_PROGRESS
   * while the source has an execution running or paused, MISSING_MAPPING, DISABLED, or (file sources)
   * IMPORT_FILE_MISSING.
   */
  async start(
    workspaceId: string,
    importSourceId: string,
    options: {
      actor?: string
      fullRead?: boolean
      scheduled?: boolean
      executionId?: string
      dryRun?: boolean
    } = {},
  ): Promise<Execution> {
    const source = await pullSourceOf(this.pull, workspaceId, importSourceId)
    const id = options.executionId ?? randomUUID()
    const now = isoNow(this.clock)
    await startExecutionIn(this.store, this.sources, workspaceId, importSourceId, async (trx) => {
      const file =
        !isFileSourceType(source.type) ||
        (await trx
          .selectFrom('import_source_file')
          .select('import_source_id')
          .where('import_source_id', '=', importSourceId)
          .executeTakeFirst())
      if (!file) throw ImportFileMissingError({ importSourceId })
      await repo.insert(trx, {
        id,
        workspace_id: workspaceId,
        import_source_id: importSourceId,
        kind: 'file',
        status: 'PROCESSING',
        scheduled: options.scheduled ? 1 : 0,
        dry_run: options.dryRun === true ? 1 : 0,
        created_at: now,
        ...NOT_STARTED,
        actor: options.actor ?? null,
        full_read: options.fullRead === true ? 1 : 0,
      })
      await this.enqueue(trx, id, now)
    })
    this.runs.notifyEnqueued()
    return this.get(workspaceId, id)
  }

  /** The execution behind a progress resource (its id is the execution's), with live progress of a local run. */
  async get(workspaceId: string, id: string): Promise<Execution> {
    const row = await repo.findInWorkspace(this.db, workspaceId, id)
    if (!row) throw NotFoundError({ entity: 'Import progress', id })
    const execution = toExecution(row)
    const live = execution.status === 'PROCESSING' ? this.runs.progress(id) : null
    return live ? { ...execution, progress: live } : execution
  }

  /**
   * PENDING or IN_PROGRESS → PAUSED. The engine's transaction is rolled back (nothing written, nothing held open);
   * resume reads the source again from its beginning.
   */
  async pause(workspaceId: string, id: string): Promise<Execution> {
    const execution = await this.fileExecution(workspaceId, id)
    if (execution.status !== 'PROCESSING') throw this.refused(execution, 'paused')
    if (await this.runs.cancel(id, 30_000, 'pause')) return this.settled(workspaceId, id, 'PAUSED', 'paused')
    const now = isoNow(this.clock)
    const moved = await this.db.transaction().execute(async (trx) => {
      await jobQueue.cancelPending(trx, id, now)
      // A run in another worker process sees PAUSED at its next progress tick and rolls back.
      return repo.updateIfStatus(trx, id, ['PROCESSING'], { status: 'PAUSED', progress: null })
    })
    if (!moved) throw this.refused(await this.get(workspaceId, id), 'paused')
    return this.get(workspaceId, id)
  }

  /** PAUSED → PENDING: a new job reads the source from its beginning. */
  async resume(workspaceId: string, id: string): Promise<Execution> {
    const execution = await this.fileExecution(workspaceId, id)
    if (execution.status !== 'PAUSED') throw this.refused(execution, 'resumed')
    const now = isoNow(this.clock)
    const moved = await this.db.transaction().execute(async (trx) => {
      const ok = await repo.updateIfStatus(trx, id, ['PAUSED'], {
        status: 'PROCESSING',
        progress: null,
        cancel_requested: 0,
      })
      if (ok) await this.enqueue(trx, id, now)
      return ok
    })
    if (!moved) throw this.refused(await this.get(workspaceId, id), 'resumed')
    this.runs.notifyEnqueued()
    return this.get(workspaceId, id)
  }

  /** PENDING, IN_PROGRESS, PAUSED or HELD → CANCELLED; nothing of the import is written. */
  async cancel(workspaceId: string, id: string): Promise<Execution> {
    const execution = await this.fileExecution(workspaceId, id)
    // HELD (mass-delete guard; PAUSED in the progress resource) ends like a paused one: nothing runs.
    if (execution.status !== 'PROCESSING' && execution.status !== 'PAUSED' && execution.status !== 'HELD')
      throw this.refused(execution, 'cancelled')
    if (execution.status === 'PROCESSING' && (await this.runs.cancel(id, 30_000, 'cancel'))) {
      return this.settled(workspaceId, id, 'CANCELLED', 'cancelled')
    }
    const now = isoNow(this.clock)
    const ended = { status: 'CANCELLED', finished_at: now } as const
    const done = await this.db.transaction().execute(async (trx) => {
      if (await repo.updateIfStatus(trx, id, ['PAUSED', 'HELD'], ended)) return true
      if (await jobQueue.cancelPending(trx, id, now))
        return repo.updateIfStatus(trx, id, ['PROCESSING'], ended)
      // Running in another worker process: it sees the request at its next progress tick.
      return repo.updateIfStatus(trx, id, ['PROCESSING'], { cancel_requested: 1 })
    })
    if (!done) throw this.refused(await this.get(workspaceId, id), 'cancelled')
    return this.get(workspaceId, id)
  }

  /** After a local run stopped: the expected status, or 409 when the run ended otherwise (it had just finished). */
  private async settled(
    workspaceId: string,
    id: string,
    expected: string,
    action: string,
  ): Promise<Execution> {
    const after = await this.get(workspaceId, id)
    if (after.status !== expected) throw this.refused(after, action)
    return after
  }

  private async fileExecution(workspaceId: string, id: string): Promise<Execution> {
    const execution = await this.get(workspaceId, id)
    if (execution.kind !== 'file') {
      throw ImportTransitionError({
        executionId: id,
        status: execution.status,
        action: `changed here (${execution.kind === 'upload' ? 'an upload job' : 'a push execution'})`,
      })
    }
    return execution
  }

  private refused(execution: Execution, action: string): AppError {
    return ImportTransitionError({ executionId: execution.id, status: progressStatus(execution), action })
  }

  private enqueue(trx: Db, executionId: string, now: string): Promise<string> {
    return jobQueue.enqueue(
      trx,
      {
        queue: EXECUTION_QUEUE,
        kind: PROCESS_FILE_IMPORT,
        subject: executionId,
        payload: { executionId },
        runAt: now,
      },
      now,
    )
  }
}
