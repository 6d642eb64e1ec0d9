import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  AppError,
  BadRequestError,
  BodyTooLargeError,
  InternalError,
  MalformedBodyError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../domain/errors.js'
import { translateDbError } from '../../store/translate-error.js'
import { toFieldProblems, type ValidationIssue } from './validation-problems.js'

/**
 * The one place errors become HTTP answers. The body is
 * `{ code: <HTTP status>, message, error: { code, message, details }, requestId }` — the top level matches the
 * Atlassian gateway's `{"code":401,"message":"Unauthorized"}`, `error.code` is Intake's stable code.
 * 5xx answers never carry details or stack traces; those go to the log with the request id.
 */
export function errorBody(error: AppError, requestId: string): Record<string, unknown> {
  const internal = error.status >= 500
  return {
    ...(internal ? {} : error.topLevel),
    code: error.status,
    message: error.message,
    error: { code: error.code, message: error.message, details: internal ? {} : error.details },
    requestId,
  }
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.code === 'RATE_LIMITED') {
    reply.header(
      'retry-after',
      String((error.details as { retryAfterSeconds?: number }).retryAfterSeconds ?? 60),
    )
  }
  return reply
    .code(error.status)
    .type('application/json')
    .send(errorBody(error, String(reply.request.id)))
}

export function toAppError(error: unknown, maxBodyBytes: number, contentType = ''): AppError {
  const translated = translateDbError(error)
  if (translated instanceof AppError) return translated
  const fe = translated as Partial<FastifyError> & {
    validation?: ValidationIssue[]
    validationContext?: string
  }
  if (Array.isArray(fe.validation)) {
    return ValidationError({ problems: toFieldProblems(fe.validation, fe.validationContext) })
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return BodyTooLargeError({ limitBytes: maxBodyBytes })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return UnsupportedMediaTypeError({ contentType })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return MalformedBodyError({ reason: 'the content type is application/json but the body is empty' })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return MalformedBodyError({ reason: 'the body is not valid JSON' })
  }
  if (translated instanceof SyntaxError && fe.statusCode === 400) {
    return MalformedBodyError({ reason: `the body is not valid JSON (${translated.message})` })
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return BadRequestError({ reason: fe.message ?? 'bad request' })
  }
  return InternalError({}, { cause: error })
}

export function registerErrorHandling(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error, maxBodyBytes, request.headers['content-type'] ?? '')
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: appError.code }, appError.message)
    return sendError(reply, appError)
  })
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, RouteNotFoundError({ method: request.method, url: request.url.split('?')[0] ?? '' })),
  )
}
