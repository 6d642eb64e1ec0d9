import { randomBytes, randomUUID } from 'node:crypto'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError, ValidationError, type FieldProblem } from '../domain/errors.js'
import { ExecutionMissingMappingError } from '../domain/execution/execution-errors.js'
import {
  isValidTimeZone,
  nextRunAfter,
  RUN_FREQUENCIES,
  type Cadence,
  type RunFrequency,
} from '../domain/schedule/cadence.js'
import { ScheduleExistsError } from '../domain/schedule/schedule-errors.js'
import type { ImportSchedule, ScheduleRun, ScheduleRunOutcome } from '../domain/schedule/schedule.types.js'
import type { Db } from '../store/create-store.js'
import {
  scheduleRepository as repo,
  type ScheduleRow,
  type ScheduleRunRow,
} from '../store/repositories/schedule.repository.js'
import type { ImportSourceService } from './import-source.service.js'

/** A schedule as a client writes it: the seed's `runFrequency` or the published API's `runInterval`. */
export interface ScheduleInput {
  runFrequency?: RunFrequency
  runInterval?: RunFrequency
  startTime?: string
  timezone?: string
  callbackUrl?: string | null
  isActive?: boolean
}

export interface CreatedSchedule {
  schedule: ImportSchedule
  /** The HMAC-SHA256 key of the callback signature; answered once, at creation. */
  callbackSecret: string
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i

/** Import schedules: one per import source at most; create, read, change, delete, and their runs. */
export class ScheduleService {
  constructor(
    private readonly db: Db,
    private readonly sources: ImportSourceService,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(workspaceId: string, importSourceId: string, input: ScheduleInput): Promise<CreatedSchedule> {
    const source = await this.sources.get(workspaceId, importSourceId)
    const problems: FieldProblem[] = []
    const runFrequency = frequencyOf(input, problems)
    if (input.startTime === undefined)
      problems.push({ field: 'body.startTime', message: 'is required (ISO 8601 with Z or an offset)' })
    const startTime = this.startTimeOf(input.startTime, problems)
    const timezone = timezoneOf(input.timezone ?? 'UTC', problems)
    const callbackUrl = input.callbackUrl ?? null
    checkCallback(source.type, callbackUrl, problems)
    if (problems.length > 0) throw ValidationError({ problems })
    if (source.mappingVersion === 0) throw ExecutionMissingMappingError({ importSourceId })
    const existing = await repo.findBySource(this.db, workspaceId, importSourceId)
    if (existing) throw ScheduleExistsError({ importSourceId, scheduleId: existing.id })
    const now = isoNow(this.clock)
    const id = randomUUID()
    const callbackSecret = `whsec_${randomBytes(32).toString('base64url')}`
    const isActive = input.isActive !== false
    await repo.insert(this.db, {
      id,
      workspace_id: workspaceId,
      import_source_id: importSourceId,
      run_frequency: runFrequency!,
      start_time: startTime!.toISOString(),
      timezone,
      callback_url: callbackUrl,
      callback_secret: callbackSecret,
      is_active: isActive ? 1 : 0,
      next_run_at: startTime!.toISOString(),
      last_run_at: null,
      created_at: now,
      updated_at: now,
    })
    return { schedule: await this.get(workspaceId, importSourceId, id), callbackSecret }
  }

  async get(workspaceId: string, importSourceId: string, id: string): Promise<ImportSchedule> {
    await this.sources.get(workspaceId, importSourceId)
    const row = await repo.find(this.db, workspaceId, importSourceId, id)
    if (!row) throw NotFoundError({ entity: 'Import schedule', id })
    return toSchedule(row)
  }

  /** The schedule of a source, or null (404 for an unknown source). */
  async ofSource(workspaceId: string, importSourceId: string): Promise<ImportSchedule | null> {
    await this.sources.get(workspaceId, importSourceId)
    const row = await repo.findBySource(this.db, workspaceId, importSourceId)
    return row ? toSchedule(row) : null
  }

  /** Every schedule of the workspace by import source id (import source lists, import_status.json). */
  async bySource(workspaceId: string): Promise<Map<string, ImportSchedule>> {
    const rows = await repo.listInWorkspace(this.db, workspaceId)
    return new Map(rows.map((r) => [r.import_source_id, toSchedule(r)]))
  }

  /**
   * PUT: the fields given replace the stored ones, the others stay (`callbackUrl: null` removes the callback). The
   * next run is computed afresh from now: runs that fell due while a schedule was paused are not made up. A ONCE
   * schedule that ran becomes active again when it gets a new startTime.
   */
  async update(
    workspaceId: string,
    importSourceId: string,
    id: string,
    input: ScheduleInput,
  ): Promise<ImportSchedule> {
    const current = await this.get(workspaceId, importSourceId, id)
    const source = await this.sources.get(workspaceId, importSourceId)
    const problems: FieldProblem[] = []
    const given = input.runFrequency !== undefined || input.runInterval !== undefined
    const runFrequency = given ? frequencyOf(input, problems) : current.runFrequency
    const startTime =
      input.startTime === undefined
        ? new Date(current.startTime)
        : this.startTimeOf(input.startTime, problems)
    const timezone = input.timezone === undefined ? current.timezone : timezoneOf(input.timezone, problems)
    const callbackUrl = input.callbackUrl === undefined ? current.callbackUrl : input.callbackUrl
    checkCallback(source.type, callbackUrl, problems)
    if (problems.length > 0 || !runFrequency || !startTime) throw ValidationError({ problems })
    const isActive = input.isActive ?? (input.startTime !== undefined ? true : current.isActive)
    const now = this.clock()
    const next = nextRunAfter({ runFrequency, startTime, timezone }, new Date(now.getTime() - 1))
    await repo.update(this.db, id, {
      run_frequency: runFrequency,
      start_time: startTime.toISOString(),
      timezone,
      callback_url: callbackUrl,
      is_active: isActive && next !== null ? 1 : 0,
      next_run_at: next?.toISOString() ?? null,
      updated_at: now.toISOString(),
    })
    return this.get(workspaceId, importSourceId, id)
  }

  /** Deletes the schedule and its run history: no further run starts. */
  async remove(workspaceId: string, importSourceId: string, id: string): Promise<void> {
    await this.get(workspaceId, importSourceId, id)
    await repo.remove(this.db, id)
  }

  /** The latest runs of a schedule, newest first, each with its callback attempts. */
  async runs(workspaceId: string, importSourceId: string, id: string, limit = 50): Promise<ScheduleRun[]> {
    await this.get(workspaceId, importSourceId, id)
    const rows = await repo.runs(this.db, id, limit)
    const attempts = await repo.attempts(
      this.db,
      rows.map((r) => r.id),
    )
    return rows.map((row) => toRun(row, attempts))
  }

  /** A new start time must not lie in the past (the published API: "Must be in the future"). */
  private startTimeOf(value: string | undefined, problems: FieldProblem[]): Date | null {
    if (value === undefined) return null
    const parsed = ISO_WITH_ZONE.test(value) ? new Date(value) : null
    if (!parsed || Number.isNaN(parsed.getTime())) {
      problems.push({
        field: 'body.startTime',
        message: 'must be an ISO 8601 date-time with Z or an offset, e.g. 2025-12-30T03:50:33Z',
        value,
      })
      return null
    }
    if (parsed.getTime() < this.clock().getTime()) {
      problems.push({ field: 'body.startTime', message: 'must be in the future', value })
      return null
    }
    return parsed
  }
}

function frequencyOf(input: ScheduleInput, problems: FieldProblem[]): RunFrequency | null {
  const { runFrequency, runInterval } = input
  if (runFrequency !== undefined && runInterval !== undefined && runFrequency !== runInterval) {
    problems.push({
      field: 'body.runInterval',
      message: `must equal runFrequency when both are given (${runFrequency} ≠ ${runInterval})`,
      value: runInterval,
    })
    return null
  }
  const value = runFrequency ?? runInterval
  if (value === undefined) {
    problems.push({
      field: 'body.runFrequency',
      message: `is required (or runInterval): one of ${RUN_FREQUENCIES.join(', ')}`,
    })
    return null
  }
  return value
}

function timezoneOf(zone: string, problems: FieldProblem[]): string {
  if (!isValidTimeZone(zone))
    problems.push({
      field: 'body.timezone',
      message: 'must be an IANA time zone such as Europe/London',
      value: zone,
    })
  return zone
}

/** External sources are started through their callback; pull sources are started by Intake itself. */
function checkCallback(type: string, callbackUrl: string | null, problems: FieldProblem[]): void {
  if (type === 'external' && callbackUrl === null)
    problems.push({
      field: 'body.callbackUrl',
      message: 'is required for an external import source: Intake calls it when the schedule triggers',
    })
  if (type !== 'external' && callbackUrl !== null)
    problems.push({
      field: 'body.callbackUrl',
      message: `applies to external import sources only; Intake starts a ${type} source itself`,
      value: callbackUrl,
    })
  if (callbackUrl !== null && !/^https?:\/\/[^\s]+$/i.test(callbackUrl))
    problems.push({ field: 'body.callbackUrl', message: 'must be an http or https URL', value: callbackUrl })
}

export function cadenceOf(row: Pick<ScheduleRow, 'run_frequency' | 'start_time' | 'timezone'>): Cadence {
  return {
    runFrequency: row.run_frequency as RunFrequency,
    startTime: new Date(row.start_time),
    timezone: row.timezone,
  }
}

export function toSchedule(row: ScheduleRow): ImportSchedule {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    importSourceId: row.import_source_id,
    runFrequency: row.run_frequency as RunFrequency,
    startTime: row.start_time,
    timezone: row.timezone,
    callbackUrl: row.callback_url,
    isActive: row.is_active === 1,
    nextRunAt: row.is_active === 1 ? row.next_run_at : null,
    lastRunAt: row.last_run_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function toRun(row: ScheduleRunRow, attempts: Awaited<ReturnType<typeof repo.attempts>>): ScheduleRun {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    dueAt: row.due_at,
    catchUp: row.catch_up === 1,
    outcome: row.outcome as ScheduleRunOutcome,
    reason: row.reason,
    executionId: row.execution_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    attempts: attempts
      .filter((a) => a.run_id === row.id)
      .map((a) => ({
        attempt: a.attempt,
        attemptedAt: a.attempted_at,
        statusCode: a.status_code,
        error: a.error,
        durationMs: Number(a.duration_ms),
      })),
  }
}
