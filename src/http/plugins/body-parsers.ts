import type { FastifyInstance, FastifyRequest } from 'fastify'
import { JsonTooDeepError, UnsupportedMediaTypeError } from '../../domain/errors.js'

/**
 * Objects and arrays nested deeper than this are refused while parsing: the engine, the change log and
 * JSON.stringify recurse over the data, and ~10,000 levels overflow their stacks (a 500 otherwise).
 */
export const MAX_JSON_DEPTH = 256

type Done = (err: Error | null, body?: unknown) => void

/**
 * How deep `text` nests `{` and `[` outside of strings, stopping as soon as `limit` is passed. Strings are skipped
 * with indexOf (native), not a character at a time: a chunk of pushed entries is mostly string contents, so this
 * visits little more than the structural characters.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // The closing quote: the next one not escaped (preceded by an even number of backslashes).
      for (;;) {
        const end = text.indexOf('"', i + 1)
        if (end === -1) return false // unterminated: JSON.parse refuses it
        let backslashes = 0
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++
        i = end
        if (backslashes % 2 === 0) break
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

/**
 * The body rules of the whole API, in one place:
 * - an empty body is no body, whatever its content type, so a route that takes none never refuses one
 *   (clients send `Content-Type: application/json` with nothing after it);
 * - a non-empty JSON body goes to Fastify's own JSON parser, which refuses `__proto__` and
 *   `constructor.prototype` keys (prototype poisoning), after a check of its nesting depth;
 * - a non-empty body of any other type is 415 "send JSON".
 * Scopes that stream their bodies (file uploads) replace these parsers with their own.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  const parseJson = (request: FastifyRequest, body: string | Buffer, done: Done): void => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') return done(null, undefined)
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return done(JsonTooDeepError({ limit: MAX_JSON_DEPTH }))
    defaultJson(request, text, done)
  }
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson)
  app.addContentTypeParser(/^application\/[\w.+-]+\+json$/, { parseAs: 'string' }, parseJson)
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: string | Buffer, done: Done) => {
      if (body.length === 0 || body.toString('utf8').trim() === '') return done(null, undefined)
      done(UnsupportedMediaTypeError({ contentType: String(request.headers['content-type'] ?? '') }))
    },
  )
}
