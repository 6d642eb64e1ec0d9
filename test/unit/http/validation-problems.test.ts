import { describe, expect, it } from 'vitest'
import { toFieldProblems } from '../../../src/http/plugins/validation-problems.js'

describe('validation problems in words', () => {
  it('says what a known pattern means instead of printing the regex', () => {
    expect(
      toFieldProblems(
        [
          {
            instancePath: '/id',
            schemaPath: '#/properties/id/pattern',
            keyword: 'pattern',
            params: { pattern: '^[0-9]{1,15}$' },
            message: 'must match pattern "^[0-9]{1,15}$"',
          },
        ],
        'params',
      ),
    ).toEqual([{ field: 'params.id', message: 'must be a numeric id such as 42' }])
  })

  it('answers a union of literals as one problem listing the values', () => {
    const literal = (i: number, value: string) => ({
      instancePath: '/type',
      schemaPath: `#/properties/type/anyOf/${i}/const`,
      keyword: 'const',
      params: { allowedValue: value },
      message: 'must be equal to constant',
    })
    expect(
      toFieldProblems(
        [
          literal(0, 'external'),
          literal(1, 'csv'),
          {
            instancePath: '/type',
            schemaPath: '#/properties/type/anyOf',
            keyword: 'anyOf',
            params: {},
            message: 'must match a schema in anyOf',
          },
        ],
        'body',
      ),
    ).toEqual([{ field: 'body.type', message: 'must be one of: external, csv' }])
  })

  it('joins the alternatives of another union, and keeps unrelated problems apart', () => {
    expect(
      toFieldProblems(
        [
          {
            instancePath: '/objectSchemaId',
            schemaPath: '#/properties/objectSchemaId/anyOf/0/pattern',
            keyword: 'pattern',
            params: { pattern: '^[0-9]+$' },
            message: 'must match pattern "^[0-9]+$"',
          },
          {
            instancePath: '/objectSchemaId',
            schemaPath: '#/properties/objectSchemaId/anyOf/1/type',
            keyword: 'type',
            params: { type: 'integer' },
            message: 'must be integer',
          },
          {
            instancePath: '/objectSchemaId',
            schemaPath: '#/properties/objectSchemaId/anyOf',
            keyword: 'anyOf',
            params: {},
            message: 'must match a schema in anyOf',
          },
          {
            instancePath: '',
            schemaPath: '#/required',
            keyword: 'required',
            params: { missingProperty: 'name' },
            message: "must have required property 'name'",
          },
        ],
        'body',
      ),
    ).toEqual([
      { field: 'body.objectSchemaId', message: 'must be a numeric id such as 42, or must be integer' },
      { field: 'body.name', message: "must have required property 'name'" },
    ])
  })
})

describe('patterns in words, whatever the bounds', () => {
  for (const [pattern, words] of [
    ['^[0-9]+$', 'numeric id'],
    ['^[0-9]{1,18}$', 'numeric id'],
    ['^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', 'UUID'],
  ] as const) {
    it(`${pattern} → ${words}`, () => {
      const [problem] = toFieldProblems(
        [
          {
            instancePath: '/x',
            keyword: 'pattern',
            params: { pattern },
            message: `must match pattern "${pattern}"`,
          },
        ],
        'params',
      )
      expect(problem!.message).toContain(words)
    })
  }
})
