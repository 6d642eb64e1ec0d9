/**
 * The scheduled push format of seed 002 (`{"objectTypeId", "objects": [{"externalId", "label", "attributes"}]}`),
 * turned into entries the source's mapping reads. The rules (docs/schedules.md):
 * - `objectTypeId` names an object type of the source's schema by id or externalId; it must have an enabled object
 *   type mapping. The entries belong to that mapping alone, whatever its selector.
 * - `attributes` are keyed by the attribute's externalId or name as the mapping names it; each value list is put
 *   where the attribute's (first) locator reads, so the mapping's coercion, identity, policies and reference
 *   queries apply as to any entry. A key the mapping does not map is refused, never dropped.
 * - `externalId` is the identity: it fills the mapping's single externalIdPart attribute (when `attributes` gives
 *   it too, both must agree). A mapping whose identity joins several attributes needs each of them in `attributes`.
 * - `label` fills the type's label attribute the same way; it must be mapped.
 * Any problem refuses the whole chunk (400) with every field named; nothing of it is stored.
 */
import type { FieldProblem } from '../errors.js'
import type {
  NormalizedDocument,
  NormalizedObjectType,
  NormalizedAttributeMapping,
} from '../mapping/document.types.js'

export interface PushObject {
  externalId: string
  label?: string
  attributes?: Record<string, unknown>
}

export interface ObjectsChunk {
  objectTypeId: string | number
  objects: PushObject[]
}

/** An object type of the source's schema: its id and externalId. */
export interface TypeRef {
  id: number
  externalId: string | null
}

export type ObjectsTranslation =
  | { ok: true; objectTypeExternalId: string; entries: Record<string, unknown>[] }
  | { ok: false; problems: FieldProblem[] }

type Scalar = string | number | boolean | null

export function translateObjects(
  chunk: ObjectsChunk,
  document: NormalizedDocument,
  types: readonly TypeRef[],
): ObjectsTranslation {
  const wanted = String(chunk.objectTypeId)
  const type = types.find((t) => String(t.id) === wanted || t.externalId === wanted)
  if (!type || type.externalId === null)
    return refuse(
      'body.objectTypeId',
      'names no object type of the source’s schema (give its id or externalId)',
    )
  const mapping = document.objectTypeMappings.find(
    (m) => m.objectTypeExternalId === type.externalId && !m.disabled,
  )
  if (!mapping)
    return refuse('body.objectTypeId', `object type ${type.externalId} has no enabled object type mapping`)
  const byKey = new Map<string, NormalizedAttributeMapping>()
  for (const m of mapping.attributesMapping) byKey.set(m.attributeName, m)
  for (const m of mapping.attributesMapping) byKey.set(m.attributeExternalId, m)
  const identity = mapping.attributesMapping.filter((m) => m.externalIdPart)
  const labelExternalId = findType(document.objectTypes, type.externalId)?.attributes.find(
    (a) => a.label,
  )?.externalId
  const labelMapping = mapping.attributesMapping.find((m) => m.attributeExternalId === labelExternalId)

  const problems: FieldProblem[] = []
  const entries = chunk.objects.map((object, i) => {
    const at = `body.objects[${i}]`
    const given = new Map<NormalizedAttributeMapping, Scalar[]>()
    for (const [key, raw] of Object.entries(object.attributes ?? {})) {
      const field = `${at}.attributes.${key}`
      const m = byKey.get(key)
      if (!m) {
        problems.push({
          field,
          message: `is not mapped for object type ${mapping.objectTypeName}; mapped: ${mapping.attributesMapping.map((a) => a.attributeExternalId).join(', ')}`,
        })
        continue
      }
      const values = Array.isArray(raw) ? (raw as unknown[]) : [raw]
      if (!values.every(isScalar)) {
        problems.push({ field, message: 'must be a list of strings, numbers or booleans' })
        continue
      }
      const before = given.get(m)
      if (before && JSON.stringify(before) !== JSON.stringify(values))
        problems.push({ field, message: `gives ${m.attributeExternalId} a second, different value` })
      given.set(m, values)
    }
    if (identity.length === 1) {
      fill(given, identity[0]!, object.externalId, `${at}.externalId`, problems)
    } else {
      for (const m of identity.filter((m) => !given.has(m)))
        problems.push({
          field: `${at}.attributes`,
          message: `must give ${m.attributeExternalId}: the identity of ${mapping.objectTypeName} joins ${identity.length} attributes`,
        })
    }
    if (object.label !== undefined) {
      if (!labelMapping)
        problems.push({
          field: `${at}.label`,
          message: `the label attribute of ${mapping.objectTypeName} is not mapped, so a label cannot be applied`,
        })
      else fill(given, labelMapping, object.label, `${at}.label`, problems)
    }
    const entry: Record<string, unknown> = {}
    for (const [m, values] of given) {
      const locator = m.attributeLocators[0]
      if (locator === undefined) continue
      put(entry, locator.split('.'), values.length === 1 ? values[0] : values)
    }
    return entry
  })
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, objectTypeExternalId: type.externalId, entries }
}

/** Sets `value` for the attribute unless `attributes` gave it; a different given value is a problem. */
function fill(
  given: Map<NormalizedAttributeMapping, Scalar[]>,
  m: NormalizedAttributeMapping,
  value: string,
  field: string,
  problems: FieldProblem[],
): void {
  const before = given.get(m)
  if (before === undefined) given.set(m, [value])
  else if (before.length !== 1 || String(before[0]) !== value)
    problems.push({
      field,
      message: `differs from the value attributes gives ${m.attributeExternalId} (${JSON.stringify(before)})`,
      value,
    })
}

function put(entry: Record<string, unknown>, path: string[], value: unknown): void {
  let node = entry
  for (const segment of path.slice(0, -1)) {
    const next = node[segment]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {}
    node = node[segment] as Record<string, unknown>
  }
  node[path[path.length - 1]!] = value
}

function isScalar(v: unknown): v is Scalar {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v)
}

function findType(types: readonly NormalizedObjectType[], externalId: string): NormalizedObjectType | null {
  for (const t of types) {
    if (t.externalId === externalId) return t
    const child = findType(t.children, externalId)
    if (child) return child
  }
  return null
}

function refuse(field: string, message: string): ObjectsTranslation {
  return { ok: false, problems: [{ field, message }] }
}
