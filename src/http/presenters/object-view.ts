import type { FastifyRequest } from 'fastify'
import type { Services } from '../../services/services.js'
import { workspaceBase } from '../links.js'
import { presentObject } from './repository.presenter.js'

/** Loads an object with what its resource needs (type, attributes, statuses: ObjectReadService) and presents it. */
export async function presentObjectById(services: Services, req: FastifyRequest, ws: string, id: number) {
  const { object, type, attributes, statuses } = await services.objectReads.get(ws, id)
  return presentObject(ws, object, {
    type,
    attributes,
    statuses,
    selfUrl: `${workspaceBase(req, services.config.publicUrl, ws)}/object/${object.id}`,
  })
}
