/**
 * Values of an attribute that more than one object holds, compared as `unique` compares them (folded text): what
 * switching `unique` on over stored objects is refused for (docs/decisions/0011-unique-checks-writes.md).
 */
import { foldCase } from '../aql/compare.js'
import { valueText } from './content-hash.js'
import type { CanonicalValue } from './types.js'

export interface DuplicateValue {
  value: string
  objectIds: number[]
}

export class UniqueDuplicates {
  /** Folded value → the first object holding it and its spelling there; further holders once a second is seen. */
  readonly #first = new Map<string, readonly [number, string]>()
  readonly #repeated = new Map<string, DuplicateValue>()

  add(objectId: number, values: readonly CanonicalValue[]): void {
    for (const v of values) {
      const text = valueText(v)
      const folded = foldCase(text)
      const first = this.#first.get(folded)
      if (first === undefined) {
        this.#first.set(folded, [objectId, text])
        continue
      }
      if (first[0] === objectId) continue
      const known = this.#repeated.get(folded)
      if (!known) this.#repeated.set(folded, { value: first[1], objectIds: [first[0], objectId] })
      else if (!known.objectIds.includes(objectId)) known.objectIds.push(objectId)
    }
  }

  /** How many values more than one object holds. */
  get size(): number {
    return this.#repeated.size
  }

  /** The first `limit` of them, in the order they were found. */
  first(limit: number): DuplicateValue[] {
    return [...this.#repeated.values()].slice(0, limit)
  }
}
