import type { AqlAttribute, AqlCatalog, AqlObjectType } from '../../../src/domain/aql/catalog.js'
import type { AqlRecord } from '../../../src/domain/aql/record.js'
import type { AttributeKind, CanonicalValue } from '../../../src/domain/schema/types.js'

const attr = (id: number, name: string, kind: AttributeKind, referenceObjectTypeId: number | null = null) =>
  ({ id, name, kind, referenceObjectTypeId }) satisfies AqlAttribute

/** Attributes every Hardware type has (Server and Laptop inherit them). */
export const HARDWARE_ATTRIBUTES: readonly AqlAttribute[] = [
  attr(100, 'Name', 'text'),
  attr(101, 'Serial', 'text'),
  attr(102, 'Price', 'double'),
  attr(103, 'Cores', 'integer'),
  attr(104, 'Active', 'boolean'),
  attr(105, 'Purchased', 'date'),
  attr(106, 'Last Seen', 'date_time'),
  attr(107, 'Backup', 'time'),
  attr(108, 'Tier', 'select'),
  attr(109, 'State', 'status'),
  attr(110, 'Owner', 'referenced_object', 20),
  attr(111, 'Tags', 'textarea'),
  attr(112, 'Website', 'url'),
  attr(113, 'IP', 'ipaddress'),
]

const type = (
  id: number,
  name: string,
  objectSchemaId: number,
  parentObjectTypeId: number | null,
  attributes: readonly AqlAttribute[],
): AqlObjectType => ({ id, name, objectSchemaId, parentObjectTypeId, attributes })

export const HARDWARE = 10
export const SERVER = 11
export const LAPTOP = 12
export const VIRTUAL_SERVER = 13
export const EMPLOYEE = 20
export const DEPARTMENT = 30
export const MISC = 40

/**
 * Schema 1 "IT Assets": Hardware ← Server ← Virtual Server, Hardware ← Laptop.
 * Schema 2 "People": Employee —"Belongs to Department"→ Department —Manager→ Employee; Misc has a text "Cores".
 */
export const CATALOG: AqlCatalog = {
  objectSchemas: [
    { id: 1, name: 'IT Assets' },
    { id: 2, name: 'People' },
  ],
  objectTypes: [
    type(HARDWARE, 'Hardware', 1, null, HARDWARE_ATTRIBUTES),
    type(SERVER, 'Server', 1, HARDWARE, [...HARDWARE_ATTRIBUTES, attr(120, 'Rack', 'text')]),
    type(LAPTOP, 'Laptop', 1, HARDWARE, HARDWARE_ATTRIBUTES),
    type(VIRTUAL_SERVER, 'Virtual Server', 1, SERVER, [...HARDWARE_ATTRIBUTES, attr(120, 'Rack', 'text')]),
    type(EMPLOYEE, 'Employee', 2, null, [
      attr(200, 'Name', 'text'),
      attr(201, 'Email', 'email'),
      attr(202, 'Belongs to Department', 'referenced_object', DEPARTMENT),
      attr(203, 'Age', 'integer'),
    ]),
    type(DEPARTMENT, 'Department', 2, null, [
      attr(300, 'Name', 'text'),
      attr(301, 'Code', 'text'),
      attr(302, 'Manager', 'referenced_object', EMPLOYEE),
    ]),
    type(MISC, 'Misc', 2, null, [attr(400, 'Cores', 'text')]),
  ],
}

export const TYPE_SCHEMA: Readonly<Record<number, number>> = {
  [HARDWARE]: 1,
  [SERVER]: 1,
  [LAPTOP]: 1,
  [VIRTUAL_SERVER]: 1,
  [EMPLOYEE]: 2,
  [DEPARTMENT]: 2,
  [MISC]: 2,
}

export interface RecordInput {
  id: number
  type: number
  label?: string
  key?: string
  attrs?: Record<number, CanonicalValue[]>
  created?: string
  updated?: string
}

export function record(input: RecordInput): AqlRecord {
  return {
    id: input.id,
    key: input.key ?? `OBJ-${input.id}`,
    label: input.label ?? `Object ${input.id}`,
    objectTypeId: input.type,
    objectSchemaId: TYPE_SCHEMA[input.type] ?? 0,
    attributes: new Map(Object.entries(input.attrs ?? {}).map(([id, values]) => [Number(id), values])),
    created: input.created ?? '2024-01-01T00:00:00.000Z',
    updated: input.updated ?? '2024-01-02T00:00:00.000Z',
  }
}

/** A fixed clock: Wednesday 2024-05-15 10:30:00 UTC. */
export const NOW = new Date('2024-05-15T10:30:00.000Z')
