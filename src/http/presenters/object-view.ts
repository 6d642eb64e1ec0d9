import type { FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import { workspaceBase } from '../links.js'
import { presentObject } from './repository.presenter.js'

/** Loads an object with what its resource needs (type name, attributes, statuses) and presents it. */
export async function presentObjectById(services: Services, req: FastifyRequest, ws: string, id: number) {
  const object = await services.objects.get(ws, id)
  const [[type], attributes, statuses] = await Promise.all([
    services.schemas.viewTypesForObjects(ws, [object.objectTypeId]),
    services.schemas.listAttributes(ws, object.objectTypeId),
    services.schemas.listStatuses(ws, object.objectSchemaId),
  ])
  return presentObject(ws, object, {
    type: type!,
    attributes,
    statuses,
    selfUrl: `${workspaceBase(req, services.config.publicUrl, ws)}/object/${object.id}`,
  })
}
