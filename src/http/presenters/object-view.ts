import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ObjectReading } from '../../services/object-read.service.js'
import type { Services } from '../../services/services.js'
import { workspaceBase } from '../links.js'
import { objectJson } from './object-json.js'
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

/** The same answer as presentObjectById, as JSON text (objectJson): what GET object/{id} sends. */
export async function objectJsonById(services: Services, req: FastifyRequest, ws: string, id: number) {
  return readingJson(services, req, ws, await services.objectReads.get(ws, id))
}

/** objectJsonById()'s text without an await when the object can be read so (ObjectReadService.readNow). */
export function objectJsonNow(
  services: Services,
  req: FastifyRequest,
  ws: string,
  id: number,
): string | undefined {
  const reading = services.objectReads.readNow(ws, id)
  return reading && readingJson(services, req, ws, reading)
}

function readingJson(services: Services, req: FastifyRequest, ws: string, reading: ObjectReading): string {
  return objectJson(
    ws,
    reading,
    `${workspaceBase(req, services.config.publicUrl, ws)}/object/${reading.object.id}`,
  )
}

/** Sends JSON text as it is: Fastify serializes only what is not a string already. */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json)
}
