import { describe, expect, it } from 'vitest'
import { detectVersion } from '../../../src/domain/mapping/document-parse.js'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { toWireDocument } from '../../../src/domain/mapping/to-wire-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import type { Json } from './helpers.js'
import { CONTEXT, allTypes, at, expectOk, expectProblems, loadFixture, typeNamed } from './helpers.js'

const GENERATED = /^cmdb::externalId\/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const legacy = (): Json => loadFixture('legacy-2021.json')

describe('a 2021_09_15 document (no externalIds)', () => {
  it('is detected by the absence of externalIds, whatever $schema says', () => {
    expect(detectVersion(legacy())).toBe('2021_09_15')
    expect(detectVersion({ ...legacy(), $schema: 'https://example.test/versions/2023_10_19' })).toBe(
      '2021_09_15',
    )
    expect(detectVersion(loadFixture('seed-patch.json'))).toBe('2023_10_19')
    const result = validateDocument(legacy(), CONTEXT)
    expect(result.ok && result.version).toBe('2021_09_15')
  })

  it('gets deterministic cmdb::externalId/<uuid> ids, distinct per import source', () => {
    const first = expectOk(validateDocument(legacy(), CONTEXT))
    const again = expectOk(validateDocument(legacy(), CONTEXT))
    const other = expectOk(validateDocument(legacy(), { importSourceId: 'another-source' }))
    const ids = (d: typeof first): string[] =>
      allTypes(d).flatMap((t) => [t.externalId, ...t.attributes.map((a) => a.externalId)])
    expect(ids(first)).toHaveLength(9)
    for (const id of ids(first)) expect(id).toMatch(GENERATED)
    expect(new Set(ids(first)).size).toBe(9)
    expect(ids(again)).toEqual(ids(first))
    expect(ids(other).filter((id) => ids(first).includes(id))).toEqual([])
  })

  it('ties mappings and references to types by name', () => {
    const document = expectOk(validateDocument(legacy(), CONTEXT))
    const hardDrive = typeNamed(document, 'Hard Drive')
    const os = typeNamed(document, 'Operating System')
    expect(hardDrive.attributes[2]).toMatchObject({
      type: 'referenced_object',
      referenceObjectTypeExternalId: os.externalId,
      referenceObjectTypeName: 'Operating System',
    })
    const [hdMapping, fileMapping] = document.objectTypeMappings
    expect(hdMapping?.objectTypeExternalId).toBe(hardDrive.externalId)
    expect(hdMapping?.attributesMapping.map((e) => e.attributeExternalId)).toEqual(
      hardDrive.attributes.map((a) => a.externalId),
    )
    expect(fileMapping?.objectTypeExternalId).toBe(typeNamed(document, 'File').externalId)
  })

  it('honours cardinality and unique as a 2023_10_19 document does (accepted, so applied) and makes the first text attribute the label', () => {
    const doc = legacy()
    Object.assign(at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 2), {
      minimumCardinality: 1,
      maximumCardinality: -1,
    })
    at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 1)['unique'] = true
    const document = expectOk(validateDocument(doc, CONTEXT))
    expect(typeNamed(document, 'Hard Drive').attributes[1]).toMatchObject({
      name: 'Disk Label',
      maximumCardinality: 5,
      unique: true,
    })
    expect(typeNamed(document, 'Hard Drive').attributes[2]).toMatchObject({
      name: 'Operating System',
      minimumCardinality: 1,
      maximumCardinality: -1,
    })
    at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 1)['maximumCardinality'] = 0
    expect(expectProblems(validateDocument(doc, CONTEXT)).map((p) => [p.code, p.pointer])).toEqual([
      ['INVALID_CARDINALITY', '/schema/objectSchema/objectTypes/0/attributes/1/maximumCardinality'],
    ])
    expect(typeNamed(document, 'Operating System').attributes[0]).toMatchObject({ name: 'Name', label: true })
  })

  it('has no status attribute type', () => {
    const doc = legacy()
    at(doc, 'schema', 'objectSchema', 'objectTypes', 1, 'attributes', 0)['type'] = 'status'
    const problems = expectProblems(validateDocument(doc, CONTEXT))
    expect(problems).toEqual([
      {
        code: 'INVALID_ATTRIBUTE_TYPE',
        pointer: '/schema/objectSchema/objectTypes/1/attributes/0/type',
        message: expect.stringContaining('2023_10_19'),
      },
    ])
  })

  it('requires referenceObjectTypeName on a referenced_object attribute', () => {
    const doc = legacy()
    delete at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 2)['referenceObjectTypeName']
    expect(expectProblems(validateDocument(doc, CONTEXT))).toEqual([
      {
        code: 'REQUIRED_FIELD_MISSING',
        pointer: '/schema/objectSchema/objectTypes/0/attributes/2/referenceObjectTypeName',
        message: expect.any(String),
      },
    ])
  })

  it('answers UNKNOWN_EXTERNAL_ID_MAPPING at the names of unknown types and attributes', () => {
    const doc = legacy()
    at(doc, 'mapping', 'objectTypeMappings', 1)['objectTypeName'] = 'Files'
    at(doc, 'mapping', 'objectTypeMappings', 0, 'attributesMapping', 1)['attributeName'] = 'Label'
    expect(expectProblems(validateDocument(doc, CONTEXT)).map((p) => [p.code, p.pointer])).toEqual([
      ['UNKNOWN_EXTERNAL_ID_MAPPING', '/mapping/objectTypeMappings/0/attributesMapping/1/attributeName'],
      ['UNKNOWN_EXTERNAL_ID_MAPPING', '/mapping/objectTypeMappings/1/objectTypeName'],
    ])
  })

  it('reports two types of one name once, at the second', () => {
    const doc = legacy()
    at(doc, 'schema', 'objectSchema', 'objectTypes', 1)['name'] = 'File'
    at(doc, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 2)['referenceObjectTypeName'] = 'File'
    expect(expectProblems(validateDocument(doc, CONTEXT)).map((p) => [p.code, p.pointer])).toEqual([
      ['DUPLICATE_OBJECT_TYPE_NAME', '/schema/objectSchema/objectTypes/1/name'],
    ])
  })

  it('still reads a statusSchema (a PATCH of statuses alone has no externalIds)', () => {
    const doc = legacy()
    at(doc, 'schema')['statusSchema'] = {
      statuses: [{ name: 'Retired', description: '', category: 'inactive' }],
    }
    expect(expectOk(validateDocument(doc, CONTEXT)).statuses).toEqual([
      { name: 'Retired', description: '', category: 'inactive' },
    ])
  })

  it('is PATCHed by name, keeping the generated ids', () => {
    const stored = expectOk(validateDocument(legacy(), CONTEXT))
    const patch = {
      schema: {
        objectSchema: {
          objectTypes: [
            {
              name: 'Hard Drive',
              description: 'A hard drive found during scanning',
              children: [
                {
                  name: 'File',
                  description: 'A file',
                  attributes: [
                    { name: 'Path', description: 'Full path', type: 'text' },
                    { name: 'Owner', description: '', type: 'text' },
                  ],
                },
              ],
            },
          ],
        },
      },
    }
    const document = expectOk(mergeForPatch(stored, patch, CONTEXT))
    const before = typeNamed(stored, 'File')
    const file = typeNamed(document, 'File')
    expect(file.externalId).toBe(before.externalId)
    expect(file.description).toBe('A file')
    expect(file.attributes.map((a) => [a.name, a.description, a.label])).toEqual([
      ['Path', 'Full path', true],
      ['Size', 'Size of the file', false],
      ['Owner', '', false],
    ])
    expect(file.attributes[0]?.externalId).toBe(before.attributes[0]?.externalId)
    expect(file.attributes[2]?.externalId).toMatch(GENERATED)
  })

  it('answers GET with its generated ids, which PATCH back as a 2023_10_19 document', () => {
    const stored = expectOk(validateDocument(legacy(), CONTEXT))
    const wire = toWireDocument(stored)
    expect(detectVersion(wire)).toBe('2023_10_19')
    const result = mergeForPatch(stored, structuredClone(wire), CONTEXT)
    expect(expectOk(result)).toEqual(stored)
  })
})
