import { createHash } from 'node:crypto'
import type { CanonicalValue } from './types.js'

/**
 * Hash of an object's canonical values (attribute id → values in order). Equal hashes mean nothing changed,
 * so an import decides "identical" without reading the stored values. Attributes with no values do not count.
 */
export function contentHash(values: ReadonlyMap<number, readonly CanonicalValue[]>): string {
  const ids = [...values.keys()].filter((id) => (values.get(id)?.length ?? 0) > 0).sort((a, b) => a - b)
  const h = createHash('sha1')
  for (const id of ids) {
    h.update(String(id))
    h.update('\u0000')
    h.update(JSON.stringify(values.get(id)))
    h.update('\u0001')
  }
  return h.digest('base64url')
}

/** The text form stored for a canonical value. */
export function valueText(value: CanonicalValue): string {
  return typeof value === 'string' ? value : String(value)
}
