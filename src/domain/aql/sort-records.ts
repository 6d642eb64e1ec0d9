import type { BoundOrder, Scalar } from './bound.js'
import { compareScalars, foldCase } from './compare.js'
import { follow, valuesOf } from './evaluate-memory.js'
import type { AqlRecord, AqlResolver } from './record.js'

/**
 * Applies `order by`: each record's sort key is the smallest of its values reached through the path (text
 * folded with foldCase and then by code point, numbers numerically, dates chronologically, false before true).
 * Records without a value come first in both directions; `desc` reverses the order of the keys only; equal keys
 * are ordered by id, ascending. Returns a new array.
 */
export function sortRecords<R extends AqlRecord>(
  records: readonly R[],
  order: BoundOrder,
  resolver: AqlResolver,
): R[] {
  const keyed = records.map((record) => ({ record, key: sortKey(record, order, resolver) }))
  const sign = order.direction === 'desc' ? -1 : 1
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) {
      if (a.key !== b.key) return a.key === null ? -1 : 1
    } else {
      const byKey = compareScalars(a.key, b.key)
      if (byKey !== 0) return sign * byKey
    }
    return a.record.id - b.record.id
  })
  return keyed.map((k) => k.record)
}

export function sortKey(record: AqlRecord, order: BoundOrder, resolver: AqlResolver): Scalar | null {
  let best: Scalar | null = null
  for (const reached of follow(record, order.via, resolver)) {
    for (const value of valuesOf(reached, order.source, order.valueType)) {
      const key = typeof value === 'string' && order.valueType === 'text' ? foldCase(value) : value
      if (best === null || compareScalars(key, best) < 0) best = key
    }
  }
  return best
}
