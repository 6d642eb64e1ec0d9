import { describe, expect, it } from 'vitest'
import { DEFAULT_MISSING_OBJECTS } from '../../../src/domain/mapping/document.types.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import { CONTEXT, at, baseDocument, expectOk, expectProblems, list } from './helpers.js'

function hostMapping(extensions: Record<string, unknown>, context = CONTEXT) {
  const doc = baseDocument()
  Object.assign(at(doc, 'mapping', 'objectTypeMappings', 0), extensions)
  return validateDocument(doc, context)
}

describe("Intake's mapping extensions", () => {
  it('are null (not set) when absent; disabled is false', () => {
    const mapping = expectOk(hostMapping({})).objectTypeMappings[0]
    expect(mapping).toMatchObject({
      selectorQlQuery: null,
      missingObjects: null,
      emptyValues: null,
      unknownValues: null,
      matchIdentifierIgnoreCase: null,
      disabled: false,
    })
    expect(DEFAULT_MISSING_OBJECTS.policy).toBe('IGNORE')
  })

  it('are normalized when set, the UPDATE attribute resolved to its externalId', () => {
    const seen: string[] = []
    const context = { ...CONTEXT, checkAql: (query: string) => (seen.push(query), null) }
    const extensions = {
      selectorQlQuery: 'Type = "server"',
      missingObjects: {
        policy: 'UPDATE',
        attributeName: 'State',
        value: 'Retired',
        threshold: 2,
        thresholdType: 'RUNS',
      },
      emptyValues: 'IGNORE',
      unknownValues: 'ADD',
      matchIdentifierIgnoreCase: false,
      disabled: true,
    }
    const mapping = expectOk(hostMapping(extensions, context)).objectTypeMappings[0]
    expect(seen).toEqual(['Type = "server"'])
    expect(mapping).toMatchObject({
      selectorQlQuery: 'Type = "server"',
      missingObjects: {
        policy: 'UPDATE',
        attributeName: 'State',
        attributeExternalId: 'attr/host-state',
        value: 'Retired',
        threshold: 2,
        thresholdType: 'RUNS',
      },
      emptyValues: 'IGNORE',
      unknownValues: 'ADD',
      matchIdentifierIgnoreCase: false,
      disabled: true,
    })
  })

  it('default the missingObjects threshold to 0 runs and take a boolean value', () => {
    const ignore = expectOk(hostMapping({ missingObjects: { policy: 'IGNORE' } })).objectTypeMappings[0]
    expect(ignore?.missingObjects).toEqual({ ...DEFAULT_MISSING_OBJECTS })
    const doc = baseDocument()
    const flag = { externalId: 'attr/host-present', name: 'Present', description: '', type: 'boolean' }
    list(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes').push(flag)
    at(doc, 'mapping', 'objectTypeMappings', 0)['missingObjects'] = {
      policy: 'UPDATE',
      attributeName: 'Present',
      value: false,
    }
    expect(expectOk(validateDocument(doc, CONTEXT)).objectTypeMappings[0]?.missingObjects).toMatchObject({
      attributeExternalId: 'attr/host-present',
      value: false,
    })
  })

  it('are skipped by the AQL check when no checker is given', () => {
    expect(
      expectOk(hostMapping({ selectorQlQuery: 'anything at all' })).objectTypeMappings[0]?.selectorQlQuery,
    ).toBe('anything at all')
  })

  it('report a missingObjects that is not an object', () => {
    expect(expectProblems(hostMapping({ missingObjects: 'REMOVE' }))).toEqual([
      {
        code: 'INVALID_TYPE',
        pointer: '/mapping/objectTypeMappings/0/missingObjects',
        message: expect.any(String),
      },
    ])
  })
})

describe('members outside the format', () => {
  it('are refused, not ignored (unknown-members.test.ts covers every level); null counts as absent', () => {
    const doc = baseDocument()
    at(doc, 'schema', 'objectSchema', 'objectTypes', 0)['inheritance'] = false
    at(doc, 'schema', 'objectSchema', 'objectTypes', 1)['iconKey'] = null
    at(doc, 'mapping', 'objectTypeMappings', 0)['emptyValues'] = null
    const document = expectOk(validateDocument(doc, CONTEXT))
    expect(JSON.stringify(document)).not.toContain('inheritance')
    expect(document.objectTypes[1]?.iconKey).toBeNull()
    at(doc, 'mapping', 'objectTypeMappings', 0)['valueMapping'] = { a: 'b' }
    expect(expectProblems(validateDocument(doc, CONTEXT))).toEqual([
      {
        code: 'UNKNOWN_MEMBER',
        pointer: '/mapping/objectTypeMappings/0/valueMapping',
        message: expect.any(String),
      },
    ])
  })
})
