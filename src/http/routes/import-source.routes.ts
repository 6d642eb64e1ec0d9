import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { Empty, sendEmpty } from '../empty-response.js'
import { executionLinks } from '../presenters/execution.presenter.js'
import { presentImportSource, presentTokenInfo } from '../presenters/import-source.presenter.js'
import { requestBase } from './execution.routes.js'
import { authErrors, ErrorResponse, paged, PagingQuery, WorkspaceParams } from '../schemas/common.schema.js'
import {
  ConfigStatusResponse,
  CreateImportSourceBody,
  ImportSourceParams,
  ImportSourceResource,
  TokenInfoResponse,
  TokenResponse,
  UpdateImportSourceBody,
} from '../schemas/import-source.schema.js'

const SCOPE = 'import:import-configuration:cmdb' as const
/** Workspace tokens with the scope only (creating and listing sources). */
const workspaceOnly = { auth: { scope: SCOPE } }
/** Workspace tokens with the scope, or the container token of the source in the path. */
const sourceAuth = { auth: { scope: SCOPE, container: true } }
/**
 * Workspace tokens only, also for the source's own container token: a leaked push credential may run the import
 * workflow imports/info hands it, but not disable, change, delete or re-token its source.
 */
const sourceAdmin = { auth: { scope: SCOPE } }
const errors409 = { ...authErrors, 409: Type.Ref(ErrorResponse) }
const tags = ['Import sources']

/** Import sources (Assets `importsource`), their container tokens and config status. */
export function importSourceRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const sources = services.importSources

  r.post('/importsource', {
    config: workspaceOnly,
    schema: {
      tags,
      summary: 'Create an import source',
      params: WorkspaceParams,
      body: CreateImportSourceBody,
      response: { 201: ImportSourceResource, ...authErrors },
    },
    handler: async (req, reply) => {
      const ws = req.params.workspaceId
      const { settings, objectSchemaId, ...rest } = req.body
      const created = await sources.create(ws, {
        ...rest,
        ...(settings !== undefined && { settings }),
        ...(objectSchemaId !== undefined && { objectSchemaId: Number(objectSchemaId) }),
      })
      return reply.code(201).send(presentImportSource(await sources.view(ws, created.id)))
    },
  })

  r.get('/importsource', {
    config: workspaceOnly,
    schema: {
      tags,
      summary: 'List the import sources of the workspace',
      params: WorkspaceParams,
      querystring: PagingQuery,
      response: { 200: paged(ImportSourceResource), ...authErrors },
    },
    handler: async (req) => {
      const page = await sources.list(req.params.workspaceId, req.query)
      const schedules = await services.schedules.bySource(req.params.workspaceId)
      return { ...page, values: page.values.map((s) => presentImportSource(s, schedules.get(s.id) ?? null)) }
    },
  })

  r.get('/importsource/:importSourceId', {
    config: sourceAuth,
    schema: {
      tags,
      summary: 'Get an import source (Assets ImportSourceResponse fields plus Intake’s own)',
      params: ImportSourceParams,
      response: { 200: ImportSourceResource, ...authErrors },
    },
    handler: async (req) => {
      const { workspaceId: ws, importSourceId: id } = req.params
      return presentImportSource(await sources.view(ws, id), await services.schedules.ofSource(ws, id))
    },
  })

  r.patch('/importsource/:importSourceId', {
    config: sourceAdmin,
    schema: {
      tags,
      summary:
        'Change name, description, settings, config, or enable / disable an import source (not with its container token)',
      params: ImportSourceParams,
      body: UpdateImportSourceBody,
      response: { 200: ImportSourceResource, ...authErrors },
    },
    handler: async (req) => {
      const { workspaceId: ws, importSourceId: id } = req.params
      const { settings, ...rest } = req.body
      await sources.update(ws, id, { ...rest, ...(settings !== undefined && { settings }) })
      return presentImportSource(await sources.view(ws, id), await services.schedules.ofSource(ws, id))
    },
  })

  r.delete('/importsource/:importSourceId', {
    config: sourceAdmin,
    schema: {
      tags,
      summary:
        'Delete an import source (409 while an import runs; its schema and objects stay); not with its container token',
      params: ImportSourceParams,
      response: { 204: Empty('Deleted'), ...errors409 },
    },
    handler: async (req, reply) => {
      await sources.remove(req.params.workspaceId, req.params.importSourceId)
      return sendEmpty(reply, 204)
    },
  })

  r.post('/importsource/:importSourceId/token', {
    config: sourceAdmin,
    schema: {
      tags,
      summary:
        'Generate the container token of the source (the previous one stops working); a workspace token only',
      params: ImportSourceParams,
      response: { 200: TokenResponse, ...authErrors },
    },
    handler: async (req) => ({
      token: await sources.createToken(req.params.workspaceId, req.params.importSourceId),
    }),
  })

  r.get('/importsource/:importSourceId/token', {
    config: sourceAuth,
    schema: {
      tags,
      summary: 'Metadata of the current container token (never the secret)',
      params: ImportSourceParams,
      response: { 200: TokenInfoResponse, ...authErrors },
    },
    handler: async (req) =>
      presentTokenInfo(await sources.tokenInfo(req.params.workspaceId, req.params.importSourceId)),
  })

  r.get('/importsource/:importSourceId/configstatus', {
    config: sourceAuth,
    schema: {
      tags,
      summary: 'Status of the import configuration: IDLE, DISABLED, MISSING_MAPPING or RUNNING',
      params: ImportSourceParams,
      response: { 200: ConfigStatusResponse, ...authErrors },
    },
    handler: async (req) => {
      const { workspaceId: ws, importSourceId: id } = req.params
      const status = await sources.configStatus(ws, id)
      const running = status === 'RUNNING' ? await services.executions.running(ws, id) : null
      if (!running) return { status }
      const { getExecutionStatus, cancel } = executionLinks(
        requestBase(req, services.config.publicUrl),
        id,
        running.id,
      )
      return { status, links: { getExecutionStatus, cancel } }
    },
  })
}
