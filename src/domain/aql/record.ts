import type { CanonicalValue } from '../schema/types.js'
import type { AqlCatalog } from './catalog.js'
import { CatalogIndex } from './catalog.js'

/**
 * One object as the in-memory evaluator sees it. Attribute values are canonical (see CanonicalValue); a
 * referenced_object value is the target object's id. An empty string counts as no value. A source entry that is
 * not stored yet can use id 0 and an empty key.
 */
export interface AqlRecord {
  readonly id: number
  readonly key: string
  readonly label: string
  readonly objectTypeId: number
  readonly objectSchemaId: number
  readonly attributes: ReadonlyMap<number, readonly CanonicalValue[]>
  /** Canonical date-times (UTC ISO with milliseconds), '' when unknown. */
  readonly created: string
  readonly updated: string
}

/** How the evaluator follows references; all three may be called many times per record. */
export interface AqlResolver {
  /** The object with this id; undefined for a dangling reference (which then matches nothing). */
  get(id: number): AqlRecord | undefined
  /** The objects that reference `record` through any referenced_object attribute. */
  inbound(record: AqlRecord): Iterable<AqlRecord>
  /** The objects `record` references through any referenced_object attribute. */
  outbound(record: AqlRecord): Iterable<AqlRecord>
}

/** A resolver over a fixed set of records; the catalog says which attributes are references. */
export function createRecordResolver(records: Iterable<AqlRecord>, catalog: AqlCatalog): AqlResolver {
  const referenceIds = new CatalogIndex(catalog).referenceAttributeIds()
  const byId = new Map<number, AqlRecord>()
  for (const record of records) byId.set(record.id, record)
  const targetsOf = (record: AqlRecord): Set<number> => {
    const targets = new Set<number>()
    for (const attributeId of referenceIds) {
      for (const value of record.attributes.get(attributeId) ?? [])
        if (typeof value === 'number') targets.add(value)
    }
    return targets
  }
  const inbound = new Map<number, AqlRecord[]>()
  for (const record of byId.values()) {
    for (const target of targetsOf(record)) {
      const sources = inbound.get(target)
      if (sources === undefined) inbound.set(target, [record])
      else sources.push(record)
    }
  }
  const get = (id: number): AqlRecord | undefined => byId.get(id)
  return {
    get,
    inbound: (record) => inbound.get(record.id) ?? [],
    outbound: (record) => [...targetsOf(record)].flatMap((id) => byId.get(id) ?? []),
  }
}
