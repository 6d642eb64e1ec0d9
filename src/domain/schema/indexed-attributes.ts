import type { AttributeDef } from './types.js'

/**
 * Which attributes have search-index rows (object_value). Values live inline in `object.attribute_values` (the
 * source of truth); an index row per value is written only where it pays (docs/aql.md, "Indexed attributes"):
 * - the label (AQL's default order, reference lookups by label, the object pickers) and unique attributes (the
 *   uniqueness check reads the index) — always;
 * - any other value attribute flagged `indexed`;
 * - never a referenced_object attribute (its values are object_reference rows, always kept).
 *
 * `indexState` says whether the rows are complete: a flag switched on is `building` (writes keep rows from that
 * moment, a background task fills in the objects written before) until `ready`; a flag switched off is
 * `dropping` (rows no longer written nor read, deleted in batches) until `none`. AQL reads the rows of an
 * attribute only when they are kept and `ready`; otherwise it scans the objects' attribute_values.
 */

export const INDEX_STATES = ['none', 'building', 'ready', 'dropping'] as const
export type IndexState = (typeof INDEX_STATES)[number]

export type IndexFlags = Pick<AttributeDef, 'kind' | 'label' | 'unique' | 'indexed'>

/** Whether writes keep search-index rows for the attribute's values. */
export function keepsIndexRows(attribute: IndexFlags): boolean {
  return attribute.kind !== 'referenced_object' && (attribute.label || attribute.unique || attribute.indexed)
}

/** Whether AQL may answer a test on the attribute from its index rows (they are kept and complete). */
export function indexUsable(attribute: IndexFlags & Pick<AttributeDef, 'indexState'>): boolean {
  return keepsIndexRows(attribute) && attribute.indexState === 'ready'
}

/** The `indexed` member as Assets reports it: whether the attribute is searchable by index. */
export function reportedIndexed(attribute: IndexFlags): boolean {
  return keepsIndexRows(attribute)
}

/**
 * The state after the flags changed: rows wanted and not complete → building; rows not wanted and some may be
 * left → dropping. A new attribute holds no values, so its rows are complete from the start.
 */
export function nextIndexState(current: IndexState | null, keeps: boolean): IndexState {
  if (current === null) return keeps ? 'ready' : 'none'
  if (keeps) return current === 'ready' || current === 'building' ? current : 'building'
  return current === 'none' ? 'none' : 'dropping'
}

/**
 * The attributes (by id) whose rows writes keep, for the writers that produce index rows: they call this and
 * skip the others.
 */
export function indexKeptIds(attributes: Iterable<AttributeDef>): Set<number> {
  const out = new Set<number>()
  for (const a of attributes) if (keepsIndexRows(a)) out.add(a.id)
  return out
}
