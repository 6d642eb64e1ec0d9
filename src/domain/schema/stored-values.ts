import { foldCase } from '../aql/compare.js'
import { sortKey } from './attribute-value.js'
import { valueText } from './content-hash.js'
import type { AttributeDef, CanonicalValue } from './types.js'

/**
 * How values are stored: `object.attribute_values` holds every non-reference value as JSON
 * `{ "<attributeId>": [canonical values…] }` (the source of truth), and `object_value` holds one search-index row
 * per value, derived from it. References live in `object_reference`.
 */

export type ValueMap = ReadonlyMap<number, readonly CanonicalValue[]>

export function encodeValues(values: ValueMap, isReference: (attributeId: number) => boolean): string {
  const out: Record<string, readonly CanonicalValue[]> = {}
  // Integer keys: JSON.stringify writes them in ascending order, whatever the order they were set in.
  for (const [id, list] of values) if (list.length > 0 && !isReference(id)) out[id] = list
  return JSON.stringify(out)
}

export function decodeValues(json: string): Map<number, CanonicalValue[]> {
  const parsed = JSON.parse(json) as Record<string, CanonicalValue[]>
  const out = new Map<number, CanonicalValue[]>()
  for (const [k, v] of Object.entries(parsed)) out.set(Number(k), v)
  return out
}

export interface IndexRow {
  attribute_id: number
  value_ci: string
  object_id: number
  position: number
  value_text: string
  value_num: number | null
}

/**
 * The search-index rows of one attribute's values on one object, appended to `out` as column tuples
 * (value_ci, object_id, position, value_text, value_num) — the attribute is the bucket's: the bulk path builds no row
 * objects. `value_text` is null when it equals `value_ci` (most values: numbers, dates, lower-case text); whoever
 * moves the tuples into object_value writes `coalesce(value_text, value_ci)`.
 */
export function pushIndexTuples(
  out: unknown[][],
  objectId: number,
  attribute: Pick<AttributeDef, 'id' | 'kind'>,
  values: readonly CanonicalValue[],
): void {
  for (let position = 0; position < values.length; position++)
    pushIndexTuple(out, objectId, attribute.kind, values[position]!, position)
}

/** One value's index tuple (see pushIndexTuples); `folded`: its folded text when the caller has it already. */
export function pushIndexTuple(
  out: unknown[][],
  objectId: number,
  kind: AttributeDef['kind'],
  value: CanonicalValue,
  position: number,
  folded?: string,
): void {
  const text = valueText(value)
  const ci = folded ?? foldCase(text)
  out.push([ci, objectId, position, ci === text ? null : text, sortKey(kind, value)])
}

/** The keys (attribute_id, value_ci, object_id) of one attribute's index rows on one object, appended to `out`. */
export function pushIndexKeys(
  out: unknown[][],
  objectId: number,
  attributeId: number,
  values: readonly CanonicalValue[],
): void {
  for (const v of values) out.push([attributeId, foldCase(valueText(v)), objectId])
}

/** The search-index rows of one attribute's values on one object. */
export function indexRows(
  objectId: number,
  attribute: Pick<AttributeDef, 'id' | 'kind'>,
  values: readonly CanonicalValue[],
): IndexRow[] {
  return values.map((v, position) => {
    const text = valueText(v)
    return {
      attribute_id: attribute.id,
      value_ci: foldCase(text),
      object_id: objectId,
      position,
      value_text: text,
      value_num: sortKey(attribute.kind, v),
    }
  })
}
