import { createHash } from 'node:crypto'
import type { CanonicalValue } from './types.js'

/**
 * Hash of an object's canonical values (attribute id → values in order). Equal hashes mean nothing changed,
 * so an import decides "identical" without reading the stored values. Attributes with no values do not count.
 */
export function contentHash(values: ReadonlyMap<number, readonly CanonicalValue[]>): string {
  const ids: number[] = []
  for (const [id, list] of values) if (list.length > 0) ids.push(id)
  ids.sort((a, b) => a - b)
  // One string, one digest: far cheaper than one hash update per attribute on a million objects.
  let text = ''
  for (const id of ids) text += `${id}\u0000${JSON.stringify(values.get(id))}\u0001`
  return createHash('sha1').update(text).digest('base64url')
}

/** The text form stored for a canonical value. */
export function valueText(value: CanonicalValue): string {
  return typeof value === 'string' ? value : String(value)
}
