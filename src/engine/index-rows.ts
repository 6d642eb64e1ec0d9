/**
 * The one place the engine produces and removes value-index rows (object_value): every stage that writes values
 * (creates, updates, missing-object updates and removals) goes through these two functions, so which attributes are
 * indexed is decided here (keepsIndexRows: only attributes whose index rows are kept).
 */
import { keepsIndexRows, type IndexFlags } from '../domain/schema/indexed-attributes.js'
import { pushIndexKeys, pushIndexTuples } from '../domain/schema/stored-values.js'
import type { AttributeDef, CanonicalValue } from '../domain/schema/types.js'
import type { ImportTx, Tuple } from './ports.js'

/** Queues the index rows of one attribute's values on one object (written at the next flushIndex). */
export function addIndexRows(
  tx: ImportTx,
  attribute: Pick<AttributeDef, 'id'> & IndexFlags,
  objectId: number,
  values: readonly CanonicalValue[],
): void {
  if (keepsIndexRows(attribute)) pushIndexTuples(tx.indexBucket(attribute.id), objectId, attribute, values)
}

/** Appends the keys of one attribute's index rows on one object to `out` (deleted with tx.deleteIndexKeys). */
export function removeIndexRows(
  out: Tuple[],
  attribute: Pick<AttributeDef, 'id'> & IndexFlags,
  objectId: number,
  values: readonly CanonicalValue[],
): void {
  if (keepsIndexRows(attribute)) pushIndexKeys(out, objectId, attribute.id, values)
}
