import { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import { Value } from '@sinclair/typebox/value'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { ValidationError } from '../../domain/errors.js'
import { UploadMissingError, UploadTooLargeError } from '../../domain/import-source/file-import-errors.js'
import type { ImportFileInfo } from '../../services/import-file.service.js'
import type { Services } from '../../services/services.js'
import { malformedMultipart } from '../multipart-errors.js'
import { guarded } from '../upload-stream.js'
import { Type } from '@sinclair/typebox'
import { authErrors, ErrorResponse } from '../schemas/common.schema.js'
import {
  DiscoverQuery,
  DiscoveryResource,
  FileResource,
  ServerFileBody,
  UploadQuery,
} from '../schemas/file-import.schema.js'
import { ImportSourceParams } from '../schemas/import-source.schema.js'

const config = { auth: { scope: 'import:import-configuration:cmdb' as const, container: true } }
const tags = ['File imports']
const errors = { ...authErrors, 409: Type.Ref(ErrorResponse), 413: Type.Ref(ErrorResponse) }
/** A JSON body up to this size is read to see whether it names a server-side file (`{"path": …}`). */
const SNIFF_BYTES = 4096

const presentFile = (f: ImportFileInfo) => ({ ...f })

function isJson(contentType: string | undefined): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '')
}

/** `filename` of a Content-Disposition header, if any. */
function dispositionName(header: string | undefined): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through to the plain form */
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1] ?? null
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * The file of a file import source and its discovery, in a scope of their own: the body of `PUT …/file` is never
 * buffered (any content type streams to disk; multipart/form-data through @fastify/multipart), and the app's
 * body limit does not apply to it — INTAKE_MAX_UPLOAD_BYTES does, counted while streaming.
 */
export async function importFileScope(app: FastifyInstance, services: Services): Promise<void> {
  const files = services.importFiles
  const max = files.maxUploadBytes
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: max + 1, files: 1, fields: 16, parts: 32 },
    })
    const r = scope.withTypeProvider<TypeBoxTypeProvider>()
    const F = '/importsource/:importSourceId/file'

    r.put(F, {
      config,
      bodyLimit: Math.min(Number.MAX_SAFE_INTEGER, max + 1024 * 1024),
      schema: {
        tags,
        summary: 'Upload the source’s file, or name a file inside INTAKE_IMPORT_DIR',
        description:
          'The body is the file: any content type (application/octet-stream, text/csv, application/json, …) is ' +
          'streamed to disk, or multipart/form-data with the field `file`. A JSON body of at most 4 KiB that is an ' +
          'object with a `path` member instead names a server-side file inside INTAKE_IMPORT_DIR ' +
          '(`{"path": "relative/or/absolute"}`). Raw uploads take their name from `?name=` or Content-Disposition. ' +
          'Larger than INTAKE_MAX_UPLOAD_BYTES: 413 UPLOAD_TOO_LARGE, the previous file stays.',
        params: ImportSourceParams,
        querystring: UploadQuery,
        consumes: ['application/octet-stream', 'text/csv', 'application/json', 'multipart/form-data'],
        response: { 200: FileResource, ...errors },
      },
      handler: async (req, reply) => {
        const { workspaceId: ws, importSourceId: id } = req.params
        await files.fileSource(ws, id)
        const tooLarge = () => {
          req.raw.resume()
          void reply.header('connection', 'close')
          return UploadTooLargeError({ limitBytes: max })
        }
        const onError = (error: unknown) => {
          if (UploadTooLargeError.is(error)) void reply.header('connection', 'close')
          const malformed = malformedMultipart(error)
          if (malformed) throw malformed
          const code = (error as { code?: unknown }).code
          if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') {
            throw UploadMissingError({ reason: 'the upload was interrupted before its end' })
          }
          throw error
        }
        if (req.isMultipart()) {
          const part = await req.file().catch((error: unknown) => {
            throw malformedMultipart(error) ?? error
          })
          if (!part) throw UploadMissingError({ reason: 'the multipart body has no file part' })
          if (part.fieldname !== 'file') {
            part.file.resume()
            throw UploadMissingError({
              reason: `the file part must be named "file", not "${part.fieldname}"`,
            })
          }
          const info = await guarded(part.file, (body) =>
            files.storeUpload(ws, id, body, { name: part.filename, contentType: part.mimetype }),
          ).catch(onError)
          return presentFile(info)
        }
        const contentType = req.headers['content-type']
        const declared = Number(req.headers['content-length'] ?? NaN)
        if (Number.isFinite(declared) && declared > max) throw tooLarge()
        let body = (req.body as Readable | undefined) ?? req.raw
        if (isJson(contentType) && Number.isFinite(declared) && declared <= SNIFF_BYTES) {
          const bytes = await readAll(body)
          let parsed: unknown
          try {
            parsed = JSON.parse(bytes.toString('utf8'))
          } catch {
            parsed = undefined
          }
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && 'path' in parsed) {
            const problems = [...Value.Errors(ServerFileBody, parsed)].map((e) => ({
              field: `body${e.path.replace(/\//g, '.')}`,
              message: e.message,
            }))
            if (problems.length > 0) throw ValidationError({ problems })
            return presentFile(await files.useServerFile(ws, id, (parsed as { path: string }).path))
          }
          body = Readable.from([bytes])
        }
        const name = req.query.name ?? dispositionName(req.headers['content-disposition'])
        const info = await guarded(body, (stream) =>
          files.storeUpload(ws, id, stream, { name, contentType: contentType ?? null }),
        ).catch(onError)
        return presentFile(info)
      },
    })

    r.get(F, {
      config,
      schema: {
        tags,
        summary: 'The source’s file: name, size and upload time (never the content)',
        params: ImportSourceParams,
        response: { 200: FileResource, ...authErrors },
      },
      handler: async (req) =>
        presentFile(await files.info(req.params.workspaceId, req.params.importSourceId)),
    })

    r.get('/importsource/:importSourceId/discover', {
      config,
      schema: {
        tags,
        summary:
          'Discover the fields of the source (its file, or its tables, searches or endpoints); generate=true also ' +
          'proposes a schema + mapping',
        params: ImportSourceParams,
        querystring: DiscoverQuery,
        response: { 200: DiscoveryResource, ...errors },
      },
      handler: async (req) => {
        const { workspaceId: ws, importSourceId: id } = req.params
        const q = req.query
        const found = await services.fileImports.discover(ws, id, {
          generate: q.generate,
          sampleSize: q.sampleSize,
          ...(q.objectTypeName !== undefined && { objectTypeName: q.objectTypeName }),
          ...(q.objectSchemaName !== undefined && { objectSchemaName: q.objectSchemaName }),
        })
        return {
          importSourceId: found.importSourceId,
          type: found.type,
          ...(found.file !== undefined && { file: presentFile(found.file) }),
          roots: found.schema.roots,
          ...(found.document !== undefined && { document: found.document }),
        }
      },
    })
  })
}
