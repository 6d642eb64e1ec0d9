import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { MappingOperation } from '../../services/mapping.service.js'
import type { Services } from '../../services/services.js'
import { Empty, sendEmpty } from '../empty-response.js'
import { workspaceBase } from '../links.js'
import { presentMappingProgress } from '../presenters/import-source.presenter.js'
import { authErrors, ErrorResponse } from '../schemas/common.schema.js'
import { ImportSourceParams, MappingProgressParams } from '../schemas/import-source.schema.js'
import {
  MappingBody,
  MappingErrorResponse,
  MappingProgressResponse,
  MappingQuery,
  WireDocumentResponse,
} from '../schemas/mapping.schema.js'

const sourceAuth = { auth: { scope: 'import:import-configuration:cmdb' as const, container: true } }
const tags = ['Schema and mapping']
const submitResponses = {
  204: Empty('Applied'),
  303: Empty('Accepted (async=true): Location points to the progress resource'),
  ...authErrors,
  400: MappingErrorResponse,
  409: Type.Ref(ErrorResponse),
}

/** Schema + mapping of an import source (Assets `importsource/{id}/mapping` and friends). */
export function mappingRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  /** Runs the operation (204) or starts it in the background (303 to its progress resource). */
  const submit = async (
    req: FastifyRequest,
    params: { workspaceId: string; importSourceId: string },
    runAsync: boolean,
    operation: MappingOperation,
    body: unknown,
  ): Promise<{ status: 204 } | { status: 303; location: string }> => {
    const { workspaceId: ws, importSourceId: id } = params
    if (!runAsync) {
      await services.mappings.submit(ws, id, operation, body)
      return { status: 204 }
    }
    const resourceId = await services.mappings.submitAsync(ws, id, operation, body)
    const base = workspaceBase(req, services.config.publicUrl, ws)
    return { status: 303, location: `${base}/importsource/${id}/mapping/progress/${resourceId}` }
  }

  r.put('/importsource/:importSourceId/mapping', {
    config: sourceAuth,
    schema: {
      tags,
      summary: 'Submit the first schema + mapping (409 when one exists)',
      params: ImportSourceParams,
      querystring: MappingQuery,
      body: MappingBody,
      response: submitResponses,
    },
    handler: async (req, reply) => {
      const outcome = await submit(req, req.params, req.query.async, 'PUT', req.body)
      if (outcome.status === 303) reply.header('location', outcome.location)
      return sendEmpty(reply, outcome.status)
    },
  })

  r.patch('/importsource/:importSourceId/mapping', {
    config: sourceAuth,
    schema: {
      tags,
      summary: 'Change the schema + mapping: add types and attributes, change descriptions, replace mappings',
      params: ImportSourceParams,
      querystring: MappingQuery,
      body: MappingBody,
      response: submitResponses,
    },
    handler: async (req, reply) => {
      const outcome = await submit(req, req.params, req.query.async, 'PATCH', req.body)
      if (outcome.status === 303) reply.header('location', outcome.location)
      return sendEmpty(reply, outcome.status)
    },
  })

  r.get('/importsource/:importSourceId/mapping/progress/:resourceId', {
    config: sourceAuth,
    schema: {
      tags,
      summary: 'Progress of an asynchronous schema + mapping operation',
      params: MappingProgressParams,
      response: { 200: MappingProgressResponse, ...authErrors },
    },
    handler: async (req) =>
      presentMappingProgress(
        await services.mappings.progress(
          req.params.workspaceId,
          req.params.importSourceId,
          req.params.resourceId,
        ),
      ),
  })

  for (const path of ['schema-and-mapping', 'mapping']) {
    r.get(`/importsource/:importSourceId/${path}`, {
      config: sourceAuth,
      schema: {
        tags,
        summary: 'The current schema + mapping (PATCHable back unchanged)',
        params: ImportSourceParams,
        response: { 200: WireDocumentResponse, ...authErrors },
      },
      handler: async (req) =>
        services.mappings.wireDocument(req.params.workspaceId, req.params.importSourceId),
    })
  }
}
