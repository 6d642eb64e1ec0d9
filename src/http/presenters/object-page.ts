import type { Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import type { ObjectView } from '../../services/object.service.js'
import { workspaceBase } from '../links.js'
import type { AttributeResource, ObjectResource } from '../schemas/repository.schema.js'
import { presentAttribute, presentObject } from './repository.presenter.js'

export interface PresentedObjects {
  values: Static<typeof ObjectResource>[]
  objectTypeAttributes: Static<typeof AttributeResource>[]
}

/**
 * Presents a page of objects exactly as GET object/{id} does, loading what the resources need once per page (the
 * types, their attributes and the schemas' statuses), not once per object. objectTypeAttributes are the
 * attributes of the types on the page.
 */
export async function presentObjectPage(
  services: Services,
  req: FastifyRequest,
  ws: string,
  objects: readonly ObjectView[],
  includeAttributes: boolean,
): Promise<PresentedObjects> {
  const typeIds = [...new Set(objects.map((o) => o.objectTypeId))]
  const schemaIds = [...new Set(objects.map((o) => o.objectSchemaId))]
  const [types, attributes, statuses] = await Promise.all([
    services.schemas.viewTypesForObjects(ws, typeIds),
    services.schemas.attributesOfTypes(typeIds),
    Promise.all(schemaIds.map(async (id) => [id, await services.schemas.listStatuses(ws, id)] as const)),
  ])
  const typeOf = new Map(types.map((t) => [t.id, t]))
  const statusesOf = new Map(statuses)
  const base = workspaceBase(req, services.config.publicUrl, ws)
  const values = objects.map((o) =>
    presentObject(ws, o, {
      type: typeOf.get(o.objectTypeId)!,
      attributes: attributes.filter((a) => a.objectTypeId === o.objectTypeId),
      statuses: statusesOf.get(o.objectSchemaId) ?? [],
      selfUrl: `${base}/object/${o.id}`,
      includeAttributes,
    }),
  )
  return {
    values,
    objectTypeAttributes: attributes.map((a) => presentAttribute(ws, a)),
  }
}
