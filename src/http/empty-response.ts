import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'

/**
 * One rule for every route the Assets docs describe as "This status code has no content" (data, progress, cancel,
 * history/failed, history/completed, mapping PUT/PATCH, deletes): the answer has an empty body — no `null`, no
 * `{}`, no content type. The schema is `type: null` only so that the OpenAPI document lists the status without
 * content; the body is never serialised.
 */
export const Empty = (description: string) => Type.Null({ description })

/** Answers `status` with an empty body. */
export function sendEmpty(reply: FastifyReply, status: 200 | 204 | 303): FastifyReply {
  reply.removeHeader('content-type')
  return reply.code(status).send()
}
