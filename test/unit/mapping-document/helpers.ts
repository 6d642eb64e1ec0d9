import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type {
  DocumentContext,
  DocumentProblem,
  DocumentResult,
  NormalizedDocument,
  NormalizedObjectType,
} from '../../../src/domain/mapping/document.types.js'

export type Json = Record<string, unknown>

const FIXTURES = new URL('../../fixtures/mapping/', import.meta.url)

export function loadFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json
}

export const CONTEXT: DocumentContext = { importSourceId: '4d4095c3-cb7c-4d59-9b75-a381ea4b1975' }

/** Base64 of the head of a PNG (signature + IHDR) of the given size: all the validator reads. */
export function pngBase64(width = 48, height = 48): string {
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(n)
    return b
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const ihdr = Buffer.concat([
    u32(13),
    Buffer.from('IHDR'),
    u32(width),
    u32(height),
    Buffer.from([8, 6, 0, 0, 0]),
  ])
  return Buffer.concat([signature, ihdr, u32(0)]).toString('base64')
}

export const PNG48 = pngBase64()

export function expectOk(result: DocumentResult): NormalizedDocument {
  if (!result.ok) expect.fail(`expected no problems, got ${JSON.stringify(result.problems, null, 2)}`)
  return result.document
}

export function expectProblems(result: DocumentResult): DocumentProblem[] {
  if (result.ok) expect.fail('expected problems, got a valid document')
  return result.problems
}

export function allTypes(document: NormalizedDocument): NormalizedObjectType[] {
  const out: NormalizedObjectType[] = []
  const visit = (type: NormalizedObjectType): void => {
    out.push(type)
    type.children.forEach(visit)
  }
  document.objectTypes.forEach(visit)
  return out
}

export function typeNamed(document: NormalizedDocument, name: string): NormalizedObjectType {
  const type = allTypes(document).find((t) => t.name === name)
  if (type === undefined) expect.fail(`no object type "${name}"`)
  return type
}

/**
 * A valid 2023_10_19 document exercising most features; pointers used by the tests:
 * objectTypes/0 = Host (attributes 0 Name, 1 IP, 2 State, 3 OS; children/0 = Virtual Machine),
 * objectTypes/1 = Operating System; objectTypeMappings 0 Host, 1 Virtual Machine, 2 Operating System.
 */
export function baseDocument(): Json {
  return {
    $schema: 'https://api.atlassian.com/jsm/assets/imports/external/schema/versions/2023_10_19',
    schema: {
      objectSchema: {
        name: 'Inventory',
        description: 'Hosts and their systems',
        objectTypes: [
          {
            externalId: 'type/host',
            name: 'Host',
            description: 'A host',
            iconKey: 'host-icon',
            attributes: [
              {
                externalId: 'attr/host-name',
                name: 'Name',
                description: 'Host name',
                type: 'text',
                label: true,
              },
              {
                externalId: 'attr/host-ip',
                name: 'IP',
                description: '',
                type: 'ipaddress',
                maximumCardinality: -1,
              },
              {
                externalId: 'attr/host-state',
                name: 'State',
                description: '',
                type: 'status',
                typeValues: ['Running'],
              },
              {
                externalId: 'attr/host-os',
                name: 'OS',
                description: '',
                type: 'referenced_object',
                referenceObjectTypeExternalId: 'type/os',
              },
            ],
            children: [
              {
                externalId: 'type/vm',
                name: 'Virtual Machine',
                description: '',
                attributes: [
                  { externalId: 'attr/vm-name', name: 'Name', description: '', type: 'text', label: true },
                ],
              },
            ],
          },
          {
            externalId: 'type/os',
            name: 'Operating System',
            description: '',
            attributes: [
              { externalId: 'attr/os-name', name: 'Name', description: '', type: 'text', label: true },
            ],
          },
        ],
      },
      iconSchema: { icons: [{ key: 'host-icon', name: 'Host', png48: PNG48 }] },
      statusSchema: { statuses: [{ name: 'Running', description: '', category: 'active' }] },
    },
    mapping: {
      objectTypeMappings: [
        {
          objectTypeExternalId: 'type/host',
          objectTypeName: 'Host',
          selector: 'hosts',
          description: '',
          attributesMapping: [
            {
              attributeExternalId: 'attr/host-name',
              attributeName: 'Name',
              attributeLocators: ['name'],
              externalIdPart: true,
            },
            { attributeExternalId: 'attr/host-ip', attributeName: 'IP', attributeLocators: ['ips'] },
            {
              attributeExternalId: 'attr/host-os',
              attributeName: 'OS',
              attributeLocators: ['os'],
              objectMappingIQL: 'Name = ${os}',
            },
          ],
        },
        {
          objectTypeExternalId: 'type/vm',
          objectTypeName: 'Virtual Machine',
          selector: 'hosts.vms',
          description: '',
          attributesMapping: [
            {
              attributeExternalId: 'attr/vm-name',
              attributeName: 'Name',
              attributeLocators: ['name'],
              externalIdPart: true,
            },
          ],
        },
        {
          objectTypeExternalId: 'type/os',
          objectTypeName: 'Operating System',
          selector: 'operatingSystems',
          description: '',
          attributesMapping: [
            {
              attributeExternalId: 'attr/os-name',
              attributeName: 'Name',
              attributeLocators: ['name'],
              externalIdPart: true,
            },
          ],
        },
      ],
    },
  }
}

/** Walks a JSON path of keys and indexes in a test document; fails the test when a step is missing. */
export function at(document: unknown, ...path: (string | number)[]): Json {
  let node: unknown = document
  for (const step of path) {
    node = (node as Record<string | number, unknown> | undefined)?.[step]
    if (node === undefined) expect.fail(`no ${path.join('/')}`)
  }
  return node as Json
}

export function list(document: unknown, ...path: (string | number)[]): unknown[] {
  return at(document, ...path) as unknown as unknown[]
}
