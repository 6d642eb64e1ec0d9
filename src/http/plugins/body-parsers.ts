import type { FastifyInstance, FastifyRequest } from 'fastify'
import { JsonTooDeepError, UnsupportedMediaTypeError } from '../../domain/errors.js'
import { deferData, keepDataText } from '../chunk-data-text.js'
import { scanJson } from '../json-scan.js'
import { plainChunkData } from '../plain-json.js'

/**
 * Objects and arrays nested deeper than this are refused while parsing: the engine, the change log and
 * JSON.stringify recurse over the data, and ~10,000 levels overflow their stacks (a 500 otherwise).
 */
export const MAX_JSON_DEPTH = 256

type Done = (err: Error | null, body?: unknown) => void

/** How deep `text` nests `{` and `[` outside of strings, stopping as soon as `limit` is passed (json-scan.ts). */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  return scanJson(text, limit).tooDeep
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
    // A compact push chunk: checked in one pass, only the rest of the body is parsed, `data` when it is first read.
    const plain = plainChunkData(text, MAX_JSON_DEPTH)
    if (plain !== null) {
      const dataText = text.slice(plain.start, plain.end)
      defaultJson(request, `${text.slice(0, plain.start)}null${text.slice(plain.end)}`, (err, body) => {
        if (!err) deferData(body, dataText, plain.keys)
        done(err, body)
      })
      return
    }
    const scan = scanJson(text, MAX_JSON_DEPTH)
    if (scan.tooDeep) return done(JsonTooDeepError({ limit: MAX_JSON_DEPTH }))
    const dataText = scan.dataText
    // A push chunk's data as sent, kept with the parsed body so the chunk is stored without serialising it again.
    if (dataText === null) defaultJson(request, text, done)
    else
      defaultJson(request, text, (err, body) => {
        if (!err) keepDataText(body, dataText)
        done(err, body)
      })
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
