import { IMPORT_STEPS, isFileImportProgress, type Execution } from '../../domain/execution/execution.types.js'
import { summaryCounters, type TypeResult } from '../../engine/result.js'

export interface ExecutionLinks {
  submitProgress: string
  submitResults: string
  getExecutionStatus: string
  cancel: string
}

/** The four HATEOAS links of an execution, under `base` (…/workspace/{id}/v1 of the request's own prefix). */
export function executionLinks(base: string, importSourceId: string, executionId: string): ExecutionLinks {
  const e = `${base}/importsource/${importSourceId}/executions/${executionId}`
  return {
    submitProgress: `${e}/progress`,
    submitResults: `${e}/data`,
    getExecutionStatus: `${e}/status`,
    cancel: e,
  }
}

const COUNTERS = [
  'entriesInSource',
  'objectsCreated',
  'objectsUpdated',
  'objectsIdentical',
  'objectsMissingUpdated',
  'objectsMissingDeleted',
  'duplicateEnries',
  'emptyLabelEntries',
  'emptyExternalIdEntries',
  'objectsFilteredWithQlQuery',
  'entriesFilteredByCondition',
  'objectsWithUpdatedReferences',
] as const

/** Sums of the result's per-type counters (empty before DONE). */
export function counters(e: Execution): Record<string, number> {
  const map = (e.result?.objectTypeResultMap ?? {}) as Record<string, Record<string, unknown>>
  const sums: Record<string, number> = {}
  for (const type of Object.values(map)) {
    for (const c of COUNTERS) sums[c] = (sums[c] ?? 0) + (typeof type[c] === 'number' ? type[c] : 0)
  }
  return sums
}

/**
 * `progressResult`: the engine's full result when it ran to the end (DONE, or FAILED because every entry was
 * dropped), with the summary sums some clients read; else what is known now.
 */
export function progressResult(e: Execution): unknown {
  if ((e.status === 'DONE' || e.status === 'FAILED') && e.result) {
    const map = (e.result.objectTypeResultMap ?? {}) as Record<string, Partial<TypeResult>>
    return { ...e.result, ...summaryCounters(map) }
  }
  return {
    type: 'IMPORT',
    id: e.id,
    jobId: e.id,
    importSourceId: e.importSourceId,
    started: e.started ?? e.created,
    ended: e.finished,
    status:
      e.status === 'INGESTING' || e.status === 'PROCESSING' || e.status === 'HELD' ? 'IN_PROGRESS' : e.status,
    result: e.status === 'FAILED' ? 'FAILED' : e.status === 'CANCELLED' ? 'CANCELLED' : null,
    errorMessages: e.failureReason,
    // Not known before the engine's result: the summary sums are null until then (entriesProcessed: read so far).
    entriesProcessed: e.progress?.entriesRead ?? null,
    entriesCreated: null,
    entriesUpdated: null,
    entriesFailed: null,
    chunksReceived: e.chunkCount,
    bytesReceived: e.totalBytes,
    clientProgress: e.clientProgress,
    engineProgress: e.progress,
  }
}

/**
 * The Assets status shape. Assets clients know INGESTING, PROCESSING, DONE and CANCELLED: a HELD execution (the
 * mass-delete guard) answers PROCESSING there — it has not committed, and approval ends it DONE, rejection
 * CANCELLED — with Intake's own `intakeStatus: "HELD"` and the hold's numbers beside it.
 */
export function presentStatus(e: Execution) {
  return {
    executionId: e.id,
    status: e.status === 'HELD' ? ('PROCESSING' as const) : e.status,
    ...(e.hold ? { intakeStatus: e.status, hold: presentHold(e) } : {}),
    progressResult: progressResult(e),
  }
}

/** The hold of an execution (Intake's own field): the numbers per type and the decisions. */
export function presentHold(e: Execution) {
  if (!e.hold) return null
  const { keptFile: _kept, ...hold } = e.hold
  return hold
}

export function presentExecution(e: Execution) {
  return {
    id: e.id,
    importSourceId: e.importSourceId,
    status: e.status,
    scheduled: e.scheduled,
    dryRun: e.dryRun,
    created: e.created,
    started: e.started,
    completed: e.completed,
    finished: e.finished,
    chunks: e.chunkCount,
    bytes: e.totalBytes,
    failureReason: e.failureReason,
    counters: counters(e),
    clientProgress: e.clientProgress,
    hold: presentHold(e),
  }
}

const PROGRESS_STATUS = {
  INGESTING: 'IN_PROGRESS',
  PROCESSING: 'IN_PROGRESS',
  PAUSED: 'PAUSED',
  DONE: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
  // Seed 000 has no held state: PAUSED is the nearest (not running, waiting for someone, resumable).
  HELD: 'PAUSED',
} as const

const HELD_TEXT = 'Held by the mass-delete guard: approve or reject'

/** Seed 000's progress resource over the six import steps; ingesting is step 2, processing step 5. */
export function presentProgress(e: Execution) {
  if (e.kind === 'file' || e.kind === 'upload') return presentFileProgress(e)
  const total = e.clientProgress?.objects?.total ?? e.progress?.entriesRead ?? 0
  const done =
    e.status === 'PROCESSING'
      ? (e.progress?.objectsWritten ?? 0)
      : e.status === 'INGESTING'
        ? (e.clientProgress?.objects?.processed ?? 0)
        : total
  const step =
    e.status === 'INGESTING'
      ? { n: 2, text: e.clientProgress?.steps?.description ?? 'Receiving data', pct: 20 }
      : e.status === 'PROCESSING'
        ? { n: 5, text: `Processing records (${e.progress?.phase ?? 'queued'})`, pct: 60 }
        : e.status === 'HELD'
          ? { n: 5, text: HELD_TEXT, pct: 95 }
          : {
              n: 6,
              text: e.status === 'DONE' ? 'Import finished' : `Import ${e.status.toLowerCase()}`,
              pct: 100,
            }
  return {
    progressInPercent: step.pct,
    resourceId: e.id,
    category: 'imports',
    status: PROGRESS_STATUS[e.status],
    stepDescription: step.text,
    currentStep: step.n,
    numberOfSteps: 6,
    currentWorkUnits: Math.round(done),
    currentWorkDescription: e.failureReason ?? step.text,
    currentStepTotalWorkUnits: Math.round(total),
    totalWorkUnits: Math.round(total),
    actor: null,
    startDate: e.started ?? e.created,
    endDate: e.finished,
    executionUUID: e.id,
    ...(e.status === 'HELD' ? { intakeStatus: e.status, hold: presentHold(e) } : {}),
  }
}

/** What the end of step 5 is doing once the file is read (the engine's phases after reading). */
const ENGINE_PHASE_TEXT: Record<string, string> = {
  missing: 'Handling missing objects',
  references: 'Resolving references',
  finishing: 'Committing the import',
}

/**
 * The progress resource of a file import: PENDING until the worker takes it, then the six steps; the work units of
 * step 5 are the bytes of the file read so far (entries when the connector cannot tell).
 */

export function presentFileProgress(e: Execution) {
  const p = isFileImportProgress(e.progress) ? e.progress : null
  const ended = e.status === 'DONE' || e.status === 'FAILED' || e.status === 'CANCELLED'
  const status =
    e.status === 'PROCESSING' ? (p === null ? 'PENDING' : 'IN_PROGRESS') : PROGRESS_STATUS[e.status]
  const step = ended ? 6 : e.status === 'HELD' ? 5 : (p?.step ?? 1)
  const byBytes = p !== null && p.totalBytes > 0 && p.bytesRead > 0
  const total = step < 5 || !p ? 0 : byBytes ? p.totalBytes : p.entriesRead
  const done = step < 5 || !p ? 0 : byBytes ? Math.min(p.bytesRead, p.totalBytes) : p.entriesRead
  let percent = (step - 1) * 5
  if (step === 5 && p)
    percent = p.phase === 'reading' && total > 0 ? 20 + Math.floor((75 * done) / total) : 95
  if (ended) percent = 100
  const stepName = IMPORT_STEPS[step - 1] ?? 'Completion'
  const description =
    status === 'PENDING'
      ? 'Waiting for a worker'
      : ended
        ? e.status === 'DONE'
          ? 'Import finished'
          : `Import ${e.status.toLowerCase()}`
        : e.status === 'PAUSED'
          ? 'Paused; resume reads the source again from its beginning'
          : e.status === 'HELD'
            ? HELD_TEXT
            : ((step === 5 && p?.phase ? ENGINE_PHASE_TEXT[p.phase] : undefined) ??
              p?.description ??
              stepName)
  return {
    progressInPercent: Math.min(100, Math.max(0, percent)),
    resourceId: e.id,
    category: 'imports',
    status,
    stepDescription: `${stepName}${status === 'PENDING' ? ' (queued)' : ''}`,
    currentStep: step,
    numberOfSteps: IMPORT_STEPS.length,
    currentWorkUnits: Math.round(done),
    currentWorkDescription: e.failureReason ?? description,
    currentStepTotalWorkUnits: Math.round(total),
    totalWorkUnits: Math.round(total),
    actor: e.actor,
    startDate: e.started ?? e.created,
    endDate: e.finished,
    executionUUID: e.id,
    ...(e.status === 'HELD' ? { intakeStatus: e.status, hold: presentHold(e) } : {}),
  }
}
