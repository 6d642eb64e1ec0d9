import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { UnsupportedMediaTypeError, ValidationError } from '../../domain/errors.js'
import { UploadMissingError, UploadTooLargeError } from '../../domain/import-source/file-import-errors.js'
import { canonicalLocale } from '../../domain/upload-job/locale-values.js'
import type { UploadFileType } from '../../domain/upload-job/upload-job.types.js'
import type { Services } from '../../services/services.js'
import type { StoredUpload } from '../../services/upload-job.service.js'
import { toAppError } from '../plugins/error-handler.js'
import { guarded } from '../upload-stream.js'
import { presentUploadError, presentUploadJob } from '../presenters/upload-job.presenter.js'
import {
  EntityParams,
  ErrorEnvelope,
  JobEnvelope,
  JobParams,
  JobQuery,
  UploadFields,
  UploadHeaders,
} from '../schemas/upload-job.schema.js'

const config = { auth: { scope: 'import:import-configuration:cmdb' as const } }
const tags = ['Upload jobs']
const envelope = Type.Ref(ErrorEnvelope)
const errors = {
  400: envelope,
  401: envelope,
  403: envelope,
  404: envelope,
  409: envelope,
  413: envelope,
  415: envelope,
  429: envelope,
}
/** Most minutes a time zone is away from UTC (UTC-12:00 … UTC+14:00). */
const MAX_OFFSET_MINUTES = 14 * 60

/** The text fields checked against their schema; the mapping parsed. */
function readFields(fields: Record<string, string>) {
  const problems = [...Value.Errors(UploadFields, fields)].map((e) => ({
    field: `body${e.path.replace(/\//g, '.')}`,
    message: e.message,
  }))
  if (problems.length > 0) throw ValidationError({ problems })
  let mapping: unknown
  try {
    mapping = JSON.parse(fields.mapping!)
  } catch {
    mapping = undefined
  }
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    throw ValidationError({
      problems: [
        { field: 'body.mapping', message: 'must be a JSON object of column index (from 1) → property name' },
      ],
    })
  }
  const locale = fields.locale === undefined ? null : canonicalLocale(fields.locale)
  if (fields.locale !== undefined && locale === null) {
    throw ValidationError({
      problems: [
        {
          field: 'body.locale',
          message: `"${fields.locale}" is not a locale this server knows (such as de-DE)`,
        },
      ],
    })
  }
  const offset = fields.timezoneOffset === undefined ? null : Number(fields.timezoneOffset)
  if (offset !== null && Math.abs(offset) > MAX_OFFSET_MINUTES) {
    throw ValidationError({
      problems: [
        {
          field: 'body.timezoneOffset',
          message: `must be between -${MAX_OFFSET_MINUTES} and ${MAX_OFFSET_MINUTES} minutes`,
        },
      ],
    })
  }
  return {
    type: fields.type as UploadFileType,
    mapping: mapping as Record<string, unknown>,
    locale,
    timezoneOffset: offset === 0 ? 0 : offset,
  }
}

/**
 * Seed 004: `POST /api/v1/entities/:entity/import` (multipart upload → a queued job) and `GET /api/v1/job/:id`,
 * answering `{status, error, message, errors, data, pagination}` — errors too. The upload streams to disk (never
 * buffered); INTAKE_MAX_UPLOAD_BYTES applies instead of the body limit.
 */
export async function uploadJobRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const jobs = services.uploadJobs
  const max = jobs.maxUploadBytes
  await app.register(async (scope) => {
    scope.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const appError = toAppError(error, max)
      if (appError.status >= 500) request.log.error({ err: error }, 'request failed')
      if (UploadTooLargeError.is(appError)) void reply.header('connection', 'close')
      return reply.code(appError.status).type('application/json').send(presentUploadError(appError))
    })
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: max + 1, files: 1, fields: 8, fieldSize: 65536, parts: 16 },
    })
    const r = scope.withTypeProvider<TypeBoxTypeProvider>()

    r.post('/api/v1/entities/:entity/import', {
      config,
      bodyLimit: Math.min(Number.MAX_SAFE_INTEGER, max + 1024 * 1024),
      schema: {
        tags,
        summary: 'Upload a CSV or XLSX file for one entity (object type); answers the queued import job',
        description:
          'multipart/form-data with `type` (csv | xlsx), `file`, `mapping` (JSON: column index from 1 → property ' +
          'name), optional `locale` (de-DE, en-US, …: how numbers and dates are written) and `timezoneOffset` ' +
          '(minutes east of UTC for date-times without an offset). The first row of the file is its header. The ' +
          'identity column is the one of the entity’s unique attribute, else of its label. Poll GET /api/v1/job/{id}.',
        params: EntityParams,
        headers: UploadHeaders,
        consumes: ['multipart/form-data'],
        response: { 200: JobEnvelope, ...errors },
      },
      handler: async (req) => {
        let stored: StoredUpload | null = null
        try {
          const ws = await jobs.workspace(req.principal!.workspaceId, req.headers.domain)
          const type = await jobs.entity(ws, req.params.entity)
          if (!req.isMultipart())
            throw UnsupportedMediaTypeError({ contentType: req.headers['content-type'] ?? '' })
          const declared = Number(req.headers['content-length'] ?? NaN)
          if (Number.isFinite(declared) && declared > max + 1024 * 1024)
            throw UploadTooLargeError({ limitBytes: max })
          const fields: Record<string, string> = {}
          for await (const part of req.parts()) {
            if (part.type === 'field') {
              if (Object.hasOwn(fields, part.fieldname)) {
                throw ValidationError({
                  problems: [{ field: `body.${part.fieldname}`, message: 'is sent more than once' }],
                })
              }
              fields[part.fieldname] = String(part.value)
              continue
            }
            if (part.fieldname !== 'file' || stored !== null) {
              part.file.resume()
              throw ValidationError({
                problems: [
                  {
                    field: `body.${part.fieldname}`,
                    message: 'only one file part, named "file", is expected',
                  },
                ],
              })
            }
            stored = await guarded(part.file, (body) => jobs.receive(body, part.filename))
          }
          if (stored === null)
            throw UploadMissingError({ reason: 'the multipart body has no part named "file"' })
          const request = readFields(fields)
          const job = await jobs.accept(ws, type, stored, {
            ...request,
            domain: req.headers.domain ?? null,
            version: req.headers.version ?? null,
            actor: `token:${req.principal!.tokenId}`,
          })
          return presentUploadJob(job, 'Import job queued; poll /api/v1/job/{id} for its progress')
        } catch (error) {
          if (stored !== null) await jobs.discard(stored)
          const code = (error as { code?: unknown }).code
          req.raw.resume()
          if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET')
            throw UploadMissingError({ reason: 'the upload was interrupted before its end' })
          throw error
        }
      },
    })

    r.get('/api/v1/job/:id', {
      config,
      schema: {
        tags,
        summary: 'An upload job: status, progress, and (when COMPLETED) its counts and a page of failed rows',
        params: JobParams,
        headers: UploadHeaders,
        querystring: JobQuery,
        response: { 200: JobEnvelope, ...errors },
      },
      handler: async (req) => {
        const ws = await jobs.workspace(req.principal!.workspaceId, req.headers.domain)
        const { page, pageSize } = req.query
        const job = await jobs.get(ws, req.params.id, {
          startAt: (page - 1) * pageSize,
          maxResults: pageSize,
        })
        return presentUploadJob(job, `Job ${job.status.toLowerCase()}`)
      },
    })
  })
}
