import { describe, expect, it } from 'vitest'
import type { NormalizedDocument, NormalizedObjectType } from '../../../src/domain/mapping/document.types.js'
import {
  adoptedExternalIds,
  conflictsWithSchema,
  existingSchemaDocument,
} from '../../../src/domain/mapping/existing-schema.js'
import type { AttributeDef, ObjectTypeDef } from '../../../src/domain/schema/types.js'

const type = (
  id: number,
  name: string,
  externalId: string | null,
  parent: number | null = null,
): ObjectTypeDef => ({
  id,
  objectSchemaId: 1,
  parentObjectTypeId: parent,
  externalId,
  name,
  description: '',
  iconKey: null,
  position: 0,
})
const attribute = (id: number, typeId: number, name: string, externalId: string | null): AttributeDef => ({
  id,
  indexed: false,
  indexState: 'none',
  objectTypeId: typeId,
  externalId,
  name,
  description: '',
  kind: 'text',
  label: false,
  minimumCardinality: 0,
  maximumCardinality: 1,
  unique: false,
  referenceObjectTypeId: null,
  allowedValues: [],
  position: 0,
})
const docType = (
  externalId: string,
  name: string,
  children: NormalizedObjectType[] = [],
): NormalizedObjectType => ({
  externalId,
  name,
  description: '',
  iconKey: null,
  attributes: [
    {
      externalId: `${externalId}/name`,
      name: 'Name',
      description: '',
      type: 'text',
      label: true,
      minimumCardinality: 0,
      maximumCardinality: 1,
      unique: false,
      typeValues: [],
      referenceObjectTypeExternalId: null,
      referenceObjectTypeName: null,
    },
  ],
  children,
})
const doc = (objectTypes: NormalizedObjectType[]): NormalizedDocument => ({
  objectSchema: { name: 'x', description: '' },
  objectTypes,
  icons: [],
  statuses: [],
  objectTypeMappings: [],
})

describe('a first document against an existing schema', () => {
  const schema = {
    name: 'Inventory',
    description: '',
    types: [type(1, 'Server', 'srv'), type(2, 'Blade', null, 1)],
    attributes: [attribute(10, 1, 'Hostname', 'disk/name')],
  }

  it('reports a type named like one of the schema (any case) and externalIds the schema already has, with pointers', () => {
    const problems = conflictsWithSchema(doc([docType('srv', 'Rack', [docType('disk', 'blade')])]), schema)
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['EXTERNAL_ID_IN_USE', '/schema/objectSchema/objectTypes/0/externalId'],
      ['DUPLICATE_OBJECT_TYPE_NAME', '/schema/objectSchema/objectTypes/0/children/0/name'],
      ['EXTERNAL_ID_IN_USE', '/schema/objectSchema/objectTypes/0/children/0/attributes/0/externalId'],
    ])
  })

  it('finds nothing for new types', () => {
    expect(conflictsWithSchema(doc([docType('hdd', 'Disk')]), schema)).toEqual([])
  })

  describe('adoption by externalId', () => {
    const named = { ...attribute(11, 1, 'Name', 'srv/name'), label: true }
    const shared = { ...schema, attributes: [...schema.attributes, named] }

    it('adopts a type and attribute named by their externalId and name; a new child type is added', () => {
      const document = doc([docType('srv', 'SERVER', [docType('rack', 'Rack')])])
      expect(conflictsWithSchema(document, shared)).toEqual([])
      expect([...adoptedExternalIds(document, shared)]).toEqual(['srv', 'srv/name'])
    })

    it('reports each member of an adopted attribute declared differently, and a type moved in the tree', () => {
      const server = docType('srv', 'Server')
      server.attributes[0] = {
        ...server.attributes[0]!,
        type: 'integer',
        unique: true,
        maximumCardinality: -1,
      }
      const moved = docType('hdd', 'Disk', [server])
      const problems = conflictsWithSchema(doc([moved]), shared)
      expect(problems.map((p) => [p.code, p.pointer])).toEqual([
        ['ADOPTED_DEFINITION_MISMATCH', '/schema/objectSchema/objectTypes/0/children/0/externalId'],
        ['ADOPTED_DEFINITION_MISMATCH', '/schema/objectSchema/objectTypes/0/children/0/attributes/0/type'],
        [
          'ADOPTED_DEFINITION_MISMATCH',
          '/schema/objectSchema/objectTypes/0/children/0/attributes/0/maximumCardinality',
        ],
        ['ADOPTED_DEFINITION_MISMATCH', '/schema/objectSchema/objectTypes/0/children/0/attributes/0/unique'],
      ])
    })

    it('a new label attribute next to the adopted type’s own label is refused', () => {
      const server = docType('srv', 'Server')
      server.attributes[0] = { ...server.attributes[0]!, externalId: 'mine/title', name: 'Title' }
      expect(conflictsWithSchema(doc([server]), shared).map((p) => [p.code, p.pointer])).toEqual([
        ['MULTIPLE_LABEL_ATTRIBUTES', '/schema/objectSchema/objectTypes/0/attributes/0/label'],
      ])
    })
  })

  it('answers the schema as a document with the Key attribute first and an empty mapping', () => {
    const wire = existingSchemaDocument(schema)
    expect(wire.mapping).toEqual({ objectTypeMappings: [] })
    const [server] = wire.schema.objectSchema.objectTypes
    expect(server).toMatchObject({ externalId: 'srv', name: 'Server', children: [{ name: 'Blade' }] })
    expect(server!.children![0]!.externalId).toBeUndefined()
    expect(server!.attributes.map((a) => a.name)).toEqual(['Key', 'Hostname'])
  })
})
