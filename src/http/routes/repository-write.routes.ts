import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import { Empty, sendEmpty } from '../empty-response.js'
import type { AttributeValuesInput } from '../../services/object.service.js'
import { presentObjectById } from '../presenters/object-view.js'
import { presentAttribute, presentSchema, presentType } from '../presenters/repository.presenter.js'
import { authErrors, ErrorResponse, NumericId, WorkspaceParams } from '../schemas/common.schema.js'
import {
  AttributeResource,
  ObjectResource,
  ObjectSchemaResource,
  ObjectTypeResource,
} from '../schemas/repository.schema.js'
import {
  CreateAttributeBody,
  CreateObjectBody,
  CreateObjectSchemaBody,
  CreateObjectTypeBody,
  CreateStatusBody,
  UpdateObjectBody,
} from '../schemas/repository-write.schema.js'

const admin = { auth: { scope: 'admin' as const } }
const write = { auth: { scope: 'write:cmdb-object:jira' as const } }
const IdParams = Type.Intersect([WorkspaceParams, Type.Object({ id: NumericId })])
const writeErrors = { ...authErrors, 409: Type.Ref(ErrorResponse) }

/** Write API of the repository (Assets paths): schemas, types, attributes and statuses (admin), objects (write scope). */
export function repositoryWriteRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.post('/objectschema/create', {
    config: admin,
    schema: {
      tags: ['Object schemas'],
      summary: 'Create an object schema',
      params: WorkspaceParams,
      body: CreateObjectSchemaBody,
      response: { 201: Type.Ref(ObjectSchemaResource), ...writeErrors },
    },
    handler: async (req, reply) => {
      const ws = req.params.workspaceId
      const created = await services.schemas.createSchema(ws, req.body)
      return reply.code(201).send(presentSchema(ws, await services.schemas.viewSchema(ws, created.id)))
    },
  })

  r.post('/objecttype/create', {
    config: admin,
    schema: {
      tags: ['Object types'],
      summary: 'Create an object type',
      params: WorkspaceParams,
      body: CreateObjectTypeBody,
      response: { 201: Type.Ref(ObjectTypeResource), ...writeErrors },
    },
    handler: async (req, reply) => {
      const ws = req.params.workspaceId
      const b = req.body
      const created = await services.schemas.createType(ws, {
        name: b.name,
        objectSchemaId: Number(b.objectSchemaId),
        parentObjectTypeId: b.parentObjectTypeId === undefined ? null : Number(b.parentObjectTypeId),
        ...(b.description !== undefined ? { description: b.description } : {}),
        ...(b.externalId !== undefined ? { externalId: b.externalId } : {}),
        ...(b.iconKey !== undefined ? { iconKey: b.iconKey } : {}),
      })
      return reply.code(201).send(presentType(ws, await services.schemas.viewType(ws, created.id)))
    },
  })

  r.post('/objecttypeattribute/:id', {
    config: admin,
    schema: {
      tags: ['Object types'],
      summary: 'Add an attribute to an object type',
      params: IdParams,
      body: CreateAttributeBody,
      response: { 201: Type.Ref(AttributeResource), ...writeErrors },
    },
    handler: async (req, reply) => {
      const ws = req.params.workspaceId
      const b = req.body
      const created = await services.schemas.createAttribute(ws, Number(req.params.id), {
        name: b.name,
        kind: b.kind,
        ...(b.description !== undefined ? { description: b.description } : {}),
        ...(b.label !== undefined ? { label: b.label } : {}),
        ...(b.minimumCardinality !== undefined ? { minimumCardinality: b.minimumCardinality } : {}),
        ...(b.maximumCardinality !== undefined ? { maximumCardinality: b.maximumCardinality } : {}),
        ...(b.uniqueAttribute !== undefined ? { unique: b.uniqueAttribute } : {}),
        ...(b.indexed !== undefined ? { indexed: b.indexed } : {}),
        ...(b.referenceObjectTypeId !== undefined
          ? { referenceObjectTypeId: Number(b.referenceObjectTypeId) }
          : {}),
        ...(b.allowedValues !== undefined ? { allowedValues: b.allowedValues } : {}),
        ...(b.externalId !== undefined ? { externalId: b.externalId } : {}),
      })
      return reply.code(201).send(presentAttribute(ws, created))
    },
  })

  r.post('/status/create', {
    config: admin,
    schema: {
      tags: ['Object schemas'],
      summary: 'Create a status (global, or of one schema with objectSchemaId)',
      params: WorkspaceParams,
      body: CreateStatusBody,
      response: {
        201: Type.Object({
          id: Type.String(),
          name: Type.String(),
          description: Type.String(),
          category: Type.String(),
          objectSchemaId: Type.Union([Type.String(), Type.Null()]),
        }),
        ...writeErrors,
      },
    },
    handler: async (req, reply) => {
      const b = req.body
      const s = await services.schemas.createStatus(req.params.workspaceId, {
        name: b.name,
        category: b.category,
        objectSchemaId: b.objectSchemaId === undefined ? null : Number(b.objectSchemaId),
        ...(b.description !== undefined ? { description: b.description } : {}),
      })
      return reply.code(201).send({
        id: String(s.id),
        name: s.name,
        description: s.description,
        category: s.category,
        objectSchemaId: s.objectSchemaId === null ? null : String(s.objectSchemaId),
      })
    },
  })

  r.post('/object/create', {
    config: write,
    schema: {
      tags: ['Objects'],
      summary: 'Create an object',
      params: WorkspaceParams,
      body: CreateObjectBody,
      response: { 201: Type.Ref(ObjectResource), ...writeErrors },
    },
    handler: async (req, reply) => {
      const ws = req.params.workspaceId
      const o = await services.store.db.transaction().execute((trx) =>
        services.objects.in(trx).create(ws, {
          objectTypeId: Number(req.body.objectTypeId),
          attributes: toInputs(req.body.attributes),
          actor: actorOf(req),
        }),
      )
      return reply.code(201).send(await presentObjectById(services, req, ws, o.id))
    },
  })

  r.put('/object/:id', {
    config: write,
    schema: {
      tags: ['Objects'],
      summary: 'Replace the values of the named attributes of an object (the others keep theirs)',
      params: IdParams,
      body: UpdateObjectBody,
      response: { 200: Type.Ref(ObjectResource), ...writeErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const id = Number(req.params.id)
      await services.store.db
        .transaction()
        .execute((trx) =>
          services.objects.in(trx).update(ws, id, toInputs(req.body.attributes), actorOf(req)),
        )
      return presentObjectById(services, req, ws, id)
    },
  })

  r.delete('/object/:id', {
    config: write,
    schema: {
      tags: ['Objects'],
      summary: 'Delete an object (its key is never reused)',
      params: IdParams,
      response: { 204: Empty('Deleted'), ...authErrors },
    },
    handler: async (req, reply) => {
      const ws = req.params.workspaceId
      await services.store.db
        .transaction()
        .execute((trx) => services.objects.in(trx).remove(ws, Number(req.params.id)))
      return sendEmpty(reply, 204)
    },
  })
}

/** Who writes, for the object's history: the token's id (never its secret). */
function actorOf(req: FastifyRequest): string | null {
  return req.principal ? `token:${req.principal.tokenId}` : null
}

function toInputs(
  attributes: { objectTypeAttributeId: string | number; objectAttributeValues: { value: unknown }[] }[],
): AttributeValuesInput[] {
  return attributes.map((a) => ({
    attribute: Number(a.objectTypeAttributeId),
    values: a.objectAttributeValues.map((v) => v.value),
  }))
}
