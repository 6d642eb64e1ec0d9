import { describe, expect, it } from 'vitest'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import { CONTEXT, expectOk, expectProblems, loadFixture, typeNamed } from './helpers.js'

// Reference §1.7 "Reference type attributes": Operating System referenced from Hard Drive, and the Backups
// self-reference (Hard Drive → object-type/hard-drive).
describe('reference attributes', () => {
  const document = () => expectOk(validateDocument(loadFixture('reference-attributes.json'), CONTEXT))

  it('resolves Operating System, declared after the type that refers to it', () => {
    const os = typeNamed(document(), 'Hard Drive').attributes.find((a) => a.name === 'Operating System')
    expect(os).toMatchObject({
      externalId: 'object-type-attribute/operating-system',
      type: 'referenced_object',
      referenceObjectTypeExternalId: 'object-type/operating-system',
      referenceObjectTypeName: 'Operating System',
      label: false,
      maximumCardinality: 1,
    })
  })

  it('resolves the Backups self-reference, multi-valued', () => {
    const backups = typeNamed(document(), 'Hard Drive').attributes.find((a) => a.name === 'Backups')
    expect(backups).toMatchObject({
      referenceObjectTypeExternalId: 'object-type/hard-drive',
      referenceObjectTypeName: 'Hard Drive',
      maximumCardinality: -1,
    })
  })

  it('keeps the objectMappingIQL of each reference mapping', () => {
    const hardDrive = document().objectTypeMappings.find((m) => m.objectTypeName === 'Hard Drive')
    expect(
      hardDrive?.attributesMapping.map((e) => [e.attributeName, e.attributeLocators, e.objectMappingIQL]),
    ).toEqual([
      ['DUID', ['id'], null],
      ['Operating System', ['os'], 'Name Like ${os}'],
      ['Backups', ['reference'], 'Name Like ${reference}'],
    ])
  })

  it('accepts a reference given by referenceObjectTypeName only', () => {
    const raw = loadFixture('reference-attributes.json')
    const text = JSON.stringify(raw).replace(
      '"referenceObjectTypeExternalId":"object-type/operating-system"',
      '"referenceObjectTypeName":"Operating System"',
    )
    const os = typeNamed(expectOk(validateDocument(JSON.parse(text), CONTEXT)), 'Hard Drive').attributes[1]
    expect(os?.referenceObjectTypeExternalId).toBe('object-type/operating-system')
  })

  it('answers UNKNOWN_REFERENCE_TARGET for a name that names no type', () => {
    const text = JSON.stringify(loadFixture('reference-attributes.json')).replace(
      '"referenceObjectTypeExternalId":"object-type/operating-system"',
      '"referenceObjectTypeName":"OS"',
    )
    expect(expectProblems(validateDocument(JSON.parse(text), CONTEXT))).toEqual([
      {
        code: 'UNKNOWN_REFERENCE_TARGET',
        pointer: '/schema/objectSchema/objectTypes/0/attributes/1/referenceObjectTypeName',
        message: expect.stringContaining('"OS"'),
      },
    ])
  })
})

describe('reference attributes added by PATCH', () => {
  const seed = () => expectOk(validateDocument(loadFixture('seed-put.json'), CONTEXT))

  it('adds the Backups self-reference to the stored Hard Drive and replaces its mapping', () => {
    const patch = {
      schema: {
        objectSchema: {
          name: 'Disk Analysis Tool',
          description: 'Data imported from The Disk Analysis Tool',
          objectTypes: [
            {
              externalId: 'object-type/hard-drive',
              name: 'Hard Drive',
              description: 'A hard drive found during scanning',
              attributes: [
                {
                  externalId: 'object-type-attribute/backups',
                  name: 'Backups',
                  description: 'Backups of this drive',
                  type: 'referenced_object',
                  referenceObjectTypeExternalId: 'object-type/hard-drive',
                },
              ],
            },
          ],
        },
      },
      mapping: {
        objectTypeMappings: [
          {
            objectTypeExternalId: 'object-type/hard-drive',
            objectTypeName: 'Hard Drive',
            selector: 'hardDrives',
            description: 'Mapping for Hard Drives',
            attributesMapping: [
              {
                attributeExternalId: 'object-type-attribute/duid',
                attributeName: 'DUID',
                attributeLocators: ['id'],
                externalIdPart: true,
              },
              {
                attributeExternalId: 'object-type-attribute/backups',
                attributeName: 'Backups',
                attributeLocators: ['reference'],
                objectMappingIQL: 'Name Like ${reference}',
              },
            ],
          },
        ],
      },
    }
    const document = expectOk(mergeForPatch(seed(), patch, CONTEXT))
    const hardDrive = typeNamed(document, 'Hard Drive')
    expect(hardDrive.attributes.at(-1)).toMatchObject({
      name: 'Backups',
      referenceObjectTypeExternalId: 'object-type/hard-drive',
    })
    expect(document.objectTypeMappings[0]?.attributesMapping.map((e) => e.attributeName)).toEqual([
      'DUID',
      'Backups',
    ])
    expect(document.objectTypeMappings[1]?.objectTypeName).toBe('File')
  })

  it('lets a new attribute of a stored type refer to a type added by the same PATCH', () => {
    const patch = {
      schema: {
        objectSchema: {
          objectTypes: [
            {
              externalId: 'object-type/file',
              name: 'File',
              description: 'A file present in a hard drive',
              attributes: [
                {
                  externalId: 'object-type-attribute/owner',
                  name: 'Owner',
                  description: '',
                  type: 'referenced_object',
                  referenceObjectTypeExternalId: 'object-type/user',
                },
              ],
            },
            {
              externalId: 'object-type/user',
              name: 'User',
              description: 'A user',
              attributes: [
                {
                  externalId: 'object-type-attribute/user-name',
                  name: 'Name',
                  description: '',
                  type: 'text',
                },
              ],
            },
          ],
        },
      },
    }
    // File is a child of Hard Drive: restating it at the top level would move it.
    expect(expectProblems(mergeForPatch(seed(), patch, CONTEXT)).map((p) => p.code)).toEqual([
      'MOVE_NOT_ALLOWED',
    ])
    const nested = {
      schema: {
        objectSchema: {
          objectTypes: [
            {
              externalId: 'object-type/hard-drive',
              name: 'Hard Drive',
              description: 'A hard drive found during scanning',
              children: [patch.schema.objectSchema.objectTypes[0]],
            },
            patch.schema.objectSchema.objectTypes[1],
          ],
        },
      },
    }
    const document = expectOk(mergeForPatch(seed(), nested, CONTEXT))
    expect(typeNamed(document, 'File').attributes.at(-1)?.referenceObjectTypeName).toBe('User')
    expect(typeNamed(document, 'User').attributes[0]?.label).toBe(true)
  })
})
