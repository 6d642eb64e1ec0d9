/**
 * Adoption: the first mapping of a source pointed at an existing schema maps the schema's own object types and
 * attributes when the document names them by their externalId (Assets' key: externalIds are unique across all
 * schemas, and a mapping that names an existing externalId maps into that element). An element is adopted only
 * when the document declares it as the schema has it; everything that would change its data semantics is a
 * problem naming the field. New attributes of an adopted type, and new child types under it, are added.
 */
import type { AttributeDef, ObjectTypeDef } from '../schema/types.js'
import type { DocumentProblem, NormalizedAttribute, NormalizedObjectType } from './document.types.js'

const ADOPTED_DEFINITION_MISMATCH = 'ADOPTED_DEFINITION_MISMATCH' as const

/** Problems of a document type adopting `existing` (its parent in the document: `parentExternalId`). */
export function adoptedTypeProblems(
  type: NormalizedObjectType,
  existing: ObjectTypeDef,
  parentExternalId: string | null,
  typeById: ReadonlyMap<number, ObjectTypeDef>,
  ptr: string,
): DocumentProblem[] {
  const parent = existing.parentObjectTypeId === null ? null : typeById.get(existing.parentObjectTypeId)
  const storedParent = parent === undefined || parent === null ? null : parent.externalId
  if (storedParent === parentExternalId) return []
  const where = parent === undefined || parent === null ? 'at the top of the tree' : `under "${parent.name}"`
  return [
    {
      code: ADOPTED_DEFINITION_MISMATCH,
      pointer: `${ptr}/externalId`,
      message: `object type "${existing.name}" (${existing.externalId}) is adopted from the schema, where it is ${where}: declare it at the same place`,
    },
  ]
}

/** Problems of a document attribute adopting `existing`: the members that decide what its values are. */
export function adoptedAttributeProblems(
  attribute: NormalizedAttribute,
  existing: AttributeDef,
  typeById: ReadonlyMap<number, ObjectTypeDef>,
  ptr: string,
): DocumentProblem[] {
  const target =
    existing.referenceObjectTypeId === null
      ? null
      : (typeById.get(existing.referenceObjectTypeId)?.externalId ?? null)
  const checks: [string, unknown, unknown][] = [
    ['type', attribute.type, existing.kind],
    ['referenceObjectTypeExternalId', attribute.referenceObjectTypeExternalId, target],
    ['label', attribute.label, existing.label],
    ['minimumCardinality', attribute.minimumCardinality, existing.minimumCardinality],
    ['maximumCardinality', attribute.maximumCardinality, existing.maximumCardinality],
    ['unique', attribute.unique, existing.unique],
  ]
  if (attribute.type === 'status' && existing.kind === 'status')
    checks.push(['typeValues', JSON.stringify(attribute.typeValues), JSON.stringify(existing.allowedValues)])
  return checks
    .filter(([, mine, theirs]) => mine !== theirs)
    .map(([field, mine, theirs]) => ({
      code: ADOPTED_DEFINITION_MISMATCH,
      pointer: `${ptr}/${field}`,
      message: `attribute "${existing.name}" (${existing.externalId}) is adopted from the schema, where its ${field} is ${JSON.stringify(theirs)}, not ${JSON.stringify(mine)}`,
    }))
}
