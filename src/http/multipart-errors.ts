import { MalformedBodyError, type AppError } from '../domain/errors.js'

/**
 * A multipart body the parser (busboy, through @fastify/multipart) cannot read: no `boundary` parameter, a boundary
 * longer than 256 characters, no closing boundary, a part cut short, a malformed part header, a request closed
 * mid-body. busboy's errors carry no code, only these messages; left alone they became 500s.
 */
const PARSER_MESSAGE =
  /boundary not found|boundary required|needle|unexpected end of (multipart data|form)|terminated early|malformed part header/i
const PLUGIN_CODES = new Set([
  'FST_MP_PREMATURE_CLOSE',
  'FST_PROTO_VIOLATION',
  'FST_INVALID_JSON_FIELD_ERROR',
])

/** The 400 for a multipart body that cannot be parsed, or null when `error` is something else. */
export function malformedMultipart(error: unknown): AppError | null {
  if (!(error instanceof Error)) return null
  const code = (error as { code?: unknown }).code
  if (
    (typeof code === 'string' && PLUGIN_CODES.has(code)) ||
    (code === undefined && PARSER_MESSAGE.test(error.message))
  ) {
    return MalformedBodyError({ reason: `the multipart/form-data body is malformed: ${error.message}` })
  }
  return null
}
