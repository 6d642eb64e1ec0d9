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

/** Bytes a ContentHashText keeps between hashes; a larger buffer (a huge value) is let go after its digest. */
const KEPT_BYTES = 64 * 1024

/**
 * The text contentHash hashes, written part by part as UTF-8 into one reused buffer and hashed from there: the
 * same digest as contentHashOfText of the joined contentHashPart()s, without a string per part, the joined text or
 * its conversion to UTF-8 (on a million objects of ten attributes: some 3 KB of garbage per object fewer).
 */
export class ContentHashText {
  private bytes = new Uint8Array(1024)
  private length = 0

  /** Appends contentHashPart(id, list), given a list or its one value alone. */
  add(id: number, values: CanonicalValue | readonly CanonicalValue[]): void {
    if (!Array.isArray(values)) this.addOne(id, values as CanonicalValue)
    else if (values.length === 1) this.addOne(id, (values as readonly CanonicalValue[])[0]!)
    else this.addText(contentHashPart(id, values as readonly CanonicalValue[]))
  }

  /** The hash of the text appended since the last digest (as contentHashOfText answers it); starts over. */
  digest(): string {
    const view = this.bytes.subarray(0, this.length)
    const hash =
      typeof crypto.hash === 'function'
        ? crypto.hash('sha1', view, 'base64url')
        : crypto.createHash('sha1').update(view).digest('base64url')
    this.length = 0
    if (this.bytes.length > KEPT_BYTES) this.bytes = new Uint8Array(1024)
    return hash
  }

  private addOne(id: number, value: CanonicalValue): void {
    const start = this.length
    this.room(40) // two safe integers (16 digits and a sign each) and four bytes
    this.integer(id)
    this.bytes[this.length++] = 0
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      this.bytes[this.length++] = 0x5b // [
      this.integer(value)
      this.bytes[this.length++] = 0x5d // ]
    } else if (typeof value !== 'string' || !this.plainString(value)) {
      this.length = start
      this.addText(contentHashPartOf(id, value))
      return
    }
    this.bytes[this.length++] = 1
  }

  /** `["value"]` when no character of the value needs a JSON escape (else nothing is kept and the answer is false). */
  private plainString(value: string): boolean {
    this.room(3 * value.length + 8)
    const bytes = this.bytes
    let at = this.length
    bytes[at++] = 0x5b
    bytes[at++] = 0x22
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      if (c < 0x80) {
        if (c < 0x20 || c === 0x22 || c === 0x5c) return false
        bytes[at++] = c
      } else if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6)
        bytes[at++] = 0x80 | (c & 0x3f)
      } else if (c >= 0xd800 && c <= 0xdfff) {
        return false // JSON.stringify writes pairs as they are and escapes lone halves: the general path decides
      } else {
        bytes[at++] = 0xe0 | (c >> 12)
        bytes[at++] = 0x80 | ((c >> 6) & 0x3f)
        bytes[at++] = 0x80 | (c & 0x3f)
      }
    }
    bytes[at++] = 0x22
    bytes[at++] = 0x5d
    this.length = at
    return true
  }

  /** The decimal digits of a safe integer, as String() writes them (-0 as 0). */
  private integer(n: number): void {
    if (n < 0) {
      this.bytes[this.length++] = 0x2d
      n = -n
    }
    if (n < 0x80000000) return this.digits(n | 0, 0)
    // In two parts of small integers: remainders of a double larger than 2^31 cost a floating-point division each.
    const high = Math.floor(n / 1e8)
    this.digits(high, 0)
    this.digits(n - high * 1e8, 8)
  }

  /** The digits of a small non-negative integer, zero-padded to `width`. */
  private digits(n: number, width: number): void {
    let count = 1
    for (let rest = n; rest >= 10; rest = (rest / 10) | 0) count++
    if (count < width) count = width
    let at = (this.length += count)
    for (let rest = n; count > 0; count--, rest = (rest / 10) | 0) this.bytes[--at] = 0x30 + (rest % 10)
  }

  /** Appends a text as UTF-8 (a lone surrogate as U+FFFD, as Node encodes it). */
  private addText(text: string): void {
    this.room(3 * text.length)
    const bytes = this.bytes
    let at = this.length
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i)
      if (c < 0x80) {
        bytes[at++] = c
        continue
      }
      if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6)
        bytes[at++] = 0x80 | (c & 0x3f)
        continue
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
          bytes[at++] = 0xf0 | (point >> 18)
          bytes[at++] = 0x80 | ((point >> 12) & 0x3f)
          bytes[at++] = 0x80 | ((point >> 6) & 0x3f)
          bytes[at++] = 0x80 | (point & 0x3f)
          i++
          continue
        }
        c = 0xfffd
      }
      bytes[at++] = 0xe0 | (c >> 12)
      bytes[at++] = 0x80 | ((c >> 6) & 0x3f)
      bytes[at++] = 0x80 | (c & 0x3f)
    }
    this.length = at
  }

  /** Makes room for `more` bytes after those written. */
  private room(more: number): void {
    if (this.length + more <= this.bytes.length) return
    const bigger = new Uint8Array(Math.max(2 * this.bytes.length, this.length + more))
    bigger.set(this.bytes.subarray(0, this.length))
    this.bytes = bigger
  }
}
