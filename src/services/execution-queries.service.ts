import { NotFoundError } from '../domain/errors.js'
import type { ChunkView, Execution } from '../domain/execution/execution.types.js'
import { pageOf, type Page, type PageRequest } from '../domain/paging.js'
import type { Db } from '../store/create-store.js'
import { executionRepository as repo } from '../store/repositories/execution.repository.js'
import { importSourceRepository } from '../store/repositories/import-source.repository.js'
import type { ExecutionRuns } from './execution-runs.js'
import { toExecution } from './execution-view.js'

export interface ProblemView {
  seq: number
  objectTypeId: number | null
  location: string
  code: string
  message: string
  attribute: string | null
  value: string | null
}

/** Reading executions: one, the latest, pages of them, their chunks and problems, with live progress. */
export class ExecutionQueries {
  constructor(
    private readonly db: Db,
    private readonly runs: ExecutionRuns,
  ) {}

  async get(workspaceId: string, importSourceId: string, id: string): Promise<Execution> {
    const row = await repo.find(this.db, workspaceId, importSourceId, id)
    if (!row) throw NotFoundError({ entity: 'Execution', id })
    return this.live(toExecution(row))
  }

  /** The most recently created execution of the source; 404 when it has none. */
  async latest(workspaceId: string, importSourceId: string): Promise<Execution> {
    const row = await repo.latest(this.db, workspaceId, importSourceId)
    if (!row) throw NotFoundError({ entity: 'Execution of import source', id: importSourceId })
    return this.live(toExecution(row))
  }

  /** A page of the source's executions; 404 for a missing source or one of another workspace, like its siblings. */
  async list(workspaceId: string, importSourceId: string, page: PageRequest): Promise<Page<Execution>> {
    if (!(await importSourceRepository.find(this.db, workspaceId, importSourceId))) {
      throw NotFoundError({ entity: 'Import source', id: importSourceId })
    }
    const [rows, total] = await Promise.all([
      repo.list(this.db, workspaceId, importSourceId, page.startAt, page.maxResults),
      repo.count(this.db, workspaceId, importSourceId),
    ])
    return pageOf(
      page,
      total,
      rows.map((r) => this.live(toExecution(r))),
    )
  }

  async chunks(
    workspaceId: string,
    importSourceId: string,
    id: string,
    page: PageRequest,
  ): Promise<Page<ChunkView>> {
    await this.get(workspaceId, importSourceId, id)
    const [rows, total] = await Promise.all([
      repo.listChunks(this.db, id, page.startAt, page.maxResults),
      repo.countOf(this.db, 'execution_chunk', id),
    ])
    return pageOf(
      page,
      total,
      rows.map((r) => ({
        seq: r.seq,
        clientGeneratedId: r.client_generated_id,
        size: r.size,
        created: r.created_at,
        data: r.payload === null ? null : (JSON.parse(r.payload) as unknown),
      })),
    )
  }

  async problems(
    workspaceId: string,
    importSourceId: string,
    id: string,
    page: PageRequest,
  ): Promise<Page<ProblemView>> {
    await this.get(workspaceId, importSourceId, id)
    const [rows, total] = await Promise.all([
      repo.listProblems(this.db, id, page.startAt, page.maxResults),
      repo.countOf(this.db, 'execution_problem', id),
    ])
    return pageOf(
      page,
      total,
      rows.map((r) => ({
        seq: r.seq,
        objectTypeId: r.object_type_id === null ? null : Number(r.object_type_id),
        location: r.location,
        code: r.code,
        message: r.message,
        attribute: r.attribute,
        value: r.value,
      })),
    )
  }

  /** The engine's progress of a run in this process is fresher than the stored one. */
  private live(execution: Execution): Execution {
    const progress = execution.status === 'PROCESSING' ? this.runs.progress(execution.id) : null
    return progress ? { ...execution, progress } : execution
  }
}
