import { valueTypeOf } from '../aql/catalog.js'
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
 *
 * `label` (migration 0030, docs/decisions/0016-label-on-object-row.md): a single-valued text label attribute that
 * is not unique, whose every object holding a value has that value as its label — so `object.label_ci` and its
 * `(workspace_no, object_type_id, label_ci, id)` index answer what its rows would: it keeps no rows. An attribute
 * gets the state when it is created so (it holds no values then) or from migration 0030 (which checked the
 * objects); never later by a flag change (the objects' labels may then be another attribute's values: a label
 * switch does not rewrite them). It loses the state when it stops qualifying (no longer the label, more values
 * allowed, unique): rows are then built as for a flag switched on.
 */

export const INDEX_STATES = ['none', 'building', 'ready', 'dropping', 'label'] as const
export type IndexState = (typeof INDEX_STATES)[number]

export type IndexFlags = Pick<AttributeDef, 'kind' | 'label' | 'unique' | 'indexed' | 'indexState'>

/** The flags that decide whether the attribute may be answered from the object row's label (state `label`). */
export type LabelFlags = Pick<AttributeDef, 'kind' | 'label' | 'unique' | 'maximumCardinality'>

/**
 * Whether the attribute qualifies for the `label` state: the label, one value at most, compared as text (the
 * object row holds `foldCase(valueText(value))` as label_ci, what its index row's value_ci would be), not unique
 * (the uniqueness checks read index rows).
 */
export function labelOnRowEligible(attribute: LabelFlags): boolean {
  return (
    attribute.label &&
    !attribute.unique &&
    attribute.maximumCardinality === 1 &&
    attribute.kind !== 'referenced_object' &&
    valueTypeOf(attribute.kind) === 'text'
  )
}

/** Whether the attribute's values are answered from the object row's label (no index rows: state `label`). */
export function answeredFromLabel(attribute: Pick<AttributeDef, 'indexState'>): boolean {
  return attribute.indexState === 'label'
}

/** Whether writes keep search-index rows for the attribute's values. */
export function keepsIndexRows(attribute: IndexFlags): boolean {
  return (
    attribute.kind !== 'referenced_object' &&
    attribute.indexState !== 'label' &&
    (attribute.label || attribute.unique || attribute.indexed)
  )
}

/** Whether the attribute's flags want its values searchable by index (rows, or the label on the object row). */
function wantsIndex(attribute: Pick<AttributeDef, 'kind' | 'label' | 'unique' | 'indexed'>): boolean {
  return attribute.kind !== 'referenced_object' && (attribute.label || attribute.unique || attribute.indexed)
}

/** Whether AQL may answer a test on the attribute from its index rows (they are kept and complete). */
export function indexUsable(attribute: IndexFlags & Pick<AttributeDef, 'indexState'>): boolean {
  return keepsIndexRows(attribute) && attribute.indexState === 'ready'
}

/** The `indexed` member as Assets reports it: whether the attribute is searchable by index. */
export function reportedIndexed(attribute: IndexFlags): boolean {
  return wantsIndex(attribute)
}

/**
 * The state after the flags changed (`indexState`: the current one, null for a new attribute): a new attribute
 * holds no values, so its rows are complete from the start — or it is answered from the label when it qualifies;
 * an attribute answered from the label stays so while it qualifies, and otherwise holds no rows (`none`); then rows
 * wanted and not complete → building; rows not wanted and some may be left → dropping.
 */
export function nextIndexState(
  attribute: Pick<AttributeDef, 'kind' | 'label' | 'unique' | 'indexed' | 'maximumCardinality'> & {
    indexState: IndexState | null
  },
): IndexState {
  const current = attribute.indexState
  if ((current === null || current === 'label') && labelOnRowEligible(attribute)) return 'label'
  const keeps = wantsIndex(attribute)
  if (current === null) return keeps ? 'ready' : 'none'
  if (current === 'label') return keeps ? 'building' : 'none'
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
