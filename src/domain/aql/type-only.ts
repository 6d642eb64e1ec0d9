import type { BoundQuery } from './bound.js'

/**
 * The object types a query selects when it tests nothing but the type (`objectType = X`, `objectType in (…)`,
 * `objectTypeId = n`, `objectType in objectTypeAndChildren(X)`): then the number of matches is the sum of those
 * types' object counts. null for any other query.
 */
export function typeOnlyQuery(query: BoundQuery): readonly number[] | null {
  const w = query.where
  if (w.type !== 'condition' || w.via.length !== 0 || w.targets.length !== 1) return null
  const { source, test } = w.targets[0]!
  if (source.type !== 'field' || source.field !== 'objectTypeId') return null
  const values = test.op === 'eq' ? [test.value] : test.op === 'in' ? test.values : null
  if (values === null || !values.every((v) => typeof v === 'number' && Number.isInteger(v))) return null
  return [...new Set(values as number[])]
}
