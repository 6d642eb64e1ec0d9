/**
 * The `process-plan-apply` job: applies a stored plan. It feeds the plan's spooled input (not a new read of the
 * source) to the engine with the plan's mapping and settings, for real, in one transaction with the usual change
 * log (so the apply is itself revertible), and verifies before the commit that the changes it made are exactly the
 * plan's: equal counts and digest sums, else the per-change difference (the apply's digests are staged in
 * `plan_apply_change` inside the transaction and compared with `plan_change` by key and digest). A difference rolls
 * everything back and ends the execution FAILED with PLAN_DRIFT and the drifted changes as its problems — unless the
 * apply was started with `onDrift: replan`, which commits what the input gives now and reports the difference.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import type { DataChunk, EngineSettings } from '../engine/engine-types.js'
import { ImportCancelled, runImport } from '../engine/run-import.js'
import { jobQueue } from '../jobs/job-queue.js'
import type { JobHandler } from '../jobs/worker.js'
import type { Db, Store } from '../store/create-store.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'
import { planRepository as plans } from '../store/repositories/plan.repository.js'
import { readStateRepository } from '../store/repositories/read-state.repository.js'
import { enginePorts } from './engine-ports.js'
import {
  committingStore,
  engineOutcome,
  executionToRun,
  jobFinisher,
  LostJob,
  watchRun,
} from './execution-job.js'
import type { ExecutionRuns } from './execution-runs.js'
import { PlanDigester } from './plan-digest.js'
import { LineWriter, plansDir, readLines } from './plan-spool.js'
import { DRIFT_LIST_LIMIT, type ApplyJob } from './plan.service.js'

/** Staged digests per insert. */
const STAGE_ROWS = 300

export interface PlanApplyDeps {
  store: Store
  engineStore: Store
  runs: ExecutionRuns
  dataDir: string
  clock?: Clock
}

/** One difference between a plan and its apply. */
export interface PlanDifference {
  changeKey: string
  /** `planned` (in the plan, not made), `unplanned` (made, not in the plan) or `different` (made otherwise). */
  kind: 'planned' | 'unplanned' | 'different'
  objectTypeId: number | null
  objectId: number | null
  objectKey: string | null
  identity: string | null
}

export interface PlanDriftReport {
  total: number
  differences: PlanDifference[]
}

class PlanDriftDetected extends Error {
  constructor(readonly report: PlanDriftReport) {
    super(`PLAN_DRIFT: ${report.total} changes differ from the plan`)
  }
}

/** The difference between a plan's changes and the apply's digests staged for `applyId` (both in `db`). */
async function difference(db: Db, planId: string, applyId: string): Promise<PlanDriftReport> {
  const planned = await sql<{
    change_key: string
    object_type_id: number
    object_id: number | null
    object_key: string | null
    identity: string | null
    other: string | null
  }>`
    select p.change_key, p.object_type_id, p.object_id, p.object_key, p.identity, a.digest as other
    from plan_change p
    left join plan_apply_change a on a.execution_id = ${applyId} and a.change_key = p.change_key
    where p.execution_id = ${planId} and (a.digest is null or a.digest <> p.digest)
    order by p.seq`.execute(db)
  const unplanned = await sql<{ change_key: string }>`
    select a.change_key from plan_apply_change a
    where a.execution_id = ${applyId} and not exists (
      select 1 from plan_change p where p.execution_id = ${planId} and p.change_key = a.change_key)
    order by a.change_key`.execute(db)
  const differences: PlanDifference[] = []
  for (const r of planned.rows)
    differences.push({
      changeKey: r.change_key,
      kind: r.other === null ? 'planned' : 'different',
      objectTypeId: Number(r.object_type_id),
      objectId: r.object_id === null ? null : Number(r.object_id),
      objectKey: r.object_key,
      identity: r.identity,
    })
  for (const r of unplanned.rows) {
    const [, type, subject] = r.change_key.split('|')
    const id = subject?.startsWith('id:') ? Number(subject.slice(3)) : null
    differences.push({
      changeKey: r.change_key,
      kind: 'unplanned',
      objectTypeId: type === undefined ? null : Number(type),
      objectId: id,
      objectKey: null,
      identity: subject?.startsWith('new:') ? subject.split(':').slice(2).join(':') : null,
    })
  }
  return { total: differences.length, differences: differences.slice(0, DRIFT_LIST_LIMIT) }
}

export function processPlanApply(deps: PlanApplyDeps): JobHandler {
  const clock = deps.clock ?? systemClock
  const db = deps.store.db
  const finish = jobFinisher(db, clock)

  return async (job, ctx) => {
    const executionId = job.subject ?? ''
    const execution = await executionToRun(db, clock, finish, job, ctx, 'import')
    if (!execution) return
    const { planExecutionId, onDrift } = JSON.parse(job.payload) as ApplyJob
    const plan = await plans.find(db, planExecutionId)
    if (!plan || plan.input_path === null || plan.status !== 'ready') {
      const reason = `PLAN_NOT_AVAILABLE: the plan of execution ${planExecutionId} is ${plan?.status ?? 'gone'}`
      return finish(job, ctx, 'failed', { status: 'FAILED', failure_reason: reason }, reason)
    }
    await repo.updateIfStatus(db, executionId, ['PROCESSING'], { started_at: isoNow(clock) })

    const stagedFile = path.join(plansDir(deps.dataDir), planExecutionId, `apply-${executionId}.ndjson`)
    const staged = new LineWriter(stagedFile, false)
    const digester = new PlanDigester()
    let drift: PlanDriftReport = { total: 0, differences: [] }
    const engineStore = committingStore(deps.engineStore, clock, job, ctx, async (tx) => {
      await staged.close()
      if (digester.count !== Number(plan.total) || digester.sum !== plan.digest_sum) {
        let rows: [string, string, string][] = []
        const flush = async (): Promise<void> => {
          if (rows.length)
            await tx.db
              .insertInto('plan_apply_change')
              .values(rows.map(([e, k, d]) => ({ execution_id: e, change_key: k, digest: d })))
              .execute()
          rows = []
        }
        for await (const [k, d] of readLines<[string, string]>(stagedFile, false)) {
          rows.push([executionId, k, d])
          if (rows.length >= STAGE_ROWS) await flush()
        }
        await flush()
        drift = await difference(tx.db, planExecutionId, executionId)
        await tx.db.deleteFrom('plan_apply_change').where('execution_id', '=', executionId).execute()
        // Equal keys and digests but other counts or sums: a change repeated. Still not the plan.
        if (drift.total === 0) drift = { total: 1, differences: [] }
        if (onDrift === 'fail') throw new PlanDriftDetected(drift)
      }
      if (!(await plans.markApplied(tx.db, planExecutionId, executionId, isoNow(clock))))
        throw new PlanDriftDetected({ total: 0, differences: [] })
      // An incremental source's read state commits with the data it describes, as after a real run.
      if (plan.read_state !== null)
        await readStateRepository.put(
          tx.db,
          execution.import_source_id,
          plan.read_state,
          executionId,
          isoNow(clock),
        )
    })
    const input = path.join(plansDir(deps.dataDir), plan.input_path)
    const watch = watchRun(deps.store, deps.runs, executionId, ctx)
    try {
      const result = await runImport(enginePorts(engineStore, execution.workspace_id), {
        workspaceId: execution.workspace_id,
        importSourceId: execution.import_source_id,
        executionId,
        objectSchemaId: await schemaOf(db, plan),
        document: JSON.parse(plan.document) as NormalizedDocument,
        settings: JSON.parse(plan.settings) as EngineSettings,
        data: readLines<DataChunk>(input, true),
        releaseEntries: true,
        partialRead: Number(plan.partial_read) === 1,
        planSink: {
          add: async (typeId, objectId, change) => {
            const d = digester.describe(typeId, objectId, change)
            await staged.write(JSON.stringify([d.key, d.digest]))
          },
        },
        signal: watch.signal,
        onProgress: watch.onProgress,
      })
      const withPlan = {
        ...result,
        planExecutionId,
        planDrift: drift.total === 0 ? null : drift,
      }
      if (drift.total > 0) await writeProblems(db, executionId, result.problemCount, drift)
      const end = engineOutcome(withPlan, watch.latest)
      await finish(job, ctx, end.state, end.patch, end.error)
      // Applied (at most once): the input is no longer needed; the changes stay readable until the plan expires.
      await fs.promises.rm(input, { force: true })
      await db
        .updateTable('plan')
        .set({ input_path: null })
        .where('execution_id', '=', planExecutionId)
        .execute()
    } catch (error) {
      if (error instanceof LostJob) return
      if (error instanceof PlanDriftDetected) {
        await writeProblems(db, executionId, 0, error.report)
        const reason =
          error.report.total === 0
            ? `PLAN_DRIFT: the plan of execution ${planExecutionId} was applied by another execution`
            : `PLAN_DRIFT: ${error.report.total} change${error.report.total === 1 ? '' : 's'} of the apply differ from the plan; nothing was written`
        await finish(
          job,
          ctx,
          'failed',
          { status: 'FAILED', failure_reason: reason, progress: JSON.stringify(watch.latest) },
          reason,
        )
        return
      }
      if (!(error instanceof ImportCancelled)) throw error
      if (watch.cancelled || !ctx.shutdown.aborted) {
        await finish(job, ctx, 'cancelled', { status: 'CANCELLED' })
      } else {
        await jobQueue.release(db, job.id, ctx.workerId, isoNow(clock), 'worker shut down', false)
      }
    } finally {
      watch.stop()
      await staged.close().catch(() => undefined)
      await fs.promises.rm(stagedFile, { force: true })
    }
  }
}

/** The object schema of a plan's source mapping (the document does not carry it). */
async function schemaOf(db: Db, plan: { import_source_id: string }): Promise<number> {
  const row = await db
    .selectFrom('import_source')
    .select('object_schema_id')
    .where('id', '=', plan.import_source_id)
    .executeTakeFirst()
  return Number(row?.object_schema_id ?? 0)
}

/** The drift of an apply, as execution problems (code PLAN_DRIFT), numbered after the engine's own. */
async function writeProblems(
  db: Db,
  executionId: string,
  after: number,
  report: PlanDriftReport,
): Promise<void> {
  let seq = after
  const rows = report.differences.map((d) => ({
    execution_id: executionId,
    seq: ++seq,
    object_type_id: d.objectTypeId,
    location: d.changeKey,
    code: 'PLAN_DRIFT',
    message:
      d.kind === 'planned'
        ? `Planned change not made: ${describe(d)}`
        : d.kind === 'unplanned'
          ? `Change made that the plan did not list: ${describe(d)}`
          : `Change made differently from the plan: ${describe(d)}`,
    attribute: null,
    value: null,
  }))
  if (rows.length) await db.insertInto('execution_problem').values(rows).execute()
}

function describe(d: PlanDifference): string {
  const what = d.changeKey.split('|')[0]
  const who = d.objectKey ?? (d.objectId !== null ? `object ${d.objectId}` : `identity ${d.identity ?? '?'}`)
  return `${what} of ${who}`
}
