import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { Empty, sendEmpty } from '../empty-response.js'
import { presentStatus, statusCategoryOf } from '../presenters/repository.presenter.js'
import { authErrors, ErrorResponse, NumericId, WorkspaceParams } from '../schemas/common.schema.js'
import { StatusTypeResource } from '../schemas/repository.schema.js'
import { StatusTypeBody } from '../schemas/repository-write.schema.js'

const read = { auth: { scope: 'read:cmdb-object:jira' as const } }
const admin = { auth: { scope: 'admin' as const } }
const IdParams = Type.Intersect([WorkspaceParams, Type.Object({ id: NumericId })])
const errors = { ...authErrors, 409: Type.Ref(ErrorResponse) }
const tags = ['Statuses']

const schemaIdOf = (v: string | number | null | undefined): number | null | undefined =>
  v === undefined || v === null ? v : Number(v)

/** Assets status types (`config/statustype`): global statuses and statuses of one schema. */
export function statusTypeRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const statuses = services.schemas.statuses

  r.get('/config/statustype', {
    config: read,
    schema: {
      tags,
      summary:
        'The global statuses, or with objectSchemaId those visible in the schema (its own and the global ones)',
      params: WorkspaceParams,
      querystring: Type.Object({ objectSchemaId: Type.Optional(NumericId) }),
      response: { 200: Type.Array(StatusTypeResource), ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const schemaId = schemaIdOf(req.query.objectSchemaId) ?? null
      if (schemaId !== null) await services.schemas.getSchema(ws, schemaId)
      return (await statuses.list(ws, schemaId)).map(presentStatus)
    },
  })

  r.post('/config/statustype', {
    config: admin,
    schema: {
      tags,
      summary: 'Create a status (global, or of one schema with objectSchemaId)',
      description: '409 when a status of that name is already visible in the scope.',
      params: WorkspaceParams,
      body: StatusTypeBody,
      response: { 201: StatusTypeResource, ...errors },
    },
    handler: async (req, reply) => {
      const b = req.body
      const created = await statuses.create(req.params.workspaceId, {
        name: b.name,
        category: statusCategoryOf(b.category),
        objectSchemaId: schemaIdOf(b.objectSchemaId) ?? null,
        ...(b.description !== undefined ? { description: b.description } : {}),
      })
      return reply.code(201).send(presentStatus(created))
    },
  })

  r.get('/config/statustype/:id', {
    config: read,
    schema: {
      tags,
      summary: 'One status',
      params: IdParams,
      response: { 200: StatusTypeResource, ...authErrors },
    },
    handler: async (req) => presentStatus(await statuses.get(req.params.workspaceId, Number(req.params.id))),
  })

  r.put('/config/statustype/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'Change a status’s name, description or category',
      description:
        'Objects hold a status by its name: a status that objects hold is not renamed (409). The scope ' +
        '(objectSchemaId) never changes (400).',
      params: IdParams,
      body: StatusTypeBody,
      response: { 200: StatusTypeResource, ...errors },
    },
    handler: async (req) => {
      const b = req.body
      const schemaId = schemaIdOf(b.objectSchemaId)
      const updated = await services.store.db.transaction().execute((trx) =>
        services.schemas.in(trx).statuses.update(req.params.workspaceId, Number(req.params.id), {
          name: b.name,
          category: statusCategoryOf(b.category),
          ...(b.description !== undefined ? { description: b.description } : {}),
          ...(schemaId !== undefined ? { objectSchemaId: schemaId } : {}),
        }),
      )
      return presentStatus(updated)
    },
  })

  r.delete('/config/statustype/:id', {
    config: admin,
    schema: {
      tags,
      summary: 'Delete a status (409 while objects hold it)',
      params: IdParams,
      response: { 204: Empty('Deleted'), ...errors },
    },
    handler: async (req, reply) => {
      await statuses.remove(req.params.workspaceId, Number(req.params.id))
      return sendEmpty(reply, 204)
    },
  })
}
