import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { ErrorResponse } from '../schemas/common.schema.js'

/** Methods whose requests may carry a body, and so can be too large (413) or of the wrong type (415). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The 4xx answers every authenticated route can give, whatever it does. */
const AUTHENTICATED_ERRORS = [400, 401, 403, 404, 429] as const
/** What the body parser answers before a handler runs. */
const BODY_ERRORS = [413, 415] as const

/**
 * A stable operationId from the method and the path: `GET /…/v1/importsource/:importSourceId/executions` →
 * `getImportsourceByImportSourceIdExecutions`. The API prefix is dropped, static segments are camel-cased and
 * path parameters become `By<Name>`, so two routes never share one.
 */
export function operationIdFor(method: string, url: string, prefix: string): string {
  const rest = url.startsWith(prefix) ? url.slice(prefix.length) : url
  const words = rest
    .split('/')
    .filter((segment) => segment !== '')
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', ...splitWords(segment.slice(1))] : splitWords(segment),
    )
  return [method.toLowerCase(), ...words.map(capitalise)].join('')
}

function splitWords(segment: string): string[] {
  return segment.split(/[^A-Za-z0-9]+/).filter((w) => w !== '')
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/**
 * Conventions every route of the OpenAPI document follows, applied in one place so that routes added anywhere get
 * them: an operationId derived from method and path, and the standard error answers (auth, validation, 404, rate
 * limit; 413 and 415 for methods with a body) where the route does not declare its own. Register before any route.
 */
export function registerOpenApiConventions(app: FastifyInstance, apiPrefix: string): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema
    if (schema === undefined || schema.hide === true) return
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const method = methods[0] ?? 'GET'
    if (method === 'HEAD') return
    const operationId =
      (schema as { operationId?: string }).operationId ?? operationIdFor(method, route.url, apiPrefix)
    const isPublic = route.config?.auth?.public === true
    const codes: number[] = isPublic ? [] : [...AUTHENTICATED_ERRORS]
    if (!isPublic && methods.some((m) => BODY_METHODS.has(m))) codes.push(...BODY_ERRORS)
    const response = { ...((schema.response ?? {}) as Record<string, unknown>) }
    for (const code of codes) {
      if (
        response[code] === undefined &&
        response[String(code)] === undefined &&
        response['4xx'] === undefined
      ) {
        response[code] = Type.Ref(ErrorResponse) satisfies TSchema
      }
    }
    route.schema = { ...schema, operationId, ...(Object.keys(response).length > 0 && { response }) }
  })
}
