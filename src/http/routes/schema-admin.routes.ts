import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { Empty, sendEmpty } from '../empty-response.js'
import { presentAttribute, presentSchema, presentType } from '../presenters/repository.presenter.js'
import { authErrors, ErrorResponse, NumericId, WorkspaceParams } from '../schemas/common.schema.js'
import { AttributeResource, ObjectSchemaResource, ObjectTypeResource } from '../schemas/repository.schema.js'
import {
  UpdateAttributeBody,
  UpdateObjectSchemaBody,
  UpdateObjectTypeBody,
} from '../schemas/repository-write.schema.js'

const admin = { auth: { scope: 'admin' as const } }
const IdParams = Type.Intersect([WorkspaceParams, Type.Object({ id: NumericId })])
const TypeAttributeParams = Type.Intersect([
  WorkspaceParams,
  Type.Object({ typeId: NumericId, id: NumericId }),
])
const errors = { ...authErrors, 409: Type.Ref(ErrorResponse) }

const DELETE_RULE =
  'Nothing that depends on what is deleted goes with it: 409 CONFLICT names what still depends on it.'

/** Changing and deleting schemas, object types and attributes (Assets paths; admin scope). */
export function schemaAdminRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const inTransaction = <T>(work: (schemas: Services['schemas']) => Promise<T>): Promise<T> =>
    services.store.db.transaction().execute((trx) => work(services.schemas.in(trx)))

  r.put('/objectschema/:id', {
    config: admin,
    schema: {
      tags: ['Object schemas'],
      summary: 'Change an object schema’s name, key or description',
      description: 'The key changes only while the schema has no objects (409 otherwise).',
      params: IdParams,
      body: UpdateObjectSchemaBody,
      response: { 200: Type.Ref(ObjectSchemaResource), ...errors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const id = Number(req.params.id)
      await inTransaction((schemas) => schemas.updateSchema(ws, id, req.body))
      return presentSchema(ws, await services.schemas.viewSchema(ws, id))
    },
  })

  r.delete('/objectschema/:id', {
    config: admin,
    schema: {
      tags: ['Object schemas'],
      summary: 'Delete an empty object schema with its types, attributes and statuses; answers it',
      description: `409 while the schema has objects, an import source imports into it, or attributes of other schemas reference its types. ${DELETE_RULE}`,
      params: IdParams,
      response: { 200: Type.Ref(ObjectSchemaResource), ...errors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const id = Number(req.params.id)
      const view = presentSchema(ws, await services.schemas.viewSchema(ws, id))
      await inTransaction((schemas) => schemas.removeSchema(ws, id))
      return view
    },
  })

  r.put('/objecttype/:id', {
    config: admin,
    schema: {
      tags: ['Object types'],
      summary: 'Change an object type’s name, description or icon',
      description:
        'A type that an import source’s mapping declares is renamed through that mapping (409 here).',
      params: IdParams,
      body: UpdateObjectTypeBody,
      response: { 200: Type.Ref(ObjectTypeResource), ...errors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const id = Number(req.params.id)
      const { name, description, iconId, iconKey } = req.body
      const icon = iconKey ?? iconId
      await inTransaction((schemas) =>
        schemas.types.update(ws, id, {
          ...(name !== undefined ? { name } : {}),
          ...(description !== undefined ? { description } : {}),
          ...(icon !== undefined ? { iconKey: icon } : {}),
        }),
      )
      return presentType(ws, await services.schemas.viewType(ws, id))
    },
  })

  r.delete('/objecttype/:id', {
    config: admin,
    schema: {
      tags: ['Object types'],
      summary: 'Delete an object type with its attributes; answers it',
      description: `409 while the type has objects or child types, attributes of other types reference it, or an import source’s mapping declares it. ${DELETE_RULE}`,
      params: IdParams,
      response: { 200: Type.Ref(ObjectTypeResource), ...errors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const id = Number(req.params.id)
      const view = presentType(ws, await services.schemas.viewType(ws, id))
      await inTransaction((schemas) => schemas.types.remove(ws, id))
      return view
    },
  })

  r.put('/objecttypeattribute/:typeId/:id', {
    config: admin,
    schema: {
      tags: ['Object types'],
      summary: 'Change an attribute of an object type',
      description:
        'name, label, description, cardinality, uniqueAttribute, indexed, options / allowedValues (select and status). ' +
        'An attribute’s type never changes (kind must be the current one). An attribute that an import ' +
        'source’s mapping declares is renamed through that mapping (409 here). uniqueAttribute true is refused (409) ' +
        'while two objects of the type hold the same value; the message names them.',
      params: TypeAttributeParams,
      body: UpdateAttributeBody,
      response: { 200: Type.Ref(AttributeResource), ...errors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const b = req.body
      const allowed = b.allowedValues ?? (b.options === undefined ? undefined : splitOptions(b.options))
      const updated = await inTransaction((schemas) =>
        schemas.attributes.update(ws, Number(req.params.id), Number(req.params.typeId), {
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.label !== undefined ? { label: b.label } : {}),
          ...(b.description !== undefined ? { description: b.description } : {}),
          ...(b.kind !== undefined ? { kind: b.kind } : {}),
          ...(b.minimumCardinality !== undefined ? { minimumCardinality: b.minimumCardinality } : {}),
          ...(b.maximumCardinality !== undefined ? { maximumCardinality: b.maximumCardinality } : {}),
          ...(b.uniqueAttribute !== undefined ? { unique: b.uniqueAttribute } : {}),
          ...(b.indexed !== undefined ? { indexed: b.indexed } : {}),
          ...(allowed !== undefined ? { allowedValues: allowed } : {}),
        }),
      )
      return presentAttribute(ws, updated)
    },
  })

  r.delete('/objecttypeattribute/:id', {
    config: admin,
    schema: {
      tags: ['Object types'],
      summary: 'Delete an attribute',
      description: `409 while any object holds a value or reference in it, or an import source’s mapping declares it. ${DELETE_RULE}`,
      params: IdParams,
      response: { 204: Empty('Deleted'), ...errors },
    },
    handler: async (req, reply) => {
      await inTransaction((schemas) =>
        schemas.attributes.remove(req.params.workspaceId, Number(req.params.id)),
      )
      return sendEmpty(reply, 204)
    },
  })
}

function splitOptions(options: string): string[] {
  return options
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
}
