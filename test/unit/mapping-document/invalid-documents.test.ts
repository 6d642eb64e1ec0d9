import { describe, expect, it } from 'vitest'
import { DOCUMENT_PROBLEM_CODES } from '../../../src/domain/mapping/document-problems.js'
import type { DocumentProblemCode } from '../../../src/domain/mapping/document-problems.js'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import { CONTEXT, at, baseDocument, expectOk, expectProblems, list } from './helpers.js'
import { INVALID_PATCH_CASES } from './invalid-patch-cases.js'
import { INVALID_PUT_CASES as SCHEMA_CASES } from './invalid-put-cases.js'
import { INVALID_PUT_CASES_MAPPING } from './invalid-put-cases-mapping.js'
import { INVALID_PUT_CASES_SHAPING } from './invalid-put-cases-shaping.js'

const INVALID_PUT_CASES = [...SCHEMA_CASES, ...INVALID_PUT_CASES_MAPPING, ...INVALID_PUT_CASES_SHAPING]

function putCaseResult(index: number): ReturnType<typeof validateDocument> {
  const testCase = INVALID_PUT_CASES[index]
  if (testCase === undefined) throw new Error(`no case ${index}`)
  const doc = baseDocument()
  testCase.change(doc)
  return validateDocument('document' in testCase ? testCase.document : doc, {
    ...CONTEXT,
    ...testCase.context,
  })
}

function patchCaseResult(index: number): ReturnType<typeof mergeForPatch> {
  const testCase = INVALID_PATCH_CASES[index]
  if (testCase === undefined) throw new Error(`no case ${index}`)
  const stored = expectOk(validateDocument(baseDocument(), CONTEXT))
  return mergeForPatch(stored, testCase.patch, { ...CONTEXT, ...testCase.context })
}

describe('the base document of the invalid cases', () => {
  it('is valid', () => {
    expectOk(validateDocument(baseDocument(), CONTEXT))
  })
})

describe('invalid documents on PUT: exactly one problem each, with its code and pointer', () => {
  it.each(INVALID_PUT_CASES.map((c, i) => [c.name, i, c.code, c.pointer] as const))(
    '%s',
    (_name, index, code, pointer) => {
      expect(expectProblems(putCaseResult(index))).toEqual([{ code, pointer, message: expect.any(String) }])
    },
  )
})

describe('invalid PATCHes: exactly one problem each, with its code and pointer', () => {
  it.each(INVALID_PATCH_CASES.map((c, i) => [c.name, i, c.code, c.pointer] as const))(
    '%s',
    (_name, index, code, pointer) => {
      expect(expectProblems(patchCaseResult(index))).toEqual([{ code, pointer, message: expect.any(String) }])
    },
  )
})

describe('the tables', () => {
  it('exercise every documented problem code', () => {
    const exercised = new Set<DocumentProblemCode>([
      ...INVALID_PUT_CASES.map((c) => c.code),
      ...INVALID_PATCH_CASES.map((c) => c.code),
      // Found only against an existing schema's types: exercised in existing-schema.test.ts.
      'ADOPTED_DEFINITION_MISMATCH',
    ])
    const missing = Object.keys(DOCUMENT_PROBLEM_CODES).filter(
      (code) => !exercised.has(code as DocumentProblemCode),
    )
    expect(missing).toEqual([])
  })
})

describe('a document with several problems', () => {
  it('answers every problem at once', () => {
    const doc = baseDocument()
    const objectTypes = list(doc, 'schema', 'objectSchema', 'objectTypes')
    at(objectTypes, 0, 'attributes', 0)['label'] = 'yes'
    delete at(objectTypes, 0, 'attributes', 2)['externalId']
    at(objectTypes, 0, 'attributes', 1)['maximumCardinality'] = 0
    at(objectTypes, 1)['iconKey'] = 'os-icon'
    at(doc, 'schema', 'statusSchema', 'statuses', 0)['category'] = 'done'
    at(doc, 'mapping', 'objectTypeMappings', 1)['selector'] = 'hosts.'
    at(doc, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 1)['attributeExternalId'] = 'attr/nope'
    at(doc, 'mapping', 'objectTypeMappings', 2)['missingObjects'] = {
      policy: 'UPDATE',
      thresholdType: 'WEEKS',
    }

    const problems = expectProblems(validateDocument(doc, CONTEXT))
    const OT = '/schema/objectSchema/objectTypes'
    const OTM = '/mapping/objectTypeMappings'
    expect(problems.map((p) => `${p.code} ${p.pointer}`).sort()).toEqual(
      [
        `INVALID_TYPE ${OT}/0/attributes/0/label`,
        `EXTERNAL_ID_MISSING ${OT}/0/attributes/2/externalId`,
        `INVALID_CARDINALITY ${OT}/0/attributes/1/maximumCardinality`,
        `UNKNOWN_ICON ${OT}/1/iconKey`,
        'INVALID_ENUM_VALUE /schema/statusSchema/statuses/0/category',
        `INVALID_SELECTOR ${OTM}/1/selector`,
        `UNKNOWN_EXTERNAL_ID_MAPPING ${OTM}/0/attributesMapping/1/attributeExternalId`,
        `REQUIRED_FIELD_MISSING ${OTM}/2/missingObjects/attributeName`,
        `REQUIRED_FIELD_MISSING ${OTM}/2/missingObjects/value`,
        `INVALID_ENUM_VALUE ${OTM}/2/missingObjects/thresholdType`,
      ].sort(),
    )
    for (const problem of problems) expect(problem.message.length).toBeGreaterThan(10)
  })

  it('escapes pointer tokens as RFC 6901 says', () => {
    const doc = { schema: { objectSchema: { name: 'x', description: '', objectTypes: {} } }, mapping: {} }
    expect(expectProblems(validateDocument(doc, CONTEXT)).map((p) => p.pointer)).toEqual([
      '/schema/objectSchema/objectTypes',
      '/mapping/objectTypeMappings',
    ])
  })

  it('reports a type declared twice once, and still merges the children of its second occurrence', () => {
    const doc = baseDocument()
    const folder = {
      externalId: 'type/folder',
      name: 'Folder',
      description: '',
      attributes: [
        { externalId: 'attr/folder-name', name: 'Name', description: '', type: 'text' },
        { externalId: 'attr/folder-title', name: 'name', description: '', type: 'text' },
      ],
    }
    list(doc, 'schema', 'objectSchema', 'objectTypes').push({
      externalId: 'type/os',
      name: 'Operating System',
      description: 'again',
      children: [folder],
    })
    const problems = expectProblems(validateDocument(doc, CONTEXT))
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['DUPLICATE_EXTERNAL_ID', '/schema/objectSchema/objectTypes/2/externalId'],
      ['DUPLICATE_ATTRIBUTE_NAME', '/schema/objectSchema/objectTypes/2/children/0/attributes/1/name'],
    ])
  })
})
