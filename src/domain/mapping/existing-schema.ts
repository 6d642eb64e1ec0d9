/**
 * An import source created with `objectSchemaId` points at a schema that already exists: its first mapping adds
 * the document's types to that schema. Two rules live here: what conflicts with the schema's own types (checked
 * before anything is applied), and what GET schema-and-mapping answers before the first mapping.
 */
import type { AttributeDef, ObjectTypeDef } from '../schema/types.js'
import type {
  DocumentProblem,
  NormalizedDocument,
  NormalizedObjectType,
  WireDocument,
  WireObjectType,
} from './document.types.js'
import { SYSTEM_KEY_ATTRIBUTE } from './document.types.js'

export interface ExistingSchema {
  name: string
  description: string
  /** Every type of the schema, parents before children. */
  types: readonly ObjectTypeDef[]
  attributes: readonly AttributeDef[]
}

const ROOT = '/schema/objectSchema/objectTypes'

/**
 * Problems of a first document against the schema it is added to: a type named like a type of the schema
 * (case-insensitively), and a type or attribute whose externalId an element of the schema already has. Pointers
 * follow the submitted document (the normalized tree keeps its order).
 */
export function conflictsWithSchema(document: NormalizedDocument, schema: ExistingSchema): DocumentProblem[] {
  const problems: DocumentProblem[] = []
  const typeByName = new Map(schema.types.map((t) => [t.name.toLowerCase(), t]))
  const owners = new Map<string, string>()
  for (const t of schema.types) if (t.externalId !== null) owners.set(t.externalId, `object type "${t.name}"`)
  for (const a of schema.attributes)
    if (a.externalId !== null) owners.set(a.externalId, `attribute "${a.name}"`)
  const inUse = (externalId: string, pointer: string): void => {
    const owner = owners.get(externalId)
    if (owner === undefined) return
    problems.push({
      code: 'EXTERNAL_ID_IN_USE',
      pointer,
      message: `externalId "${externalId}" is already used by ${owner} of the object schema "${schema.name}"`,
    })
  }
  const visit = (types: readonly NormalizedObjectType[], at: string): void => {
    types.forEach((type, i) => {
      const ptr = `${at}/${i}`
      const existing = typeByName.get(type.name.toLowerCase())
      if (existing !== undefined) {
        problems.push({
          code: 'DUPLICATE_OBJECT_TYPE_NAME',
          pointer: `${ptr}/name`,
          message: `the object schema "${schema.name}" already has an object type named "${existing.name}" (${existing.id})`,
        })
      }
      inUse(type.externalId, `${ptr}/externalId`)
      type.attributes.forEach((a, j) => inUse(a.externalId, `${ptr}/attributes/${j}/externalId`))
      visit(type.children, `${ptr}/children`)
    })
  }
  visit(document.objectTypes, ROOT)
  return problems
}

/**
 * GET schema-and-mapping of a source that points at a schema and has no mapping yet: the schema's types and
 * attributes (with the system Key attribute first, as for every answer) and an empty mapping. Elements created
 * without an externalId are answered without one.
 */
export function existingSchemaDocument(schema: ExistingSchema): WireDocument {
  const children = new Map<number | null, ObjectTypeDef[]>()
  for (const t of schema.types)
    children.set(t.parentObjectTypeId, [...(children.get(t.parentObjectTypeId) ?? []), t])
  const typeById = new Map(schema.types.map((t) => [t.id, t]))
  const toType = (t: ObjectTypeDef): WireObjectType => {
    const kids = children.get(t.id) ?? []
    return {
      ...(t.externalId !== null && { externalId: t.externalId }),
      name: t.name,
      description: t.description,
      ...(t.iconKey !== null && { iconKey: t.iconKey }),
      attributes: [
        { ...SYSTEM_KEY_ATTRIBUTE },
        ...schema.attributes
          .filter((a) => a.objectTypeId === t.id)
          .map((a) => {
            const target =
              a.referenceObjectTypeId === null ? undefined : typeById.get(a.referenceObjectTypeId)
            return {
              ...(a.externalId !== null && { externalId: a.externalId }),
              name: a.name,
              description: a.description,
              type: a.kind,
              label: a.label,
              minimumCardinality: a.minimumCardinality,
              maximumCardinality: a.maximumCardinality,
              unique: a.unique,
              indexed: a.indexed,
              ...(a.kind === 'status' && a.allowedValues.length > 0 && { typeValues: [...a.allowedValues] }),
              ...(target?.externalId != null && { referenceObjectTypeExternalId: target.externalId }),
              ...(target !== undefined && { referenceObjectTypeName: target.name }),
            }
          }),
      ],
      ...(kids.length > 0 && { children: kids.map(toType) }),
    }
  }
  return {
    schema: {
      objectSchema: {
        name: schema.name,
        description: schema.description,
        objectTypes: (children.get(null) ?? []).map(toType),
      },
    },
    mapping: { objectTypeMappings: [] },
  }
}
