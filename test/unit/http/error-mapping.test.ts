import { describe, expect, it } from 'vitest'
import { AppError, InternalError, NotFoundError, listErrors } from '../../../src/domain/errors.js'
import { errorBody, toAppError } from '../../../src/http/plugins/error-handler.js'
import { translateDbError } from '../../../src/store/translate-error.js'

describe('error mapping', () => {
  it('turns framework errors into registry errors with stable codes', () => {
    expect(toAppError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 1024)).toMatchObject({
      code: 'BODY_TOO_LARGE',
      status: 413,
      details: { limitBytes: 1024 },
    })
    expect(toAppError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 1)).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
    })
    expect(toAppError({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }, 1)).toMatchObject({
      code: 'MALFORMED_BODY',
    })
    const validation = toAppError(
      {
        statusCode: 400,
        validationContext: 'body',
        validation: [
          {
            instancePath: '/attributes/0',
            keyword: 'required',
            params: { missingProperty: 'objectTypeAttributeId' },
            message: "must have required property 'objectTypeAttributeId'",
          },
          {
            instancePath: '/kind',
            keyword: 'enum',
            params: { allowedValues: ['a', 'b'] },
            message: 'must be equal to one of the allowed values',
          },
        ],
      },
      1,
    )
    expect(validation).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 })
    expect(validation.details).toEqual({
      problems: [
        {
          field: 'body.attributes.0.objectTypeAttributeId',
          message: "must have required property 'objectTypeAttributeId'",
        },
        { field: 'body.kind', message: 'must be equal to one of the allowed values (a, b)' },
      ],
    })
  })

  it('hides the details of anything unexpected behind INTERNAL', () => {
    const e = toAppError(new TypeError('secret internals at /srv/x.js:1'), 1)
    expect(e.code).toBe('INTERNAL')
    const body = errorBody(e, 'req-1')
    expect(JSON.stringify(body)).not.toContain('secret')
    expect(body).toEqual({
      code: 500,
      message: 'Internal Server Error',
      error: { code: 'INTERNAL', message: 'Internal Server Error', details: {} },
      requestId: 'req-1',
    })
    expect(errorBody(InternalError({}), 'r').error).toMatchObject({ details: {} })
  })

  it.each([
    [
      { code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: object.object_key' },
      'UNIQUE_VIOLATION',
      { table: 'object' },
    ],
    [{ code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: 'x' }, 'UNIQUE_VIOLATION', {}],
    [
      { code: '23505', table: 'object', constraint: 'object_key_uq' },
      'UNIQUE_VIOLATION',
      { table: 'object', constraint: 'object_key_uq' },
    ],
    [
      { code: 'SQLITE_CONSTRAINT_FOREIGNKEY', message: 'FOREIGN KEY constraint failed' },
      'FOREIGN_KEY_VIOLATION',
      {},
    ],
    [{ code: '23503', table: 'object_type' }, 'FOREIGN_KEY_VIOLATION', { table: 'object_type' }],
    [{ code: 'SQLITE_BUSY' }, 'DATABASE_BUSY', {}],
    [{ code: '40001' }, 'DATABASE_BUSY', {}],
    [{ code: '55P03' }, 'DATABASE_BUSY', {}],
  ])('translates driver error %o to %s', (driverError, code, details) => {
    const e = translateDbError(driverError) as AppError
    expect(e).toBeInstanceOf(AppError)
    expect(e.code).toBe(code)
    expect(e.details).toEqual(details)
  })

  it('leaves unknown driver errors and registry errors alone', () => {
    const unknown = { code: 'XX000' }
    expect(translateDbError(unknown)).toBe(unknown)
    const nf = NotFoundError({ entity: 'Object', id: 1 })
    expect(translateDbError(nf)).toBe(nf)
  })

  it('defines every code once, each with a status and a description', () => {
    const codes = listErrors()
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length)
    for (const c of codes) {
      expect(c.code).toMatch(/^[A-Z][A-Z0-9_]+$/)
      expect(c.status).toBeGreaterThanOrEqual(400)
      expect(c.description.length).toBeGreaterThan(10)
    }
  })
})
