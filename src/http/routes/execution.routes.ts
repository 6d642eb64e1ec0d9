import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import { Empty, sendEmpty } from '../empty-response.js'
import { origin } from '../links.js'
import { sentDataOf } from '../chunk-data-text.js'
import {
  executionLinks,
  presentExecution,
  presentProgress,
  presentStatus,
} from '../presenters/execution.presenter.js'
import { authErrors, paged, PagingQuery } from '../schemas/common.schema.js'
import {
  ChunkBody,
  ChunkResource,
  ExecutionErrorResponse,
  ExecutionParams,
  ExecutionResource,
  ExecutionStatusResponse,
  FailedBody,
  ProblemResource,
  ProgressBody,
  ProgressResource,
  StartExecutionBody,
  StartExecutionResponse,
} from '../schemas/execution.schema.js'
import { ImportSourceParams } from '../schemas/import-source.schema.js'
import { importProgressRoutes } from './import-progress.routes.js'

const config = { auth: { scope: 'import:import-configuration:cmdb' as const, container: true } }
const tags = ['Executions']
const errors = { ...authErrors, 409: ExecutionErrorResponse, 413: ExecutionErrorResponse }

/** …/workspace/{id}/v1 under the prefix the request came in on (/jsm/assets, /jsm/insight or /ex/jira/…). */
export function requestBase(req: FastifyRequest, publicUrl: string | null): string {
  const path = req.url.split('?')[0] ?? ''
  return `${origin(req, publicUrl)}${path.slice(0, path.indexOf('/importsource/'))}`
}

/** Push executions of an import source (Assets `importsource/{id}/executions…`). */
export function executionRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const ex = services.executions
  const q = services.executionQueries
  const E = '/importsource/:importSourceId/executions'

  r.post(E, {
    config,
    schema: {
      tags,
      summary: 'Start an execution (INGESTING); 409 MISSING_MAPPING, DISABLED or IN_PROGRESS',
      params: ImportSourceParams,
      body: StartExecutionBody,
      response: { 200: StartExecutionResponse, ...errors },
    },
    handler: async (req) => {
      const { workspaceId: ws, importSourceId: id } = req.params
      const execution = await ex.start(ws, id, req.body ?? {})
      const links = executionLinks(requestBase(req, services.config.publicUrl), id, execution.id)
      return { links, result: 'success' as const, executionId: execution.id }
    },
  })

  r.get(E, {
    config,
    schema: {
      tags,
      summary: 'The executions of the source, newest first',
      params: ImportSourceParams,
      querystring: PagingQuery,
      response: { 200: paged(ExecutionResource), ...authErrors },
    },
    handler: async (req) => {
      const page = await q.list(req.params.workspaceId, req.params.importSourceId, req.query)
      return { ...page, values: page.values.map(presentExecution) }
    },
  })

  r.get(`${E}/status`, {
    config,
    schema: {
      tags,
      summary: 'Status of the most recently created execution',
      params: ImportSourceParams,
      response: { 200: ExecutionStatusResponse, ...authErrors },
    },
    handler: async (req) => presentStatus(await q.latest(req.params.workspaceId, req.params.importSourceId)),
  })

  r.get(`${E}/:executionId`, {
    config,
    schema: {
      tags,
      summary: 'One execution',
      params: ExecutionParams,
      response: { 200: ExecutionResource, ...authErrors },
    },
    handler: async ({ params: p }) =>
      presentExecution(await q.get(p.workspaceId, p.importSourceId, p.executionId)),
  })

  r.get(`${E}/:executionId/status`, {
    config,
    schema: {
      tags,
      summary: 'Status and progressResult (the engine result when DONE, live progress while PROCESSING)',
      params: ExecutionParams,
      response: { 200: ExecutionStatusResponse, ...authErrors },
    },
    handler: async ({ params: p }) =>
      presentStatus(await q.get(p.workspaceId, p.importSourceId, p.executionId)),
  })

  r.get(`${E}/:executionId/progress`, {
    config,
    schema: {
      tags,
      summary: 'Progress resource (seed 000 shape)',
      params: ExecutionParams,
      response: { 200: ProgressResource, ...authErrors },
    },
    handler: async ({ params: p }) =>
      presentProgress(await q.get(p.workspaceId, p.importSourceId, p.executionId)),
  })

  r.put(`${E}/:executionId/progress`, {
    config,
    schema: {
      tags,
      summary: 'Submit the client’s progress while ingesting',
      params: ExecutionParams,
      body: ProgressBody,
      response: { 200: Empty('Stored'), ...errors },
    },
    handler: async ({ params: p, body }, reply) => {
      await ex.reportProgress(p.workspaceId, p.importSourceId, p.executionId, body)
      return sendEmpty(reply, 200)
    },
  })

  r.post(`${E}/:executionId/data`, {
    config,
    schema: {
      tags,
      summary: 'Submit a data chunk and/or signal completion; stored durably before the answer',
      params: ExecutionParams,
      body: ChunkBody,
      response: { 200: Empty('Accepted'), ...errors },
    },
    handler: async (req, reply) => {
      const p = req.params
      await ex.submit(p.workspaceId, p.importSourceId, p.executionId, req.body, sentDataOf(req.body))
      return sendEmpty(reply, 200)
    },
  })

  r.get(`${E}/:executionId/data`, {
    config,
    schema: {
      tags,
      summary: 'The submitted chunks, in order (data is null once purged)',
      params: ExecutionParams,
      querystring: PagingQuery,
      response: { 200: paged(ChunkResource), ...authErrors },
    },
    handler: async ({ params: p, query }) => q.chunks(p.workspaceId, p.importSourceId, p.executionId, query),
  })

  r.get(`${E}/:executionId/problems`, {
    config,
    schema: {
      tags,
      summary: 'Entry problems of the execution, in order',
      params: ExecutionParams,
      querystring: PagingQuery,
      response: { 200: paged(ProblemResource), ...authErrors },
    },
    handler: async ({ params: p, query }) =>
      q.problems(p.workspaceId, p.importSourceId, p.executionId, query),
  })

  for (const path of [`${E}/:executionId`, `${E}/:executionId/cancel`]) {
    r.delete(path, {
      config,
      schema: {
        tags,
        summary: 'Cancel while ingesting or processing; nothing of the execution is written',
        params: ExecutionParams,
        response: { 200: Empty('Cancelled'), ...errors },
      },
      handler: async ({ params: p }, reply) => {
        await ex.cancel(p.workspaceId, p.importSourceId, p.executionId)
        return sendEmpty(reply, 200)
      },
    })
  }

  r.post(`${E}/:executionId/history/failed`, {
    config,
    schema: {
      tags,
      summary: 'Report a failure of the client (only while INGESTING, else 400)',
      params: ExecutionParams,
      body: FailedBody,
      response: { 204: Empty('Failure recorded'), ...errors },
    },
    handler: async ({ params: p, body }, reply) => {
      await ex.reportFailure(p.workspaceId, p.importSourceId, p.executionId, body.failureReason)
      return sendEmpty(reply, 204)
    },
  })

  r.post(`${E}/:executionId/history/completed`, {
    config,
    schema: {
      tags,
      summary: 'Signal that all data was submitted (same as a chunk with completed: true)',
      params: ExecutionParams,
      response: { 204: Empty('Processing queued'), ...errors },
    },
    handler: async ({ params: p }, reply) => {
      await ex.complete(p.workspaceId, p.importSourceId, p.executionId)
      return sendEmpty(reply, 204)
    },
  })
}

/** The execution routes, and `import/start` with the progress resource. */
export async function executionScope(app: FastifyInstance, services: Services): Promise<void> {
  executionRoutes(app, services)
  importProgressRoutes(app, services)
}
