/**
 * An import source created with `objectSchemaId` points at a schema that already exists: its first mapping adds
 * the document's types to that schema, or adopts the schema's own types it names by externalId. Two rules live here: what conflicts with the schema's own types (checked
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
import { adoptedAttributeProblems, adoptedTypeProblems } from './adopt-types.js'

export interface ExistingSchema {
  name: string
  description: string
  /** Every type of the schema, parents before children. */
  types: readonly ObjectTypeDef[]
  attributes: readonly AttributeDef[]
}

const ROOT = '/schema/objectSchema/objectTypes'

/**
 * Problems of a first document against the schema it is added to. A document type whose externalId and name are
 * those of a type of the schema **adopts** it (adopt-types.ts), and so does an attribute of it with the externalId
 * and name of one of that type's attributes; they must be declared as the schema has them. Otherwise: a type named
 * like a type of the schema (case-insensitively), a type or attribute whose externalId an element of the schema
 * already has, a new attribute named like one of the adopted type's, or a second label attribute. Pointers follow
 * the submitted document (the normalized tree keeps its order).
 */
export function conflictsWithSchema(document: NormalizedDocument, schema: ExistingSchema): DocumentProblem[] {
  const problems: DocumentProblem[] = []
  const typeByName = new Map(schema.types.map((t) => [t.name.toLowerCase(), t]))
  const typeById = new Map(schema.types.map((t) => [t.id, t]))
  const typeByExternalId = new Map<string, ObjectTypeDef>()
  const attributeByExternalId = new Map<string, AttributeDef>()
  const owners = new Map<string, string>()
  for (const t of schema.types)
    if (t.externalId !== null) {
      owners.set(t.externalId, `object type "${t.name}"`)
      typeByExternalId.set(t.externalId, t)
    }
  for (const a of schema.attributes)
    if (a.externalId !== null) {
      owners.set(a.externalId, `attribute "${a.name}"`)
      attributeByExternalId.set(a.externalId, a)
    }
  const inUse = (externalId: string, pointer: string, adoptable = false): void => {
    const owner = owners.get(externalId)
    if (owner === undefined) return
    problems.push({
      code: 'EXTERNAL_ID_IN_USE',
      pointer,
      message:
        `externalId "${externalId}" is already used by ${owner} of the object schema "${schema.name}"` +
        (adoptable ? ': an element is adopted by its externalId only under its own name' : ''),
    })
  }
  const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
  const adoptAttributes = (type: NormalizedObjectType, adopted: ObjectTypeDef, ptr: string): void => {
    const own = schema.attributes.filter((a) => a.objectTypeId === adopted.id)
    const declared = new Set(type.attributes.map((a) => a.externalId))
    const storedLabel = own.find((a) => a.label && (a.externalId === null || !declared.has(a.externalId)))
    type.attributes.forEach((attribute, j) => {
      const at = `${ptr}/attributes/${j}`
      const stored = attributeByExternalId.get(attribute.externalId)
      if (
        stored !== undefined &&
        stored.objectTypeId === adopted.id &&
        sameName(stored.name, attribute.name)
      ) {
        problems.push(...adoptedAttributeProblems(attribute, stored, typeById, at))
        return
      }
      if (stored !== undefined || owners.has(attribute.externalId)) {
        inUse(attribute.externalId, `${at}/externalId`, stored?.objectTypeId === adopted.id)
        return
      }
      const clash = own.find((a) => sameName(a.name, attribute.name))
      if (clash !== undefined) {
        problems.push({
          code: 'DUPLICATE_ATTRIBUTE_NAME',
          pointer: `${at}/name`,
          message: `the adopted object type "${adopted.name}" already has an attribute named "${clash.name}" (${clash.externalId ?? 'no externalId'})`,
        })
      }
      if (attribute.label && storedLabel !== undefined) {
        problems.push({
          code: 'MULTIPLE_LABEL_ATTRIBUTES',
          pointer: `${at}/label`,
          message: `the adopted object type "${adopted.name}" already has the label attribute "${storedLabel.name}"`,
        })
      }
    })
  }
  const visit = (types: readonly NormalizedObjectType[], at: string, parent: string | null): void => {
    types.forEach((type, i) => {
      const ptr = `${at}/${i}`
      const adopted = typeByExternalId.get(type.externalId)
      if (adopted !== undefined && sameName(adopted.name, type.name)) {
        problems.push(...adoptedTypeProblems(type, adopted, parent, typeById, ptr))
        adoptAttributes(type, adopted, ptr)
      } else {
        const existing = typeByName.get(type.name.toLowerCase())
        if (existing !== undefined) {
          problems.push({
            code: 'DUPLICATE_OBJECT_TYPE_NAME',
            pointer: `${ptr}/name`,
            message: `the object schema "${schema.name}" already has an object type named "${existing.name}" (${existing.id})`,
          })
        }
        inUse(type.externalId, `${ptr}/externalId`, adopted !== undefined)
        type.attributes.forEach((a, j) => inUse(a.externalId, `${ptr}/attributes/${j}/externalId`))
      }
      visit(type.children, `${ptr}/children`, type.externalId)
    })
  }
  visit(document.objectTypes, ROOT, null)
  return problems
}

/** externalIds of the document that name elements the schema already has (adopted when no problem is found). */
export function adoptedExternalIds(document: NormalizedDocument, schema: ExistingSchema): Set<string> {
  const known = new Set<string>()
  for (const t of schema.types) if (t.externalId !== null) known.add(t.externalId)
  for (const a of schema.attributes) if (a.externalId !== null) known.add(a.externalId)
  const out = new Set<string>()
  const visit = (types: readonly NormalizedObjectType[]): void => {
    for (const type of types) {
      if (known.has(type.externalId)) out.add(type.externalId)
      for (const a of type.attributes) if (known.has(a.externalId)) out.add(a.externalId)
      visit(type.children)
    }
  }
  visit(document.objectTypes)
  return out
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
