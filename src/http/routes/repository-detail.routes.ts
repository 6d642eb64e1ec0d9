import { Type } from '@sinclair/typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services/services.js'
import { presentObjectById } from '../presenters/object-view.js'
import { presentAttribute, presentType } from '../presenters/repository.presenter.js'
import { authErrors, NumericId, WorkspaceParams } from '../schemas/common.schema.js'
import {
  AttributeResource,
  ObjectAttributeResource,
  ObjectHistoryResource,
  ObjectTypeResource,
  ReferenceInfoResource,
} from '../schemas/repository.schema.js'

const read = { auth: { scope: 'read:cmdb-object:jira' as const } }
const IdParams = Type.Intersect([WorkspaceParams, Type.Object({ id: NumericId })])

/** The Assets read routes around one schema or one object: its attributes, types, history and references. */
export function repositoryDetailRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.get('/objectschema/:id/objecttypes', {
    config: read,
    schema: {
      tags: ['Object schemas'],
      summary: 'All object types of a schema, parents before children',
      description:
        'Each type carries parentObjectTypeId, so the tree can be rebuilt. Intake has no abstract types, so ' +
        'excludeAbstract=true answers the same list.',
      params: IdParams,
      querystring: Type.Object({ excludeAbstract: Type.Boolean({ default: false }) }),
      response: { 200: Type.Array(Type.Ref(ObjectTypeResource)), ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const types = await services.schemas.listTypes(ws, Number(req.params.id))
      return types.map((t) => presentType(ws, t))
    },
  })

  r.get('/objectschema/:id/attributes', {
    config: read,
    schema: {
      tags: ['Object schemas'],
      summary: 'All attributes of all object types of a schema',
      description:
        'query keeps the attributes whose name contains it (case-insensitive); extended=true adds each ' +
        'attribute’s objectType. Every Intake attribute is value-editable, so onlyValueEditable=true answers ' +
        'the same list.',
      params: IdParams,
      querystring: Type.Object({
        query: Type.Optional(Type.String({ maxLength: 255 })),
        extended: Type.Boolean({ default: false }),
        onlyValueEditable: Type.Boolean({ default: false }),
      }),
      response: { 200: Type.Array(Type.Ref(AttributeResource)), ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const schemaId = Number(req.params.id)
      const needle = req.query.query?.toLowerCase()
      const attrs = (await services.schemas.schemaAttributes(ws, schemaId)).filter(
        (a) => needle === undefined || a.name.toLowerCase().includes(needle),
      )
      if (!req.query.extended) return attrs.map((a) => presentAttribute(ws, a))
      const types = new Map((await services.schemas.listTypes(ws, schemaId)).map((t) => [t.id, t]))
      return attrs.map((a) => ({
        ...presentAttribute(ws, a),
        objectType: presentType(ws, types.get(a.objectTypeId)!),
      }))
    },
  })

  r.get('/object/:id/attributes', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'The attribute values of an object, each with its objectTypeAttribute',
      params: IdParams,
      response: { 200: Type.Array(ObjectAttributeResource), ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const object = await presentObjectById(services, req, ws, Number(req.params.id))
      const attrs = await services.schemas.listAttributes(ws, Number(object.objectType.id))
      return object.attributes.map((a) => ({
        ...a,
        objectTypeAttribute: presentAttribute(
          ws,
          attrs.find((x) => String(x.id) === a.objectTypeAttributeId)!,
        ),
      }))
    },
  })

  r.get('/object/:id/history', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'The history of an object: its creation and every change of its values',
      description:
        'From the imports’ change log and the object API’s writes. type 0: the object was created; type 1: ' +
        'the values of affectedAttribute changed from oldValue to newValue (several values joined by ", ", ' +
        'references as the target’s label). Newest first unless asc=true.',
      params: IdParams,
      querystring: Type.Object({ asc: Type.Boolean({ default: false }) }),
      response: { 200: Type.Array(ObjectHistoryResource), ...authErrors },
    },
    handler: async (req) =>
      services.objectHistory.list(req.params.workspaceId, Number(req.params.id), { asc: req.query.asc }),
  })

  r.get('/object/:id/referenceinfo', {
    config: read,
    schema: {
      tags: ['Objects'],
      summary: 'The objects linked to an object, per object type',
      description:
        'One entry per object type with objects this object references or that reference it. ' +
        'numberOfReferencedObjects counts distinct objects in both directions; referenceTypes are the ' +
        'reference attributes that carry the links (Intake has no separate reference types).',
      params: IdParams,
      response: { 200: Type.Array(ReferenceInfoResource), ...authErrors },
    },
    handler: async (req) => {
      const ws = req.params.workspaceId
      const infos = await services.objectLinks.referenceInfo(ws, Number(req.params.id))
      return infos.map((info) => ({
        objectType: presentType(ws, info.objectType),
        numberOfReferencedObjects: info.numberOfReferencedObjects,
        openIssuesExists: false,
        referenceTypes: info.links.map(({ attribute, direction }) => ({
          workspaceId: ws,
          globalId: `${ws}:${attribute.id}:${direction}`,
          id: String(attribute.id),
          name: attribute.name,
          description: direction,
        })),
      }))
    },
  })
}
