import { describe, expect, it } from 'vitest'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import type { DocumentContext, NormalizedDocument } from '../../../src/domain/mapping/document.types.js'
import { CONTEXT, expectOk, loadFixture, typeNamed } from './helpers.js'

// Seed 001 (Assets REST API › Importsource): the PUT and PATCH examples, verbatim.
const context: DocumentContext = {
  ...CONTEXT,
  existingStatusNames: ['Schema Scope Status', 'Global Scope Status'],
}

function putSeed(): NormalizedDocument {
  const result = validateDocument(loadFixture('seed-put.json'), context)
  expect(result.ok && result.version).toBe('2023_10_19')
  return expectOk(result)
}

describe('seed PUT example', () => {
  it('is valid and normalized with every default filled in', () => {
    const document = putSeed()
    expect(document.objectSchema).toEqual({
      name: 'Disk Analysis Tool',
      description: 'Data imported from The Disk Analysis Tool',
    })
    const hardDrive = typeNamed(document, 'Hard Drive')
    expect(hardDrive.externalId).toBe('object-type/hard-drive')
    expect(
      hardDrive.attributes.map((a) => [a.name, a.type, a.label, a.minimumCardinality, a.maximumCardinality]),
    ).toEqual([
      ['DUID', 'text', true, 1, 1],
      ['Disk Label', 'text', false, 1, 1],
      ['HardDriveStatus', 'status', false, 0, 1],
    ])
    expect(hardDrive.attributes[2]?.typeValues).toEqual([
      'Schema Scope Status',
      'Global Scope Status',
      'New Status',
    ])
    expect(hardDrive.children.map((c) => c.name)).toEqual(['File'])
    const file = typeNamed(document, 'File')
    expect(file.attributes.map((a) => [a.externalId, a.label, a.unique])).toEqual([
      ['object-type-attribute/path', true, false],
      ['object-type-attribute/size', false, false],
    ])
    expect(document.statuses).toEqual([{ name: 'New Status', description: '', category: 'active' }])
    expect(document.icons).toEqual([])
    expect(document.objectTypeMappings.map((m) => [m.objectTypeName, m.selector])).toEqual([
      ['Hard Drive', 'hardDrives'],
      ['File', 'hardDrives.files'],
    ])
    expect(
      document.objectTypeMappings[0]?.attributesMapping.map((e) => [e.attributeName, e.externalIdPart]),
    ).toEqual([
      ['DUID', true],
      ['Disk Label', false],
      ['HardDriveStatus', false],
    ])
    expect(document.objectTypeMappings[0]).toMatchObject({
      selectorQlQuery: null,
      missingObjects: null,
      emptyValues: null,
      unknownValues: null,
      matchIdentifierIgnoreCase: null,
      disabled: false,
    })
  })
})

describe('seed PATCH example after the PUT', () => {
  const merge = (): NormalizedDocument => {
    const result = mergeForPatch(putSeed(), loadFixture('seed-patch.json'), context)
    // $schema says 2021_09_15, but the payload has externalIds: 2023_10_19 it is.
    expect(result.ok && result.version).toBe('2023_10_19')
    return expectOk(result)
  }

  it('adds Manufacturer to Hard Drive and keeps its other attributes', () => {
    const hardDrive = typeNamed(merge(), 'Hard Drive')
    expect(hardDrive.attributes.map((a) => a.name)).toEqual([
      'DUID',
      'Disk Label',
      'HardDriveStatus',
      'Manufacturer',
    ])
    expect(hardDrive.attributes[3]).toEqual({
      externalId: 'object-type-attribute/manufacturer',
      name: 'Manufacturer',
      description: 'Manufacturer name',
      type: 'text',
      label: false,
      minimumCardinality: 0,
      maximumCardinality: 1,
      unique: false,
      indexed: false,
      typeValues: [],
      referenceObjectTypeExternalId: null,
      referenceObjectTypeName: null,
    })
    expect(hardDrive.attributes.filter((a) => a.label).map((a) => a.name)).toEqual(['DUID'])
  })

  it('adds Folder under Hard Drive, next to File', () => {
    const document = merge()
    expect(document.objectTypes.map((t) => t.name)).toEqual(['Hard Drive'])
    expect(typeNamed(document, 'Hard Drive').children.map((c) => c.name)).toEqual(['File', 'Folder'])
    const folder = typeNamed(document, 'Folder')
    expect(folder.externalId).toBe('object-type/folder')
    expect(folder.attributes.map((a) => [a.externalId, a.name, a.label])).toEqual([
      ['object-type-attribute/folder-name', 'Name', true],
    ])
  })

  it("changes File's Path description and keeps everything else of File", () => {
    const file = typeNamed(merge(), 'File')
    const [path, size] = file.attributes
    expect(path).toMatchObject({
      name: 'Path',
      description: 'Updated description for the path attribute',
      label: true,
      minimumCardinality: 1,
      maximumCardinality: 1,
    })
    expect(size).toMatchObject({
      name: 'Size',
      description: 'Size of the file',
      type: 'integer',
      minimumCardinality: 1,
    })
  })

  it('replaces the mappings of Hard Drive and Folder and keeps the mapping of File', () => {
    const before = putSeed()
    const document = merge()
    const [hardDrive, file, folder] = document.objectTypeMappings
    expect(document.objectTypeMappings).toHaveLength(3)
    expect(hardDrive?.objectTypeName).toBe('Hard Drive')
    expect(
      hardDrive?.attributesMapping.map((e) => [e.attributeName, e.attributeLocators, e.externalIdPart]),
    ).toEqual([
      ['DUID', ['id'], true],
      ['Disk Label', ['label'], false],
      ['Manufacturer', ['manufacturer'], false],
    ])
    expect(file).toEqual(before.objectTypeMappings[1])
    expect(folder).toMatchObject({
      objectTypeExternalId: 'object-type/folder',
      objectTypeName: 'Folder',
      selector: 'hardDrives.folders',
      description: 'Mapping for Folder',
      attributesMapping: [
        {
          attributeExternalId: 'object-type-attribute/folder-name',
          attributeName: 'Name',
          attributeLocators: ['name'],
          externalIdPart: true,
          objectMappingIQL: null,
        },
      ],
    })
  })

  it('keeps the statuses and the object schema of the PUT', () => {
    const document = merge()
    expect(document.statuses).toEqual(putSeed().statuses)
    expect(document.objectSchema.name).toBe('Disk Analysis Tool')
  })

  it('does not touch the stored document it merges into', () => {
    const before = putSeed()
    const copy = structuredClone(before)
    mergeForPatch(before, loadFixture('seed-patch.json'), context)
    expect(before).toEqual(copy)
  })
})

describe("the seed's GET schema-and-mapping example", () => {
  it('PATCHes onto the PUT result (its system Key attributes are skipped)', () => {
    const document = expectOk(mergeForPatch(putSeed(), loadFixture('seed-get-example.json'), context))
    const hardDrive = typeNamed(document, 'Hard Drive')
    expect(hardDrive.attributes.map((a) => a.name)).toEqual(['DUID', 'Disk Label', 'HardDriveStatus'])
    // The example answers Disk Label with minimumCardinality 0: cardinality may change.
    expect(hardDrive.attributes[1]?.minimumCardinality).toBe(0)
    expect(document.objectSchema.name).toBe('Disk Analysis Tool')
  })
})
