import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { AppConfig } from '../config/config.js'
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
  /** import/start; `fullRead` ignores an incremental source's read state. */
  start(sourceId: string, options?: { fullRead?: boolean }): Promise<ProgressView>
  progress(id: string): Promise<ProgressView>
  cancel(id: string): Promise<ProgressView>
  listExecutions(sourceId: string): Promise<ExecutionRow[]>
  status(sourceId: string, executionId: string): Promise<StatusView>
  problems(sourceId: string, executionId: string): Promise<{ total: number; values: ProblemRow[] }>
  /** Approves or rejects an execution the mass-delete guard held. */
  decide(
    sourceId: string,
    executionId: string,
    action: 'approve' | 'reject',
    reason?: string,
  ): Promise<ExecutionRow>
  close(): Promise<void>
}

export class CliError extends Error {}

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
    if (!res.ok) throw new CliError(`${body?.error?.code ?? res.status}: ${body?.message ?? res.statusText}`)
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
        ...(options.fullRead && {
          body: JSON.stringify({ fullRead: true }),
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
