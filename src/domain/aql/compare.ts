import type { CanonicalValue } from '../schema/types.js'
import type { BoundTest, Scalar, ValueType } from './bound.js'

/**
 * Case folding for case-insensitive text tests: String.prototype.toLowerCase (full Unicode, locale-independent).
 * An SQL compiler must fold the same way, e.g. by comparing against a column folded by this function on write.
 */
export function foldCase(text: string): string {
  return text.toLowerCase()
}

/** Orders strings by Unicode code point (= UTF-8 byte order, as SQLite BINARY and PostgreSQL COLLATE "C"). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!
    const y = b.codePointAt(i)!
    if (x !== y) return x < y ? -1 : 1
    if (x > 0xffff) i++
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/**
 * The stored value as the kind it is compared as, or null when it is not a value of that kind (wrong JS type,
 * empty string, NaN). Such values are skipped, as if absent.
 */
export function asScalar(value: CanonicalValue, valueType: ValueType): Scalar | null {
  switch (valueType) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : null
    case 'boolean':
      return typeof value === 'boolean' ? value : null
    default:
      return typeof value === 'string' && value !== '' ? value : null
  }
}

/** Orders two values of one kind: numbers numerically, false before true, strings by code point. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  return compareCodePoints(String(a), String(b))
}

function equals(value: Scalar, wanted: Scalar, valueType: ValueType, caseSensitive: boolean): boolean {
  if (valueType === 'text' && !caseSensitive) return foldCase(String(value)) === foldCase(String(wanted))
  return value === wanted
}

/** Whether one (present) value passes a test. */
export function passes(value: Scalar, test: BoundTest, valueType: ValueType): boolean {
  switch (test.op) {
    case 'exists':
      return true
    case 'eq':
      return equals(value, test.value, valueType, test.caseSensitive)
    case 'in':
      return test.values.some((wanted) => equals(value, wanted, valueType, false))
    case 'lt':
      return compareScalars(value, test.value) < 0
    case 'le':
      return compareScalars(value, test.value) <= 0
    case 'gt':
      return compareScalars(value, test.value) > 0
    case 'ge':
      return compareScalars(value, test.value) >= 0
    case 'contains':
      return foldCase(String(value)).includes(foldCase(test.value))
    case 'startsWith':
      return foldCase(String(value)).startsWith(foldCase(test.value))
    case 'endsWith':
      return foldCase(String(value)).endsWith(foldCase(test.value))
  }
}
