/**
 * Plan → apply (docs/plan-apply.md, decision 0008): a dry run of an import source keeps its complete plan (every
 * change, in `plan_change`) and its input (a spool file); the plan is read paged, and applied once — as a new
 * execution that feeds the same input to the engine and verifies that it makes exactly the planned changes
 * (services/plan-apply.ts). Plans expire after INTAKE_PLAN_TTL_HOURS and are purged by the worker.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError } from '../domain/errors.js'
import {
  PlanAlreadyAppliedError,
  PlanDriftError,
  PlanExpiredError,
  PlanMappingChangedError,
  PlanNotAvailableError,
  type DriftedObject,
} from '../domain/execution/plan-errors.js'
import type { Execution } from '../domain/execution/execution.types.js'
import { pageOf, type Page, type PageRequest } from '../domain/paging.js'
import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import { engineSettingsFrom } from '../engine/engine-settings.js'
import type { DataChunk, EngineSettings } from '../engine/engine-types.js'
import type { PlanSink } from '../engine/plan-sink.js'
import type { ImportResult, PlannedChange } from '../engine/result.js'
import { jobQueue } from '../jobs/job-queue.js'
import type { Store } from '../store/create-store.js'
import { executionRepository as repo, type ExecutionRow } from '../store/repositories/execution.repository.js'
import {
  planRepository as plans,
  stampDifference,
  type PlanChangeFilter,
  type PlanRow,
} from '../store/repositories/plan.repository.js'
import type { PlanChangeTable } from '../store/tables.js'
import type { Insertable } from 'kysely'
import type { ExecutionRuns } from './execution-runs.js'
import { NOT_STARTED, startExecutionIn } from './execution-start.js'
import { toExecution } from './execution-view.js'
import { EXECUTION_QUEUE } from './execution.service.js'
import type { ImportSourceService } from './import-source.service.js'
import { PlanDigester, type DescribedChange } from './plan-digest.js'
import {
  CHANGES_FILE,
  INPUT_FILE,
  LineWriter,
  plansDir,
  readLines,
  removeDir,
  teeInput,
} from './plan-spool.js'

/** The job that applies a plan (same queue and worker as the other executions). */
export const PROCESS_PLAN_APPLY = 'process-plan-apply'

/** Drifted objects listed in a 409 or a result (the total is always given). */
export const DRIFT_LIST_LIMIT = 100
/** Rows per batch when loading or checking a plan. */
const BATCH = 500

export type OnDrift = 'fail' | 'replan'

export interface PlanCounts {
  total: number
  /** objectTypeId → operation → count. */
  counts: Record<string, Record<string, number>>
}

export interface PlanChangeView {
  seq: number
  objectTypeId: number
  operation: PlannedChange['operation']
  objectId: number | null
  objectKey: string | null
  identity: string | null
  differences: PlannedChange['differences']
}

export interface PlanView extends Page<PlanChangeView>, PlanCounts {
  executionId: string
  status: 'ready' | 'applied' | 'expired'
  created: string
  expiresAt: string
  appliedExecutionId: string | null
  changes: PlanChangeView[]
}

/** What a dry run was made with: the apply refuses when the source's mapping or settings differ now. */
export interface PlanSnapshot {
  document: NormalizedDocument
  settings: EngineSettings
  mappingVersion: number
  partialRead: boolean
}

/** The job payload of an apply. */
export interface ApplyJob {
  executionId: string
  planExecutionId: string
  onDrift: OnDrift
}

/** One line of a dry run's change spool. */
type SpooledChange = Omit<DescribedChange, 'digest' | 'key'> & { key: string; digest: string }

export class PlanService {
  constructor(
    private readonly store: Store,
    private readonly sources: ImportSourceService,
    private readonly runs: ExecutionRuns,
    private readonly config: { dataDir: string; planTtlHours: number },
    private readonly clock: Clock = systemClock,
  ) {}

  /** The directory of a plan's files. */
  dir(executionId: string): string {
    return path.join(plansDir(this.config.dataDir), executionId)
  }

  /**
   * The recorder of a dry run of an import source (push or pull): tees the engine's input into the plan's input
   * spool and spools every change; `store` loads the complete plan once the run has rolled back.
   */
  async recorder(execution: ExecutionRow, snapshot: PlanSnapshot): Promise<PlanRecorder> {
    const dir = this.dir(execution.id)
    await removeDir(dir)
    await fs.promises.mkdir(dir, { recursive: true })
    return new PlanRecorder(this.store, execution, snapshot, dir, this.clock, this.config.planTtlHours)
  }

  /** The plan of a dry run, a page of its changes at a time. */
  async plan(
    workspaceId: string,
    importSourceId: string,
    executionId: string,
    page: PageRequest,
    filter: PlanChangeFilter,
  ): Promise<PlanView> {
    const { plan } = await this.planOf(workspaceId, importSourceId, executionId)
    const expired = plan.status === 'expired' || plan.expires_at <= isoNow(this.clock)
    const db = this.store.db
    const total = expired ? 0 : await plans.countChanges(db, executionId, filter)
    const rows = expired ? [] : await plans.changes(db, executionId, filter, page.startAt, page.maxResults)
    const changes = rows.map((r) => ({
      seq: Number(r.seq),
      objectTypeId: Number(r.object_type_id),
      operation: r.operation as PlannedChange['operation'],
      objectId: r.object_id === null ? null : Number(r.object_id),
      objectKey: r.object_key,
      identity: r.identity,
      differences: JSON.parse(r.differences) as PlannedChange['differences'],
    }))
    return {
      executionId,
      status: expired && plan.status !== 'applied' ? 'expired' : (plan.status as PlanView['status']),
      created: plan.created_at,
      expiresAt: plan.expires_at,
      appliedExecutionId: plan.applied_execution_id,
      ...pageOf(page, total, changes),
      total,
      counts: JSON.parse(plan.counts) as PlanCounts['counts'],
      changes,
    }
  }

  /**
   * Starts the apply of a plan as a new execution (kind `apply`) after the synchronous checks: the plan exists, is
   * ready and not expired, the source's mapping and settings are those of the plan, and — unless `onDrift` is
   * `replan` — no object the plan touches changed since and no planned identity is taken (409 PLAN_DRIFT).
   */
  async apply(
    workspaceId: string,
    importSourceId: string,
    executionId: string,
    options: { onDrift?: OnDrift; actor?: string } = {},
  ): Promise<Execution> {
    const onDrift = options.onDrift ?? 'fail'
    const { plan } = await this.planOf(workspaceId, importSourceId, executionId)
    const now = isoNow(this.clock)
    if (plan.status === 'applied')
      throw PlanAlreadyAppliedError({ executionId, appliedExecutionId: plan.applied_execution_id })
    if (plan.status === 'expired' || plan.expires_at <= now || plan.input_path === null)
      throw PlanExpiredError({ executionId, expiresAt: plan.expires_at })
    const source = await this.sources.get(workspaceId, importSourceId)
    const mapping = await this.sources.mapping(workspaceId, importSourceId)
    if (
      !mapping ||
      mapping.version !== Number(plan.mapping_version) ||
      JSON.stringify(mapping.document) !== plan.document
    )
      throw PlanMappingChangedError({ executionId, what: 'mapping' })
    if (JSON.stringify(engineSettingsFrom(source.settings)) !== plan.settings)
      throw PlanMappingChangedError({ executionId, what: 'settings' })
    if (onDrift === 'fail') {
      const drift = await this.drift(plan)
      if (drift.total > 0) throw PlanDriftError({ executionId, total: drift.total, drifted: drift.drifted })
    }
    const id = randomUUID()
    await startExecutionIn(this.store, this.sources, workspaceId, importSourceId, async (trx) => {
      const taken = await trx
        .selectFrom('execution')
        .select('id')
        .where('plan_execution_id', '=', executionId)
        .where('status', 'in', ['PROCESSING', 'DONE'])
        .executeTakeFirst()
      if (taken) throw PlanAlreadyAppliedError({ executionId, appliedExecutionId: taken.id })
      await repo.insert(trx, {
        id,
        workspace_id: workspaceId,
        import_source_id: importSourceId,
        kind: 'apply',
        status: 'PROCESSING',
        scheduled: 0,
        dry_run: 0,
        created_at: now,
        ...NOT_STARTED,
        actor: options.actor ?? null,
        plan_execution_id: executionId,
      })
      const payload: ApplyJob = { executionId: id, planExecutionId: executionId, onDrift }
      await jobQueue.enqueue(
        trx,
        { queue: EXECUTION_QUEUE, kind: PROCESS_PLAN_APPLY, subject: id, payload, runAt: now },
        now,
      )
    })
    this.runs.notifyEnqueued()
    const row = await repo.findById(this.store.db, id)
    return toExecution(row!)
  }

  /**
   * The drift of a plan: the existing objects it touches whose state stamp differs now (or that are gone), and the
   * objects of the source and type that now hold an identity the plan creates. The first DRIFT_LIST_LIMIT and the
   * total. Bounded memory: the plan is read BATCH objects at a time.
   */
  async drift(plan: PlanRow): Promise<{ total: number; drifted: DriftedObject[] }> {
    const db = this.store.db
    const drifted: DriftedObject[] = []
    let total = 0
    let after = -1
    for (;;) {
      const touched = await plans.touched(db, plan.execution_id, after, BATCH)
      if (touched.length === 0) break
      after = Number(touched[touched.length - 1]!.object_id)
      const now = await plans.stamps(
        db,
        touched.map((t) => Number(t.object_id)),
      )
      for (const t of touched) {
        const current = now.get(Number(t.object_id))
        if (t.stamp === null || current === t.stamp) continue
        total++
        if (drifted.length < DRIFT_LIST_LIMIT)
          drifted.push({
            objectTypeId: Number(t.object_type_id),
            objectId: Number(t.object_id),
            objectKey: t.object_key,
            identity: t.identity,
            changed: stampDifference(t.stamp, current),
          })
      }
    }
    let seq = 0
    for (;;) {
      const creates = await plans.creates(db, plan.execution_id, seq, BATCH)
      if (creates.length === 0) break
      seq = Number(creates[creates.length - 1]!.seq)
      const byType = new Map<number, string[]>()
      for (const c of creates) {
        if (c.identity === null) continue
        const list = byType.get(Number(c.object_type_id)) ?? []
        list.push(c.identity)
        byType.set(Number(c.object_type_id), list)
      }
      for (const [typeId, identities] of byType) {
        for (const h of await plans.holders(db, plan.import_source_id, typeId, identities)) {
          total++
          if (drifted.length < DRIFT_LIST_LIMIT)
            drifted.push({
              objectTypeId: typeId,
              objectId: Number(h.id),
              objectKey: h.object_key,
              identity: h.identity,
              changed: ['created'],
            })
        }
      }
    }
    return { total, drifted }
  }

  /**
   * Purges the plans past their expiry: their changes and input files go, the row stays (an apply answers 410
   * PLAN_EXPIRED, GET plan says `expired`). Answers how many plans it purged.
   */
  async purgeExpired(): Promise<number> {
    const now = isoNow(this.clock)
    let purged = await this.removeOrphans()
    for (;;) {
      const due = await plans.due(this.store.db, now, 100)
      if (due.length === 0) return purged
      for (const p of due) {
        await removeDir(this.dir(p.execution_id))
        await plans.expire(this.store.db, p.execution_id)
        purged++
      }
    }
  }

  /**
   * Removes spool directories without a plan row older than the plan TTL: a dry run that crashed before storing its
   * plan, or plans whose execution was deleted with its import source.
   */
  private async removeOrphans(): Promise<number> {
    const root = plansDir(this.config.dataDir)
    const names = await fs.promises.readdir(root).catch(() => [] as string[])
    const cutoff = this.clock().getTime() - this.config.planTtlHours * 3_600_000
    let removed = 0
    for (const name of names) {
      const dir = path.join(root, name)
      const stat = await fs.promises.stat(dir).catch(() => null)
      if (!stat?.isDirectory() || stat.mtimeMs > cutoff) continue
      // A dry run still writing its spools (longer than the TTL) touches its files, not its directory.
      const files = await fs.promises.readdir(dir).catch(() => [] as string[])
      const times = await Promise.all(
        files.map((f) =>
          fs.promises.stat(path.join(dir, f)).then(
            (st) => st.mtimeMs,
            () => 0,
          ),
        ),
      )
      if (times.some((t) => t > cutoff)) continue
      if (await plans.find(this.store.db, name)) continue
      await removeDir(dir)
      removed++
    }
    return removed
  }

  /** The execution and its plan; 404 across workspaces and sources, 409 when the execution kept no plan. */
  private async planOf(
    workspaceId: string,
    importSourceId: string,
    executionId: string,
  ): Promise<{ execution: ExecutionRow; plan: PlanRow }> {
    const execution = await repo.find(this.store.db, workspaceId, importSourceId, executionId)
    if (!execution) throw NotFoundError({ entity: 'Execution', id: executionId })
    const plan = await plans.find(this.store.db, executionId)
    if (!plan) {
      const reason =
        execution.dry_run !== 1
          ? 'it is not a dry run'
          : execution.status === 'DONE'
            ? 'it kept no plan'
            : `it is ${execution.status}, not a finished dry run`
      throw PlanNotAvailableError({ executionId, reason })
    }
    return { execution, plan }
  }
}

/**
 * A dry run's plan in the making: `tee` the engine's input, `sink` its changes, then `store` (after the run) or
 * `discard` (when it failed or was cancelled).
 */
export class PlanRecorder {
  readonly #input: LineWriter
  readonly #changes: LineWriter
  readonly #digester = new PlanDigester()
  readonly sink: PlanSink

  constructor(
    private readonly appStore: Store,
    private readonly execution: ExecutionRow,
    private readonly snapshot: PlanSnapshot,
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly ttlHours: number,
  ) {
    this.#input = new LineWriter(path.join(dir, INPUT_FILE), true)
    this.#changes = new LineWriter(path.join(dir, CHANGES_FILE), false)
    this.sink = {
      add: async (typeId, objectId, change) => {
        const d = this.#digester.describe(typeId, objectId, change)
        await this.#changes.write(JSON.stringify(d))
      },
    }
  }

  tee(data: AsyncIterable<DataChunk>): AsyncIterable<DataChunk> {
    return teeInput(data, this.#input)
  }

  /**
   * Loads the spooled changes into `plan_change` with the state stamps of the objects they touch (read now, after
   * the dry run's rollback), stores the plan row, and answers the result with the plan's counts (`planned`).
   */
  async store(
    result: ImportResult,
    readState: string | null = null,
  ): Promise<ImportResult & { planned: PlanCounts }> {
    await this.#input.close()
    await this.#changes.close()
    const executionId = this.execution.id
    const counts: PlanCounts['counts'] = {}
    const now = this.clock()
    const expires = new Date(now.getTime() + this.ttlHours * 3_600_000)
    await this.appStore.db.transaction().execute(async (trx) => {
      await plans.insert(trx, {
        execution_id: executionId,
        workspace_id: this.execution.workspace_id,
        import_source_id: this.execution.import_source_id,
        status: 'ready',
        total: this.#digester.count,
        counts: '{}',
        digest_sum: this.#digester.sum,
        mapping_version: this.snapshot.mappingVersion,
        document: JSON.stringify(this.snapshot.document),
        settings: JSON.stringify(this.snapshot.settings),
        input_path: `${executionId}/${INPUT_FILE}`,
        partial_read: this.snapshot.partialRead ? 1 : 0,
        read_state: readState,
        created_at: now.toISOString(),
        expires_at: expires.toISOString(),
        applied_execution_id: null,
        applied_at: null,
      })
      let seq = 0
      let batch: SpooledChange[] = []
      const flush = async (): Promise<void> => {
        const ids = [...new Set(batch.filter((c) => c.objectId !== null).map((c) => c.objectId!))]
        const stamps = await plans.stamps(trx, ids)
        const rows: Insertable<PlanChangeTable>[] = batch.map((c) => ({
          execution_id: executionId,
          seq: ++seq,
          object_type_id: c.objectTypeId,
          operation: c.operation,
          object_id: c.objectId,
          object_key: c.objectKey,
          identity: c.identity,
          differences: JSON.stringify(c.differences),
          stamp: c.objectId === null ? null : (stamps.get(c.objectId) ?? 'gone'),
          change_key: c.key,
          digest: c.digest,
        }))
        batch = []
        await plans.insertChanges(trx, rows)
      }
      for await (const c of readLines<SpooledChange>(path.join(this.dir, CHANGES_FILE), false)) {
        const type = (counts[String(c.objectTypeId)] ??= {})
        type[c.operation] = (type[c.operation] ?? 0) + 1
        batch.push(c)
        if (batch.length >= BATCH) await flush()
      }
      if (batch.length) await flush()
      await trx
        .updateTable('plan')
        .set({ counts: JSON.stringify(counts) })
        .where('execution_id', '=', executionId)
        .execute()
    })
    await fs.promises.rm(path.join(this.dir, CHANGES_FILE), { force: true })
    return { ...result, planned: { total: this.#digester.count, counts } }
  }

  /** Removes what the recorder wrote (a dry run that failed or was cancelled keeps no plan). */
  async discard(): Promise<void> {
    await Promise.allSettled([this.#input.close(), this.#changes.close()])
    await removeDir(this.dir)
  }
}
