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

/**
 * MurmurHash3 x86_128 (Austin Appleby's, public domain) of `length` 32-bit words read as little-endian bytes, with
 * seed 0, written into `out` as h1..h4. A hash for telling apart an object's contents, not a cryptographic one.
 */
export function murmur3x86x128(words: Int32Array, length: number, out: Int32Array): void {
  const c1 = 0x239b961b
  const c2 = 0xab0e9789 | 0
  const c3 = 0x38b34ae5
  const c4 = 0xa1e38b93 | 0
  let h1 = 0
  let h2 = 0
  let h3 = 0
  let h4 = 0
  const blocks = length & ~3
  for (let i = 0; i < blocks; i += 4) {
    h1 ^= Math.imul(rotl(Math.imul(words[i]!, c1), 15), c2)
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0
    h2 ^= Math.imul(rotl(Math.imul(words[i + 1]!, c2), 16), c3)
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0
    h3 ^= Math.imul(rotl(Math.imul(words[i + 2]!, c3), 17), c4)
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0
    h4 ^= Math.imul(rotl(Math.imul(words[i + 3]!, c4), 18), c1)
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0
  }
  const tail = length - blocks
  if (tail >= 3) h3 ^= Math.imul(rotl(Math.imul(words[blocks + 2]!, c3), 17), c4)
  if (tail >= 2) h2 ^= Math.imul(rotl(Math.imul(words[blocks + 1]!, c2), 16), c3)
  if (tail >= 1) h1 ^= Math.imul(rotl(Math.imul(words[blocks]!, c1), 15), c2)
  const bytes = length * 4
  h1 ^= bytes
  h2 ^= bytes
  h3 ^= bytes
  h4 ^= bytes
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix32(h1)
  h2 = fmix32(h2)
  h3 = fmix32(h3)
  h4 = fmix32(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  out[0] = h1
  out[1] = (h2 + h1) | 0
  out[2] = (h3 + h1) | 0
  out[3] = (h4 + h1) | 0
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b | 0)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35 | 0)
  return h ^ (h >>> 16)
}

/** Words a ContentHashWords keeps between hashes; a larger buffer (a huge value) is let go after its digest. */
const KEPT_WORDS = 16 * 1024
/** The base64url alphabet the content hash (and the engine's source fingerprint) is written in. */
export const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
/** The character codes of the base64url alphabet. */
export const BASE64URL = Uint8Array.from(BASE64URL_ALPHABET, (c) => c.charCodeAt(0))
/** Each ASCII character's value in the base64url alphabet, -1 for characters outside it. */
export const BASE64URL_VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) BASE64URL_VALUES[BASE64URL[i]!] = i
/** The separator of a version 2 content hash: a character base64url never writes, so no SHA-1 hash has it. */
const VERSION_2_SEPARATOR = ':'
/** A content hash of the first version: the empty-values policy letter and a SHA-1 in base64url. */
const VERSION_1 = /^[IR][\w-]{27}$/

/**
 * Version 2 of the content hash an import stores: `I:` or `R:` (the empty-values policy) and 22 base64url
 * characters of a 128-bit MurmurHash3 of the mapped values, attributes in ascending id order. The values are
 * framed as 32-bit words, so no text is made, escaped or encoded: per attribute its id (two words) and its count of
 * values; per value a header word with its type — a string with its length and its UTF-16 code units two to a
 * word, a number with its IEEE 754 bits (0 for -0), a boolean in the header alone. The framing reads back in one
 * way only, so different values never make the same words. Made in ~0.2 µs for an object of ten short values,
 * where the SHA-1 of version 1 took ~1.5 µs with its text (bench/engine/map.bench.ts); version 1 hashes are still
 * recognised (see isVersion1ContentHash).
 */
export class ContentHashWords {
  private words = new Int32Array(256)
  private length = 0
  private readonly number = new DataView(new ArrayBuffer(8))
  private readonly out = new Int32Array(4)
  private readonly codes: number[] = new Array<number>(24).fill(0)

  /** Appends one attribute's values, given a list or its one value alone (attributes in ascending id order). */
  add(id: number, values: CanonicalValue | readonly CanonicalValue[]): void {
    this.room(3)
    this.words[this.length++] = id | 0
    this.words[this.length++] = id > 0x7fffffff ? Math.floor(id / 0x100000000) | 0 : 0
    if (!Array.isArray(values)) {
      this.words[this.length++] = 1
      this.value(values as CanonicalValue)
      return
    }
    const list = values as readonly CanonicalValue[]
    this.words[this.length++] = list.length
    for (let i = 0; i < list.length; i++) this.value(list[i]!)
  }

  /** The hash of the values added since the last digest, with the policy letter `prefix`; starts over. */
  digest(prefix: 'I' | 'R'): string {
    murmur3x86x128(this.words, this.length, this.out)
    this.length = 0
    if (this.words.length > KEPT_WORDS) this.words = new Int32Array(256)
    const codes = this.codes
    codes[0] = prefix.charCodeAt(0)
    codes[1] = VERSION_2_SEPARATOR.charCodeAt(0)
    // 128 bits as 22 base64url characters: 21 of six bits and a last one of the two left.
    let at = 2
    let bits = 0
    let held = 0
    for (let i = 0; i < 4; i++) {
      const word = this.out[i]!
      for (let b = 0; b < 32; b += 8) {
        held = (held << 8) | ((word >>> b) & 0xff)
        bits += 8
        while (bits >= 6) {
          bits -= 6
          codes[at++] = BASE64URL[(held >>> bits) & 0x3f]!
        }
      }
    }
    codes[at] = BASE64URL[(held << (6 - bits)) & 0x3f]!
    return String.fromCharCode.apply(null, codes)
  }

  private value(value: CanonicalValue): void {
    if (typeof value === 'string') return this.string(value)
    this.room(3)
    if (typeof value === 'boolean') {
      this.words[this.length++] = value ? 7 : 3
      return
    }
    this.number.setFloat64(0, value === 0 ? 0 : value, true)
    this.words[this.length++] = 2
    this.words[this.length++] = this.number.getInt32(0, true)
    this.words[this.length++] = this.number.getInt32(4, true)
  }

  private string(text: string): void {
    const n = text.length
    this.room(2 + (n >> 1))
    const words = this.words
    let at = this.length
    words[at++] = (n << 2) | 1
    let i = 0
    // Two words per turn, then the rest: the same words, ~15 % less time per string (fewer loop checks).
    for (; i + 3 < n; i += 4) {
      words[at] = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)
      words[at + 1] = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16)
      at += 2
    }
    for (; i + 1 < n; i += 2) words[at++] = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)
    if (i < n) words[at++] = text.charCodeAt(i)
    this.length = at
  }

  /** Makes room for `more` words after those written. */
  private room(more: number): void {
    if (this.length + more <= this.words.length) return
    const bigger = new Int32Array(Math.max(2 * this.words.length, this.length + more))
    bigger.set(this.words.subarray(0, this.length))
    this.words = bigger
  }
}

/** Whether a stored content hash is of version 1 (a SHA-1 of the values' JSON text; see ContentHashText). */
export function isVersion1ContentHash(hash: string): boolean {
  return hash.length === 28 && VERSION_1.test(hash)
}
