import { randomUUID } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError } from '../domain/errors.js'
import { ExecutionInProgressError } from '../domain/execution/execution-errors.js'
import { ACTIVE_STATUSES, type Execution } from '../domain/execution/execution.types.js'
import { DEFAULT_SETTINGS } from '../domain/import-source/import-source.types.js'
import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import { pageOf, type Page, type PageRequest } from '../domain/paging.js'
import type { ObjectTypeDef } from '../domain/schema/types.js'
import { localeReader } from '../domain/upload-job/locale-values.js'
import {
  EntityAmbiguousError,
  UploadFileEmptyError,
  UploadTypeMismatchError,
} from '../domain/upload-job/upload-job-errors.js'
import type {
  UploadColumn,
  UploadFileType,
  UploadJobStatus,
  UploadRequest,
} from '../domain/upload-job/upload-job.types.js'
import { planUpload } from '../domain/upload-job/upload-plan.js'
import { uploadRowPreparer } from '../domain/upload-job/upload-rows.js'
import { engineSettingsFrom } from '../engine/engine-settings.js'
import type { TypeResult } from '../engine/result.js'
import { jobQueue } from '../jobs/job-queue.js'
import type { Store } from '../store/create-store.js'
import { executionRepository as repo, type ExecutionRow } from '../store/repositories/execution.repository.js'
import { uploadJobRepository as uploads } from '../store/repositories/upload-job.repository.js'
import { workspaceRepository } from '../store/repositories/workspace.repository.js'
import type { ExecutionRuns } from './execution-runs.js'
import { NOT_STARTED } from './execution-start.js'
import { toExecution } from './execution-view.js'
import { EXECUTION_QUEUE } from './execution.service.js'
import { withPath, type ConnectorCatalog } from './file-connectors.js'
import type { FileRun } from './file-import-processor.js'
import { writeLimited } from './import-file.service.js'
import type { ImportSourceService } from './import-source.service.js'
import type { ObjectSchemaService } from './object-schema.service.js'

/** The job that imports an upload (same queue, worker and processor as file imports). */
export const PROCESS_UPLOAD_JOB = 'process-upload-job'

/** An upload streamed to disk, before its request is checked. */
export interface StoredUpload {
  /** The job id the upload will have. */
  id: string
  file: string
  size: number
  name: string
}

export interface UploadOptions {
  type: UploadFileType
  mapping: Record<string, unknown>
  locale: string | null
  timezoneOffset: number | null
  domain: string | null
  version: string | null
  actor: string | null
}

/** One failed row of an upload: where (row and column), what (property, value) and why. */
export interface FailedRow {
  /** The row of the file (the header is row 1); null for a problem of the whole file. */
  row: number | null
  column: number | null
  property: string | null
  value: string | null
  code: string
  reason: string
}

export interface UploadOutcome {
  importedCount: number
  failedCount: number
  created: number
  updated: number
  unchanged: number
  /** Rows repeating the identity of an earlier row: the first wins, these are ignored. */
  duplicateRows: number
  /** What concerns no single row, such as a mapped column that was empty in every row. */
  warnings: { code: string; property: string | null; message: string }[]
}

interface UploadWarning {
  code: string
  attribute: string | null
  message: string
}

/** Warnings a job answers at most (they are per column, so few). */
const MAX_WARNINGS = 100

export interface UploadJob {
  id: string
  entity: number
  status: UploadJobStatus
  execution: Execution
  request: UploadRequest
  columns: UploadColumn[]
  lastHeartbeat: string | null
  outcome: UploadOutcome | null
  failed: Page<FailedRow>
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const UPLOAD_SOURCE_DESCRIPTION =
  'Owns the objects that spreadsheet uploads (POST /api/v1/entities/:entity/import) create in this object type.'

/** The 1-based data row of a location `rows[i]` (the header is row 1); null for other locations. */
function rowOf(location: string): number | null {
  const m = /^rows\[(\d+)\]$/.exec(location)
  if (m) return Number(m[1]) + 2
  const line = /^line (\d+)$/.exec(location)
  return line ? Number(line[1]) : null
}

/**
 * Spreadsheet upload jobs (seed 004): a thin front door on file imports. Each upload is an execution (kind
 * `upload`) of the import source that owns the uploaded-to object type's uploaded objects, with its own file and a
 * mapping document made from its column mapping; the worker runs it through the file import processor.
 */
export class UploadJobService {
  constructor(
    private readonly store: Store,
    private readonly sources: ImportSourceService,
    private readonly schemas: ObjectSchemaService,
    private readonly runs: ExecutionRuns,
    private readonly connectors: ConnectorCatalog,
    private readonly limits: { dataDir: string; maxUploadBytes: number },
    private readonly clock: Clock = systemClock,
  ) {}

  get maxUploadBytes(): number {
    return this.limits.maxUploadBytes
  }

  /**
   * The workspace a request targets: the token's. A `domain`, when given, must name it (by id, or by name ignoring
   * case); any other domain is 404, as another workspace's path is.
   */
  async workspace(tokenWorkspaceId: string, domain: string | undefined): Promise<string> {
    const wanted = domain?.trim() ?? ''
    if (wanted === '' || wanted === tokenWorkspaceId) return tokenWorkspaceId
    const workspace = await workspaceRepository.find(this.store.db, tokenWorkspaceId)
    if (workspace?.name.toLowerCase() !== wanted.toLowerCase())
      throw NotFoundError({ entity: 'Domain', id: wanted })
    return tokenWorkspaceId
  }

  /** The object type `:entity` names: by id, else by name (ignoring case); 404, or 400 when a name is ambiguous. */
  async entity(workspaceId: string, entity: string): Promise<ObjectTypeDef> {
    const found = await uploads.typesNamed(this.store.db, workspaceId, entity)
    const byId = found.find((t) => String(t.id) === entity)
    const chosen = byId ?? (found.length === 1 ? found[0] : undefined)
    if (!chosen && found.length > 1)
      throw EntityAmbiguousError({ entity, objectTypeIds: found.map((t) => Number(t.id)) })
    if (!chosen) throw NotFoundError({ entity: 'Entity', id: entity })
    return this.schemas.getType(workspaceId, Number(chosen.id))
  }

  /** Streams an upload to a new file under `INTAKE_DATA_DIR/uploads/jobs/`; 413 past INTAKE_MAX_UPLOAD_BYTES. */
  async receive(body: Readable, name: string | null): Promise<StoredUpload> {
    await fsp.mkdir(this.jobsDir(), { recursive: true })
    const id = randomUUID()
    const file = path.join(this.jobsDir(), `${id}.upload`)
    const size = await writeLimited(body, file, this.limits.maxUploadBytes)
    return { id, file, size, name: path.basename((name ?? '').replace(/\\/g, '/')) || 'upload' }
  }

  async discard(upload: StoredUpload): Promise<void> {
    await fsp.rm(upload.file, { force: true })
  }

  /**
   * Checks the upload against its request — the file's content matches `type`, it has a header, the mapping names
   * existing columns and properties and the identity column — and queues the job. 409 while another upload of the
   * entity is queued or running. The file is removed when the upload is refused.
   */
  async accept(
    workspaceId: string,
    type: ObjectTypeDef,
    upload: StoredUpload,
    options: UploadOptions,
  ): Promise<UploadJob> {
    try {
      return await this.queue(workspaceId, type, upload, options)
    } catch (error) {
      await this.discard(upload)
      throw error
    }
  }

  private async queue(
    workspaceId: string,
    type: ObjectTypeDef,
    upload: StoredUpload,
    options: UploadOptions,
  ): Promise<UploadJob> {
    if (upload.size === 0) throw UploadFileEmptyError({})
    await checkContent(upload.file, options.type)
    const sourceId = await uploads.sourceOf(this.store.db, type.id)
    if (sourceId) await this.assertIdle(sourceId)
    const connector = this.connectors.connector(options.type)
    const header = await connector.discoverSchema(withPath(connector, {}, upload.file), {
      sampleSize: 1,
      signal: AbortSignal.timeout(60_000),
    })
    const schema = await this.schemas.getSchema(workspaceId, type.objectSchemaId)
    const plan = planUpload({
      type,
      schemaName: schema.name,
      attributes: await this.schemas.listAttributes(workspaceId, type.id),
      header: (header.roots[0]?.fields ?? []).map((f) => f.name),
      mapping: options.mapping,
    })
    const request: UploadRequest = {
      type: options.type,
      fileName: upload.name,
      size: upload.size,
      mapping: Object.fromEntries(Object.entries(options.mapping).map(([k, v]) => [k, String(v)])),
      locale: options.locale,
      timezoneOffset: options.timezoneOffset,
      domain: options.domain,
      version: options.version,
    }
    const stored = `${upload.id}.${options.type}`
    await fsp.rename(upload.file, path.join(this.jobsDir(), stored))
    upload.file = path.join(this.jobsDir(), stored)
    const now = isoNow(this.clock)
    await this.store.db.transaction().execute(async (trx) => {
      let source = await uploads.sourceOf(trx, type.id)
      if (!source) {
        source = (
          await this.sources.in(trx).create(workspaceId, {
            name: `Uploads: ${type.name} (object type ${type.id})`,
            description: UPLOAD_SOURCE_DESCRIPTION,
            type: options.type,
          })
        ).id
        await uploads.insertSource(trx, type.id, source)
      }
      let lock = trx.selectFrom('import_source').select('id').where('id', '=', source)
      if (this.store.caps.supportsSkipLocked) lock = lock.forUpdate()
      await lock.execute()
      const active = await repo.active(trx, source, ACTIVE_STATUSES)
      if (active) throw ExecutionInProgressError({ importSourceId: source, executionId: active.id })
      await repo.insert(trx, {
        id: upload.id,
        workspace_id: workspaceId,
        import_source_id: source,
        kind: 'upload',
        status: 'PROCESSING',
        scheduled: 0,
        dry_run: 0,
        created_at: now,
        ...NOT_STARTED,
        actor: options.actor,
      })
      await uploads.insert(trx, {
        execution_id: upload.id,
        object_type_id: type.id,
        object_schema_id: type.objectSchemaId,
        file_path: stored,
        request: JSON.stringify(request),
        columns: JSON.stringify(plan.columns),
        document: JSON.stringify(plan.document),
      })
      await jobQueue.enqueue(
        trx,
        {
          queue: EXECUTION_QUEUE,
          kind: PROCESS_UPLOAD_JOB,
          subject: upload.id,
          payload: { executionId: upload.id },
          runAt: now,
        },
        now,
      )
    })
    this.runs.notifyEnqueued()
    return this.get(workspaceId, upload.id, { startAt: 0, maxResults: 100 })
  }

  /** The job with a page of its failed rows; 404 for an unknown id (or one of another workspace). */
  async get(workspaceId: string, id: string, page: PageRequest): Promise<UploadJob> {
    const db = this.store.db
    const [row, job] = await Promise.all([repo.findInWorkspace(db, workspaceId, id), uploads.find(db, id)])
    if (!row || !job) throw NotFoundError({ entity: 'Job', id })
    const live = row.status === 'PROCESSING' ? this.runs.progress(id) : null
    const execution = live ? { ...toExecution(row), progress: live } : toExecution(row)
    const columns = JSON.parse(job.columns) as UploadColumn[]
    const heartbeat = await db
      .selectFrom('job')
      .select(['heartbeat_at', 'state'])
      .where('subject', '=', id)
      .orderBy('created_at', 'desc')
      .executeTakeFirst()
    const [problems, total, failedCount, warnings] = await Promise.all([
      uploads.rowProblems(db, id, page.startAt, page.maxResults),
      uploads.countRowProblems(db, id),
      uploads.countFailedRows(db, id),
      uploads.warnings(db, id, MAX_WARNINGS),
    ])
    const byAttribute = new Map(columns.map((c) => [c.attribute, c.index]))
    const failed = problems.map((p): FailedRow => ({
      row: rowOf(p.location),
      column: p.attribute === null ? null : (byAttribute.get(p.attribute) ?? null),
      property: p.attribute,
      value: p.value,
      code: p.code,
      reason: p.message,
    }))
    return {
      id,
      entity: Number(job.object_type_id),
      status: jobStatus(execution),
      execution,
      request: JSON.parse(job.request) as UploadRequest,
      columns,
      // A run of this process is alive while it reports progress (on SQLite the queue's heartbeat pauses meanwhile).
      lastHeartbeat: live ? isoNow(this.clock) : (heartbeat?.heartbeat_at ?? null),
      // A FAILED run that read its rows (none became an object) has a result too: its counts are answered.
      outcome:
        row.status === 'DONE' || (row.status === 'FAILED' && execution.result !== null)
          ? outcomeOf(execution.result, failedCount, warnings)
          : null,
      failed: pageOf(page, total, failed),
    }
  }

  /** Step 1 of an upload's run (the file import processor's `resolve`): its file, connector and mapping. */
  async run(execution: ExecutionRow): Promise<FileRun> {
    const job = await uploads.find(this.store.db, execution.id)
    if (!job) throw new Error(`Upload job ${execution.id} has no request`)
    const request = JSON.parse(job.request) as UploadRequest
    const file = path.join(this.jobsDir(), job.file_path)
    const stat = await fsp.stat(file).catch(() => null)
    if (!stat?.isFile()) throw new Error(`The uploaded file of job ${execution.id} is gone`)
    const connector = this.connectors.connector(request.type)
    const columns = JSON.parse(job.columns) as UploadColumn[]
    return {
      type: request.type,
      connector,
      config: withPath(connector, {}, file),
      file: { name: request.fileName, size: stat.size },
      what: request.fileName,
      // An upload reads its whole file every time: no read state.
      incremental: false,
      objectSchemaId: Number(job.object_schema_id),
      document: JSON.parse(job.document) as NormalizedDocument,
      // A bad value skips its row (reported), so that a row is imported whole or not at all.
      settings: engineSettingsFrom(DEFAULT_SETTINGS, 'SKIP_ENTRY'),
      prepareRows: uploadRowPreparer(
        columns,
        request.locale === null ? null : localeReader(request.locale),
        request.timezoneOffset,
      ),
    }
  }

  /** Removes the file of a job that has ended (kept while the job may still run). */
  async cleanup(executionId: string): Promise<void> {
    const db = this.store.db
    const [row, job] = await Promise.all([repo.findById(db, executionId), uploads.find(db, executionId)])
    if (!row || !job || row.status === 'PROCESSING') return
    await fsp.rm(path.join(this.jobsDir(), job.file_path), { force: true })
  }

  private async assertIdle(sourceId: string): Promise<void> {
    const active = await repo.active(this.store.db, sourceId, ACTIVE_STATUSES)
    if (active) throw ExecutionInProgressError({ importSourceId: sourceId, executionId: active.id })
  }

  private jobsDir(): string {
    return path.join(this.limits.dataDir, 'uploads', 'jobs')
  }
}

function jobStatus(e: Execution): UploadJobStatus {
  switch (e.status) {
    case 'DONE':
      return 'COMPLETED'
    case 'FAILED':
      return 'FAILED'
    case 'CANCELLED':
      return 'CANCELLED'
    default:
      return e.status === 'PROCESSING' && e.progress !== null ? 'RUNNING' : 'QUEUED'
  }
}

function outcomeOf(
  result: Record<string, unknown> | null,
  failedCount: number,
  warnings: UploadWarning[],
): UploadOutcome {
  const types = Object.values((result?.objectTypeResultMap ?? {}) as Record<string, TypeResult>)
  const sum = (f: (t: TypeResult) => number) => types.reduce((n, t) => n + f(t), 0)
  const created = sum((t) => t.objectsCreated)
  const updated = sum((t) => t.objectsUpdated)
  const unchanged = sum((t) => t.objectsIdentical)
  return {
    importedCount: created + updated + unchanged,
    failedCount,
    created,
    updated,
    unchanged,
    duplicateRows: sum((t) => t.duplicateEnries),
    warnings: warnings.map((w) => ({ code: w.code, property: w.attribute, message: w.message })),
  }
}

/** The file's first bytes against `type`: an XLSX workbook is a zip archive, a CSV file is text. */
async function checkContent(file: string, type: UploadFileType): Promise<void> {
  const handle = await fsp.open(file, 'r')
  const head = Buffer.alloc(512)
  let n: number
  try {
    n = (await handle.read(head, 0, head.length, 0)).bytesRead
  } finally {
    await handle.close()
  }
  const zip = n >= 4 && head.subarray(0, 4).equals(ZIP_MAGIC)
  if (type === 'xlsx' && !zip)
    throw UploadTypeMismatchError({ type, reason: 'it is not a zip archive, as every XLSX workbook is' })
  if (type === 'csv' && zip)
    throw UploadTypeMismatchError({ type, reason: 'it is a zip archive (an XLSX workbook?), not text' })
  if (type === 'csv' && head.subarray(0, n).includes(0))
    throw UploadTypeMismatchError({ type, reason: 'it holds binary data (NUL bytes), not UTF-8 text' })
}
