import { describe, expect, it } from 'vitest'
import type { NormalizedDocument } from '../../../src/domain/mapping/document.types.js'
import { mergeForPatch } from '../../../src/domain/mapping/merge-document.js'
import { validateDocument } from '../../../src/domain/mapping/validate-document.js'
import type { Json } from './helpers.js'
import {
  CONTEXT,
  PNG48,
  at,
  baseDocument,
  expectOk,
  expectProblems,
  pngBase64,
  typeNamed,
} from './helpers.js'

const stored = (): NormalizedDocument => {
  const doc = baseDocument()
  at(doc, 'mapping', 'objectTypeMappings', 2)['missingObjects'] = {
    policy: 'REMOVE',
    threshold: 2,
    thresholdType: 'RUNS',
  }
  return expectOk(validateDocument(doc, CONTEXT))
}
const patch = (document: unknown) => expectOk(mergeForPatch(stored(), document, CONTEXT))
const types = (...objectTypes: Json[]): Json => ({ schema: { objectSchema: { objectTypes } } })
const host = (more: Json): Json => ({ externalId: 'type/host', name: 'Host', description: 'A host', ...more })

describe('PATCH merges by externalId', () => {
  it('changes nothing for an empty patch; omitted types, attributes and mappings are kept', () => {
    expect(patch({})).toEqual(stored())
    expect(patch(types(host({})))).toEqual(stored())
  })

  it('changes descriptions of object types, attributes and the object schema, never its name', () => {
    const document = patch({
      schema: {
        objectSchema: {
          name: 'Renamed',
          description: 'New description',
          objectTypes: [
            host({
              description: 'A physical host',
              attributes: [
                { externalId: 'attr/host-ip', name: 'IP', description: 'All addresses', type: 'ipaddress' },
              ],
            }),
          ],
        },
      },
    })
    expect(document.objectSchema).toEqual({ name: 'Inventory', description: 'New description' })
    const hostType = typeNamed(document, 'Host')
    expect(hostType.description).toBe('A physical host')
    expect(hostType.attributes[1]).toMatchObject({ description: 'All addresses', maximumCardinality: -1 })
  })

  it('overwrites icon names and images, adds icons, and lets a type take another icon', () => {
    const image = pngBase64()
    const document = patch({
      schema: {
        iconSchema: {
          icons: [
            { key: 'host-icon', name: 'Server', png48: image },
            { key: 'os-icon', name: 'System', png48: PNG48 },
          ],
        },
        objectSchema: {
          objectTypes: [
            { externalId: 'type/os', name: 'Operating System', description: '', iconKey: 'os-icon' },
          ],
        },
      },
    })
    expect(document.icons.map((i) => [i.key, i.name])).toEqual([
      ['host-icon', 'Server'],
      ['os-icon', 'System'],
    ])
    expect(typeNamed(document, 'Operating System').iconKey).toBe('os-icon')
  })

  it('accepts an iconKey of an icon that exists outside the document', () => {
    const icon = types({
      externalId: 'type/os',
      name: 'Operating System',
      description: '',
      iconKey: 'global-linux',
    })
    const result = mergeForPatch(stored(), icon, { ...CONTEXT, existingIconKeys: ['global-linux'] })
    expect(typeNamed(expectOk(result), 'Operating System').iconKey).toBe('global-linux')
  })

  it('updates statuses by name and adds new ones', () => {
    const document = patch({
      schema: {
        statusSchema: {
          statuses: [
            { name: 'running', description: 'Up', category: 'pending' },
            { name: 'Stopped', description: '', category: 'inactive' },
          ],
        },
      },
    })
    expect(document.statuses).toEqual([
      { name: 'Running', description: 'Up', category: 'pending' },
      { name: 'Stopped', description: '', category: 'inactive' },
    ])
  })

  it('adds a type deep in the tree, under a stored child, and maps it in the same patch', () => {
    const container = {
      externalId: 'type/container',
      name: 'Container',
      description: '',
      attributes: [{ externalId: 'attr/container-id', name: 'Container Id', description: '', type: 'text' }],
    }
    const document = patch({
      ...types(
        host({
          children: [
            { externalId: 'type/vm', name: 'Virtual Machine', description: '', children: [container] },
          ],
        }),
      ),
      mapping: {
        objectTypeMappings: [
          {
            objectTypeExternalId: 'type/container',
            objectTypeName: 'Container',
            selector: 'hosts.vms.containers',
            description: '',
            attributesMapping: [
              {
                attributeExternalId: 'attr/container-id',
                attributeName: 'Container Id',
                attributeLocators: ['id'],
                externalIdPart: true,
              },
            ],
          },
        ],
      },
    })
    expect(typeNamed(document, 'Virtual Machine').children.map((c) => c.name)).toEqual(['Container'])
    expect(typeNamed(document, 'Container').attributes[0]?.label).toBe(true)
    expect(document.objectTypeMappings.map((m) => m.objectTypeName)).toEqual([
      'Host',
      'Virtual Machine',
      'Operating System',
      'Container',
    ])
  })

  it('changes cardinality, unique and typeValues; what is left out keeps its value', () => {
    const document = patch(
      types(
        host({
          attributes: [
            {
              externalId: 'attr/host-ip',
              name: 'IP',
              description: '',
              type: 'ipaddress',
              minimumCardinality: 1,
              unique: true,
            },
            { externalId: 'attr/host-state', name: 'State', description: '', type: 'status', typeValues: [] },
          ],
        }),
      ),
    )
    const [, ip, state] = typeNamed(document, 'Host').attributes
    expect(ip).toMatchObject({ minimumCardinality: 1, maximumCardinality: -1, unique: true })
    expect(state?.typeValues).toEqual([])
  })

  it('moves the label when the patch clears the old one and sets the new one', () => {
    const document = patch(
      types(
        host({
          attributes: [
            { externalId: 'attr/host-name', name: 'Name', description: '', type: 'text', label: false },
            { externalId: 'attr/host-serial', name: 'Serial', description: '', type: 'text', label: true },
          ],
        }),
      ),
    )
    expect(
      typeNamed(document, 'Host')
        .attributes.filter((a) => a.label)
        .map((a) => a.name),
    ).toEqual(['Serial'])
  })

  it('replaces the whole mapping of a patched type, extensions included', () => {
    const before = stored().objectTypeMappings[2]
    expect(before?.missingObjects?.policy).toBe('REMOVE')
    const document = patch({
      mapping: {
        objectTypeMappings: [
          {
            objectTypeExternalId: 'type/os',
            objectTypeName: 'Operating System',
            selector: 'systems',
            description: 'new',
            attributesMapping: [
              {
                attributeExternalId: 'attr/os-name',
                attributeName: 'Name',
                attributeLocators: ['title'],
                externalIdPart: true,
              },
            ],
          },
        ],
      },
    })
    expect(document.objectTypeMappings[2]).toMatchObject({
      selector: 'systems',
      description: 'new',
      missingObjects: null,
    })
    expect(document.objectTypeMappings.slice(0, 2)).toEqual(stored().objectTypeMappings.slice(0, 2))
  })

  it('identifies by name a patch without externalIds, generating ids for what it adds', () => {
    const document = patch({
      schema: {
        objectSchema: {
          objectTypes: [
            {
              name: 'Host',
              description: 'by name',
              attributes: [
                { name: 'IP', description: 'by name too', type: 'ipaddress' },
                { name: 'Rack', description: '', type: 'text' },
              ],
            },
          ],
        },
      },
      mapping: {
        objectTypeMappings: [
          {
            objectTypeName: 'Operating System',
            selector: 'systems',
            description: '',
            attributesMapping: [{ attributeName: 'Name', attributeLocators: ['name'], externalIdPart: true }],
          },
        ],
      },
    })
    const hostType = typeNamed(document, 'Host')
    expect(hostType.externalId).toBe('type/host')
    expect(hostType.attributes.map((a) => [a.name, a.externalId.startsWith('cmdb::externalId/')])).toEqual([
      ['Name', false],
      ['IP', false],
      ['State', false],
      ['OS', false],
      ['Rack', true],
    ])
    expect(hostType.attributes[1]?.description).toBe('by name too')
    expect(document.objectTypeMappings[2]?.objectTypeExternalId).toBe('type/os')
  })

  it('reports every forbidden change of one patch at once, and applies none', () => {
    const problems = expectProblems(
      mergeForPatch(
        stored(),
        types(
          host({
            name: 'Server',
            attributes: [
              { externalId: 'attr/host-ip', name: 'Address', description: '', type: 'text' },
              {
                externalId: 'attr/host-os',
                name: 'OS',
                description: '',
                type: 'referenced_object',
                referenceObjectTypeExternalId: 'type/vm',
              },
            ],
          }),
        ),
        CONTEXT,
      ),
    )
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['RENAME_NOT_ALLOWED', '/schema/objectSchema/objectTypes/0/name'],
      ['RENAME_NOT_ALLOWED', '/schema/objectSchema/objectTypes/0/attributes/0/name'],
      ['ATTRIBUTE_TYPE_CHANGE_NOT_ALLOWED', '/schema/objectSchema/objectTypes/0/attributes/0/type'],
      [
        'REFERENCE_TARGET_CHANGE_NOT_ALLOWED',
        '/schema/objectSchema/objectTypes/0/attributes/1/referenceObjectTypeExternalId',
      ],
    ])
  })
})
