import crypto from 'node:crypto'
import type { CanonicalValue } from './types.js'

/**
 * sha1 of a text as base64url. One call (`crypto.hash`, Node ≥ 20.12) rather than a Hash object per object: on a
 * million objects the object, its update and digest calls cost more than the digest of a few hundred bytes.
 */
const sha1: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha1', text, 'base64url')
    : (text) => crypto.createHash('sha1').update(text).digest('base64url')

/**
 * One attribute's part of the hashed text. The text is the parts of the attributes with values, in ascending id
 * order; its format is that of the hashes already stored (changing it would make every stored object "changed").
 */
export function contentHashPart(id: number, list: readonly CanonicalValue[]): string {
  return `${id}\u0000${list.length === 1 ? oneValueJson(list[0]!) : JSON.stringify(list)}\u0001`
}

/** contentHashPart of a list of one value, without the list. */
export function contentHashPartOf(id: number, value: CanonicalValue): string {
  return `${id}\u0000${oneValueJson(value)}\u0001`
}

/** Characters JSON.stringify writes escaped (or, for lone surrogates, as \u escapes). */
// eslint-disable-next-line no-control-regex -- exactly the characters JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/

/** JSON.stringify([value]), without the call for the common values: text that needs no escape, numbers, booleans. */
function oneValueJson(value: CanonicalValue): string {
  if (typeof value === 'string') return JSON_ESCAPED.test(value) ? JSON.stringify([value]) : `["${value}"]`
  if (typeof value === 'number' && Number.isFinite(value)) return `[${value}]`
  return JSON.stringify([value])
}

/** The hash of a text made of contentHashPart()s (see contentHash). */
export function contentHashOfText(text: string): string {
  return sha1(text)
}

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
  for (const id of ids) text += contentHashPart(id, values.get(id)!)
  return contentHashOfText(text)
}

/** The text form stored for a canonical value. */
export function valueText(value: CanonicalValue): string {
  return typeof value === 'string' ? value : String(value)
}
