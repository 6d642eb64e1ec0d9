import { describe, expect, it } from 'vitest'
import type { NormalizedDocument } from '../../../src/domain/mapping/document.types.js'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { toWireDocument } from '../../../src/domain/mapping/to-wire-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import type { Json } from './helpers.js'
import { CONTEXT, at, baseDocument, expectOk, list, loadFixture } from './helpers.js'

function withExtensions(): Json {
  const doc = baseDocument()
  Object.assign(at(doc, 'mapping', 'objectTypeMappings', 0), {
    selectorQlQuery: 'Type = "server"',
    missingObjects: {
      policy: 'UPDATE',
      attributeName: 'State',
      value: 'Retired',
      threshold: 3,
      thresholdType: 'DAYS',
    },
    emptyValues: 'REMOVE',
    unknownValues: 'ADD',
    matchIdentifierIgnoreCase: true,
  })
  Object.assign(at(doc, 'mapping', 'objectTypeMappings', 1), {
    disabled: true,
    missingObjects: { policy: 'REMOVE' },
  })
  list(doc, 'schema', 'statusSchema', 'statuses').push({
    name: 'Retired',
    description: 'Gone',
    category: 'inactive',
  })
  return doc
}

const stored = (): Record<string, NormalizedDocument> => {
  const seed = expectOk(validateDocument(loadFixture('seed-put.json'), CONTEXT))
  return {
    'the seed PUT + PATCH': expectOk(mergeForPatch(seed, loadFixture('seed-patch.json'), CONTEXT)),
    'the reference attributes': expectOk(validateDocument(loadFixture('reference-attributes.json'), CONTEXT)),
    'a 2021_09_15 document': expectOk(validateDocument(loadFixture('legacy-2021.json'), CONTEXT)),
    'icons, statuses and every extension': expectOk(validateDocument(withExtensions(), CONTEXT)),
  }
}

describe('GET → PATCH round trip', () => {
  it.each(Object.keys(stored()))(
    '%s: PATCHing back what GET answers gives no problem and no change',
    (name) => {
      const document = stored()[name]
      if (document === undefined) throw new Error(name)
      const wire = JSON.parse(JSON.stringify(toWireDocument(document))) as Json
      const result = mergeForPatch(document, wire, CONTEXT)
      expect(expectOk(result)).toEqual(document)
      expect(result.ok && result.version).toBe('2023_10_19')
    },
  )

  it.each(Object.keys(stored()))('%s: PUT of what GET answers gives the same document', (name) => {
    const document = stored()[name]
    if (document === undefined) throw new Error(name)
    expect(expectOk(validateDocument(toWireDocument(document), CONTEXT))).toEqual(document)
  })

  it('accepts an empty iconSchema, as GET may answer it', () => {
    const document = stored()['the seed PUT + PATCH']
    if (document === undefined) throw new Error('seed')
    const wire = toWireDocument(document) as unknown as Json
    at(wire, 'schema')['iconSchema'] = { icons: [] }
    expect(expectOk(mergeForPatch(document, wire, CONTEXT))).toEqual(document)
  })
})

describe('toWireDocument', () => {
  const seed = () => expectOk(validateDocument(loadFixture('seed-put.json'), CONTEXT))

  it('answers every attribute with explicit label, cardinality, unique and indexed, the system Key first', () => {
    const wire = toWireDocument(seed())
    const hardDrive = wire.schema.objectSchema.objectTypes[0]
    const example = loadFixture('seed-get-example.json')
    // The Key attribute exactly as the Assets GET example shows it.
    expect(hardDrive?.attributes[0]).toEqual(
      at(example, 'schema', 'objectSchema', 'objectTypes', 0, 'attributes', 0),
    )
    expect(hardDrive?.attributes[2]).toEqual({
      externalId: 'object-type-attribute/disk-label',
      name: 'Disk Label',
      description: 'Hard drive label',
      type: 'text',
      label: false,
      minimumCardinality: 1,
      maximumCardinality: 1,
      unique: false,
      indexed: false,
    })
    for (const attribute of hardDrive?.attributes ?? []) {
      expect(Object.keys(attribute)).toEqual(
        expect.arrayContaining(['label', 'minimumCardinality', 'maximumCardinality', 'unique']),
      )
    }
  })

  it('answers mapping entries with an explicit externalIdPart, as the Assets GET example does', () => {
    const wire = toWireDocument(seed())
    const example = loadFixture('seed-get-example.json')
    const [hardDrive] = wire.mapping.objectTypeMappings
    expect(hardDrive?.attributesMapping.slice(0, 2)).toEqual(
      list(example, 'mapping', 'objectTypeMappings', 0, 'attributesMapping'),
    )
  })

  it('leaves out what is not set: extensions, empty icon and status lists, children, Key on request', () => {
    const document = expectOk(validateDocument(loadFixture('reference-attributes.json'), CONTEXT))
    const wire = toWireDocument(document, { includeKeyAttribute: false })
    expect(Object.keys(wire.schema)).toEqual(['objectSchema'])
    expect(wire.schema.objectSchema.objectTypes[0]?.attributes.map((a) => a.name)).toEqual([
      'DUID',
      'Operating System',
      'Backups',
    ])
    expect(wire.schema.objectSchema.objectTypes[0]).not.toHaveProperty('children')
    expect(Object.keys(wire.mapping.objectTypeMappings[0] ?? {})).toEqual([
      'objectTypeExternalId',
      'objectTypeName',
      'selector',
      'description',
      'attributesMapping',
    ])
  })

  it('answers every extension that is set', () => {
    const wire = toWireDocument(expectOk(validateDocument(withExtensions(), CONTEXT)))
    expect(wire.mapping.objectTypeMappings[0]).toMatchObject({
      selectorQlQuery: 'Type = "server"',
      missingObjects: {
        policy: 'UPDATE',
        attributeName: 'State',
        value: 'Retired',
        threshold: 3,
        thresholdType: 'DAYS',
      },
      emptyValues: 'REMOVE',
      unknownValues: 'ADD',
      matchIdentifierIgnoreCase: true,
    })
    expect(wire.mapping.objectTypeMappings[1]).toMatchObject({
      disabled: true,
      missingObjects: { policy: 'REMOVE', threshold: 0, thresholdType: 'RUNS' },
    })
  })
})
