/**
 * The one place the engine produces and removes value-index rows (object_value): every stage that writes values
 * (creates, updates, missing-object updates and removals) goes through these two functions, so which attributes are
 * indexed is decided here (keepsIndexRows: only attributes whose index rows are kept).
 */
import { keepsIndexRows, type IndexFlags } from '../domain/schema/indexed-attributes.js'
import { pushIndexKeys, pushIndexTuple, pushIndexTuples } from '../domain/schema/stored-values.js'
import type { AttributeDef, CanonicalValue } from '../domain/schema/types.js'
import type { ImportTx, Tuple } from './ports.js'
import { isList, SlotMap, type SlotLayout } from './slot-map.js'

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

/**
 * The index rows of a batch of created objects: the kept attributes, their buckets and (per layout) their slots
 * found once per batch, each entry's values read from its slots — no list boxed for a value alone, no map lookup
 * per attribute and entry — and the label's folded text reused for its own index row.
 */
export class CreatedIndexRows {
  readonly #attributes: readonly AttributeDef[]
  readonly #buckets: Tuple[][]
  #layout: SlotLayout<number> | null = null
  #slots: number[] = []

  constructor(tx: ImportTx, attributes: Iterable<AttributeDef>) {
    this.#attributes = [...attributes].filter(keepsIndexRows)
    this.#buckets = this.#attributes.map((a) => tx.indexBucket(a.id))
  }

  /** Queues the index rows of one created object (`labelCi`: foldCase(label), already computed). */
  add(objectId: number, values: ReadonlyMap<number, CanonicalValue[]>, label: string, labelCi: string): void {
    const attributes = this.#attributes
    if (!(values instanceof SlotMap)) {
      for (let i = 0; i < attributes.length; i++) {
        const list = values.get(attributes[i]!.id)
        if (list) pushIndexTuples(this.#buckets[i]!, objectId, attributes[i]!, list)
      }
      return
    }
    if (values.layout !== this.#layout) {
      const layout = (this.#layout = values.layout as SlotLayout<number>)
      this.#slots = attributes.map((a) => layout.slotOf(a.id) ?? -1)
    }
    const raw = values.rawSlots()
    for (let i = 0; i < attributes.length; i++) {
      const slot = this.#slots[i]!
      const s = slot < 0 ? undefined : raw[slot]
      if (s === undefined) continue
      if (isList(s)) pushIndexTuples(this.#buckets[i]!, objectId, attributes[i]!, s)
      else
        pushIndexTuple(
          this.#buckets[i]!,
          objectId,
          attributes[i]!.kind,
          s,
          0,
          s === label ? labelCi : undefined,
        )
    }
  }
}
