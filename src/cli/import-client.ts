import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { AppConfig } from '../config/config.js'
import { AppError } from '../domain/errors.js'
import { presentExecution, presentProgress, presentStatus } from '../http/presenters/execution.presenter.js'
import { startExecutionWorker, type ExecutionWorker } from '../jobs/execution-worker.js'
import { bootstrap, type Bootstrapped } from '../main.js'

/** The progress resource of seed 000, as the API answers it. */
export interface ProgressView {
  progressInPercent: number
  resourceId: string
  status: string
  stepDescription: string
  currentStep: number
  numberOfSteps: number
  currentWorkUnits: number
  currentWorkDescription: string
  totalWorkUnits: number
  executionUUID: string
}

export interface SourceRow {
  id: string
  name: string
  type: string
  configStatus: string
}

export interface ExecutionRow {
  id: string
  status: string
  created: string
  finished: string | null
  failureReason: string | null
  counters: Record<string, number>
  /** The mass-delete guard's hold, when the execution was held. */
  hold?: {
    types: {
      objectTypeName: string
      owned: number
      toRemove: number
      toMark: number
      limit: number | null
      over: boolean
    }[]
  } | null
}

export interface StatusView {
  executionId: string
  status: string
  progressResult: unknown
}

export interface ProblemRow {
  location: string
  code: string
  message: string
}

/**
 * What the CLI does with import sources: over HTTP against a server, or `--local` directly on the database the
 * environment configures — through the same services the API uses.
 */
export interface ImportClient {
  readonly where: string
  listSources(): Promise<SourceRow[]>
  upload(sourceId: string, file: string): Promise<{ name: string; size: number }>
  /** import/start; `fullRead` ignores an incremental source's read state; `dryRun` plans (plan → apply). */
  start(sourceId: string, options?: { fullRead?: boolean; dryRun?: boolean }): Promise<ProgressView>
  progress(id: string): Promise<ProgressView>
  cancel(id: string): Promise<ProgressView>
  listExecutions(sourceId: string): Promise<ExecutionRow[]>
  status(sourceId: string, executionId: string): Promise<StatusView>
  problems(sourceId: string, executionId: string): Promise<{ total: number; values: ProblemRow[] }>
  /** A page of a dry run's stored plan (GET …/plan). */
  plan(sourceId: string, executionId: string, maxResults: number): Promise<PlanPage>
  /** POST …/apply; a refusal throws an ApplyRefused with the error's code and details. */
  apply(sourceId: string, executionId: string, onDrift: 'fail' | 'replan'): Promise<{ executionId: string }>
  /** Queues a revert of the execution (409 REVERT_CONFLICT lists the objects changed since); answers the revert. */
  revert(sourceId: string, executionId: string, options: { force: boolean }): Promise<RevertView>
  /** Approves or rejects an execution the mass-delete guard held. */
  decide(
    sourceId: string,
    executionId: string,
    action: 'approve' | 'reject',
    reason?: string,
  ): Promise<ExecutionRow>
  close(): Promise<void>
}

/** The stored plan of a dry run, as GET …/plan answers it. */
export interface PlanPage {
  executionId: string
  status: string
  expiresAt: string
  total: number
  counts: Record<string, Record<string, number>>
  changes: {
    seq: number
    objectTypeId: number
    operation: string
    objectId: number | null
    objectKey: string | null
    identity: string | null
    differences: Record<string, { before: unknown; after: unknown }>
  }[]
}

/** A queued revert: an execution of kind 'revert'. */
export interface RevertView {
  id: string
  status: string
  revertsExecutionId: string | null
}

/** A failure to tell the user; `details` are the error body's details, when the server gave some. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
  }
}

/** An apply the server refused (409 PLAN_DRIFT …, 410 PLAN_EXPIRED): its code, message and details. */
export class ApplyRefused extends CliError {
  constructor(
    readonly code: string,
    message: string,
    override readonly details: Record<string, unknown>,
  ) {
    super(message)
  }
}

export interface HttpOptions {
  url: string
  token: string
  workspace: string
}

/** The API over HTTP (Bearer token). */
export function httpClient(options: HttpOptions): ImportClient {
  const api = `${options.url.replace(/\/+$/, '')}/jsm/assets/workspace/${encodeURIComponent(options.workspace)}/v1`
  const call = async <T>(method: string, p: string, init: RequestInit = {}): Promise<T> => {
    let res: Response
    try {
      res = await fetch(`${api}${p}`, {
        method,
        ...init,
        headers: { authorization: `Bearer ${options.token}`, ...(init.headers ?? {}) },
      })
    } catch (error) {
      throw new CliError(
        `cannot reach ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const text = await res.text()
    const body = (text === '' ? null : JSON.parse(text)) as T & {
      error?: { code?: string }
      message?: string
    }
    if (!res.ok)
      throw new CliError(
        `${body?.error?.code ?? res.status}: ${body?.message ?? res.statusText}`,
        (body?.error as { details?: Record<string, unknown> } | undefined)?.details,
      )
    return body
  }
  return {
    where: options.url,
    listSources: async () => {
      const rows: SourceRow[] = []
      for (let startAt = 0; ;) {
        const page = await call<{ values: SourceRow[]; isLast: boolean }>(
          'GET',
          `/importsource?startAt=${startAt}&maxResults=1000`,
        )
        rows.push(...page.values)
        if (page.isLast || page.values.length === 0) return rows
        startAt += page.values.length
      }
    },
    upload: async (sourceId, file) => {
      const size = fs.statSync(file).size
      const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream
      return call('PUT', `/importsource/${sourceId}/file?name=${encodeURIComponent(path.basename(file))}`, {
        body,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
        duplex: 'half',
      } as RequestInit)
    },
    start: (sourceId, options = {}) =>
      call('POST', `/import/start/${sourceId}`, {
        ...((options.fullRead || options.dryRun) && {
          body: JSON.stringify({
            ...(options.fullRead && { fullRead: true }),
            ...(options.dryRun && { dryRun: true }),
          }),
          headers: { 'content-type': 'application/json' },
        }),
      }),
    progress: (id) => call('GET', `/progress/category/imports/${id}`),
    cancel: (id) => call('POST', `/progress/category/imports/${id}/cancel`),
    listExecutions: async (sourceId) =>
      (await call<{ values: ExecutionRow[] }>('GET', `/importsource/${sourceId}/executions?maxResults=1000`))
        .values,
    status: (sourceId, executionId) =>
      call('GET', `/importsource/${sourceId}/executions/${executionId}/status`),
    problems: (sourceId, executionId) =>
      call('GET', `/importsource/${sourceId}/executions/${executionId}/problems?maxResults=20`),
    plan: (sourceId, executionId, maxResults) =>
      call('GET', `/importsource/${sourceId}/executions/${executionId}/plan?maxResults=${maxResults}`),
    apply: async (sourceId, executionId, onDrift) => {
      const res = await fetch(`${api}/importsource/${sourceId}/executions/${executionId}/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ onDrift }),
      }).catch((error: unknown) => {
        throw new CliError(
          `cannot reach ${options.url}: ${error instanceof Error ? error.message : String(error)}`,
        )
      })
      const body = (await res.json().catch(() => null)) as {
        executionId?: string
        message?: string
        error?: { code?: string; details?: Record<string, unknown> }
      } | null
      if (res.ok && body?.executionId) return { executionId: body.executionId }
      throw new ApplyRefused(
        body?.error?.code ?? String(res.status),
        body?.message ?? res.statusText,
        body?.error?.details ?? {},
      )
    },
    revert: (sourceId, executionId, { force }) =>
      call('POST', `/importsource/${sourceId}/executions/${executionId}/revert`, {
        body: JSON.stringify({ force }),
        headers: { 'content-type': 'application/json' },
      }),
    decide: (sourceId, executionId, action, reason) =>
      call('POST', `/importsource/${sourceId}/executions/${executionId}/${action}`, {
        ...(reason !== undefined && {
          body: JSON.stringify({ reason }),
          headers: { 'content-type': 'application/json' },
        }),
      }),
    close: async () => undefined,
  }
}

/**
 * The services on the configured database, without HTTP. With `worker`, an in-process worker runs the imports
 * (the same job handler `intake serve` runs).
 */
export async function localClient(config: AppConfig, options: { worker: boolean }): Promise<ImportClient> {
  const booted: Bootstrapped = await bootstrap(config, { provisionAdmin: false })
  const { services, workspaceId: ws } = booted
  const worker: ExecutionWorker | null = options.worker
    ? startExecutionWorker(services, { pollMs: 50, concurrency: 1 })
    : null
  return {
    where: config.database.dialect === 'sqlite' ? config.database.url : 'the PostgreSQL database',
    listSources: async () => {
      const page = await services.importSources.list(ws, { startAt: 0, maxResults: 100_000 })
      return page.values.map((s) => ({ id: s.id, name: s.name, type: s.type, configStatus: s.configStatus }))
    },
    upload: (sourceId, file) =>
      services.importFiles.storeUpload(ws, sourceId, fs.createReadStream(file), {
        name: path.basename(file),
      }),
    start: async (sourceId, options = {}) =>
      presentProgress(
        await services.fileImports.start(ws, sourceId, {
          actor: 'cli',
          ...(options.fullRead && { fullRead: true }),
          ...(options.dryRun && { dryRun: true }),
        }),
      ),
    progress: async (id) => presentProgress(await services.fileImports.get(ws, id)),
    cancel: async (id) => presentProgress(await services.fileImports.cancel(ws, id)),
    listExecutions: async (sourceId) => {
      const page = await services.executionQueries.list(ws, sourceId, { startAt: 0, maxResults: 1000 })
      return page.values.map(presentExecution)
    },
    status: async (sourceId, executionId) =>
      presentStatus(await services.executionQueries.get(ws, sourceId, executionId)),
    problems: (sourceId, executionId) =>
      services.executionQueries.problems(ws, sourceId, executionId, { startAt: 0, maxResults: 20 }),
    plan: (sourceId, executionId, maxResults) =>
      services.plans.plan(ws, sourceId, executionId, { startAt: 0, maxResults }, {}),
    apply: async (sourceId, executionId, onDrift) => {
      try {
        const execution = await services.plans.apply(ws, sourceId, executionId, { onDrift, actor: 'cli' })
        return { executionId: execution.id }
      } catch (error) {
        if (error instanceof AppError)
          throw new ApplyRefused(error.code, error.message, error.details as Record<string, unknown>)
        throw error
      }
    },
    revert: async (sourceId, executionId, { force }) => {
      const e = await services.reverts.request(ws, sourceId, executionId, { force, actor: 'cli' })
      return { id: e.id, status: e.status, revertsExecutionId: e.revertsExecutionId ?? null }
    },
    decide: async (sourceId, executionId, action, reason) =>
      presentExecution(
        action === 'approve'
          ? await services.holds.approve(ws, sourceId, executionId, 'cli')
          : await services.holds.reject(ws, sourceId, executionId, 'cli', reason ?? null),
      ),
    close: async () => {
      await worker?.stop()
      await booted.close()
    },
  }
}
