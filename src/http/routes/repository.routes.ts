import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Services } from '../../services/services.js'
import { objectJsonById, objectJsonNow, presentObjectById, sendJsonText } from '../presenters/object-view.js'
import { presentProvenance } from '../presenters/provenance.presenter.js'
import { IncludeQuery } from '../schemas/provenance.schema.js'
import { provenanceOfObject } from '../../services/provenance.service.js'
import { presentAttribute, presentSchema, presentType } from '../presenters/repository.presenter.js'
import {
  authErrors,
  BoundedInteger,
  NumericId,
  paged,
  PagingQuery,
  WorkspaceParams,
} from '../schemas/common.schema.js'
import {
  AttributeResource,
  ObjectResource,
  ObjectSchemaResource,
  ObjectTypeResource,
} from '../schemas/repository.schema.js'

const read = { auth: { scope: 'read:cmdb-object:jira' as const } }
const IdParams = Type.Intersect([WorkspaceParams, Type.Object({ id: NumericId })])

/** Read API of the object repository, with the Assets paths and names. */
export function repositoryRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.get('/objectschema/list', {
    config: read,
    schema: {
      tags: ['Object schemas'],
      summary: 'List object schemas',
      params: WorkspaceParams,
      querystring: PagingQuery,
      response: { 200: paged(Type.Ref(ObjectSchemaResource)), ...authErrors },
    },
    handler: async (req) => {
      const page = await services.schemas.listSchemas(req.params.workspaceId, req.query)
      return { ...page, values: page.values.map((s) => presentSchema(req.params.workspaceId, s)) }
    },
  })

  r.get('/objectschema/:id', {
    config: read,
    schema: {
      tags: ['Object schemas'],
      summary: 'Get an object schema',
      params: IdParams,
      response: { 200: Type.Ref(ObjectSchemaResource), ...authErrors },
    },
    handler: async (req) =>
      presentSchema(
        req.params.workspaceId,
        await services.schemas.viewSchema(req.params.workspaceId, Number(req.params.id)),
      ),
  })

  r.get('/objectschema/:id/objecttypes/flat', {
    config: read,
    schema: {
      tags: ['Object schemas'],
      summary: 'All object types of a schema, parents before children',
      description:
        'Answers a JSON array as Assets does. startAt/maxResults slice it; the total is in the X-Total-Count header.',
      params: IdParams,
      querystring: Type.Object({
        startAt: BoundedInteger({ default: 0 }),
        maxResults: BoundedInteger({ minimum: 1, maximum: 1000, default: 1000 }),
      }),
      response: { 200: Type.Array(Type.Ref(ObjectTypeResource)), ...authErrors },
    },
    handler: async (req, reply) => {
      const types = await services.schemas.listTypes(req.params.workspaceId, Number(req.params.id))
      reply.header('x-total-count', String(types.length))
      return types
        .slice(req.query.startAt, req.query.startAt + req.query.maxResults)
        .map((t) => presentType(req.params.workspaceId, t))
    },
  })

  r.get('/objecttype/:id', {
    config: read,
    schema: {
      tags: ['Object types'],
      summary: 'Get an object type',
      params: IdParams,
      response: { 200: Type.Ref(ObjectTypeResource), ...authErrors },
    },
    handler: async (req) =>
      presentType(
        req.params.workspaceId,
        await services.schemas.viewType(req.params.workspaceId, Number(req.params.id)),
      ),
  })

  r.get('/objecttype/:id/attributes', {
    config: read,
    schema: {
      tags: ['Object types'],
      summary: 'The attributes of an object type',
      description: 'Answers a JSON array as Assets does; the total is in the X-Total-Count header.',
      params: IdParams,
      querystring: Type.Object({
        startAt: BoundedInteger({ default: 0 }),
        maxResults: BoundedInteger({ minimum: 1, maximum: 1000, default: 1000 }),
      }),
      response: { 200: Type.Array(Type.Ref(AttributeResource)), ...authErrors },
    },
    handler: async (req, reply) => {
      const attrs = await services.schemas.listAttributes(req.params.workspaceId, Number(req.params.id))
      reply.header('x-total-count', String(attrs.length))
      return attrs
        .slice(req.query.startAt, req.query.startAt + req.query.maxResults)
        .map((a) => presentAttribute(req.params.workspaceId, a))
    },
  })

  /** GET object/{id}?include=provenance: the presented object, serialized by its schema, and who wrote each value. */
  const withProvenance = async (req: FastifyRequest, ws: string, id: number) => {
    const object = await presentObjectById(services, req, ws, id)
    const attributeIds = object.attributes.map((a) => Number(a.objectTypeAttributeId))
    const provenance = await provenanceOfObject(services.store.db, id, attributeIds)
    return { ...object, provenance: provenance.map(presentProvenance) }
  }

  r.get('/object/:id', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'Get an object with its values and references',
      description: '`?include=provenance` adds who last wrote each attribute (docs/provenance.md).',
      params: IdParams,
      querystring: IncludeQuery,
      response: { 200: Type.Ref(ObjectResource), ...authErrors },
    },
    // Not an async function: the busiest read of the API is answered without a promise when it can be.
    handler: (req, reply) => {
      const ws = req.params.workspaceId
      const id = Number(req.params.id)
      if (req.query.include === 'provenance') return withProvenance(req, ws, id)
      // Written as JSON text (the same bytes the response schema would make), read at once when the store can.
      const now = objectJsonNow(services, req, ws, id)
      if (now === undefined) {
        // Awaiting the reply waits until it is sent, as returning it from an async handler does.
        return objectJsonById(services, req, ws, id).then(async (json) => {
          await sendJsonText(reply, json)
        })
      }
      // A handler that is not async answers with reply.send() and returns nothing.
      sendJsonText(reply, now)
      return undefined
    },
  })
}
