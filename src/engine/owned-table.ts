/**
 * What the source owns of a type when a full read begins, read once (keyset pages in identity order) into typed
 * arrays: per object its id, a 64-bit fingerprint of its identity, its content hash (exactly, as 16 bytes and two),
 * and whether it is counted missing — 30 bytes, and 6–12 of an open-addressing index (~37 MB at a million objects,
 * dropped after the missing-objects pass). The decide phase asks it instead of the database for every entry
 * (decide.ts), and the missing-objects pass finds the owned objects the run did not see in it instead of paging
 * through all of them again (missing-objects.ts).
 *
 * What an answer is worth (the rule decide.ts follows):
 * - NOT_OWNED is exact: every identity the source owned at the start is in the table, and a text always has the same
 *   fingerprint. (Objects this run creates are not: repeats of an identity never reach decide — read-map-stage.ts.)
 * - An entry is only decided from the table when its content hash equals the stored one exactly. The content hash
 *   is made of the mapped values (map-entry.ts), which hold the identity's parts: equal hashes are equal values, so
 *   the same identity — an entry of another identity would need a fingerprint collision and a content hash
 *   collision at once, the second being what the engine already trusts for "identical".
 * - A changed hash (the stored one kept exactly, the entry's another) has its object read by the id the table holds
 *   (ImportTx.ownedRowsByIds: a primary-key probe that also brings the values the update phase compares), and the
 *   row is that entry's object only if its identity is the entry's identity: a fingerprint is not proof. An entry
 *   whose row says another identity (a collision with an identity the source does not own), or that the source no
 *   longer owns, is asked of the database by identity, as before.
 * - Everything else is asked by identity, as before: a stored hash of version 1 or marked `~` (precedence) — the
 *   first is often identical all the same, and its values are then not read —, and ASK: a fingerprint that two owned
 *   identities share, found while the table is built.
 * - A stored hash may carry the source fingerprint of the entry it was written from (`<hash>.<fingerprint>`,
 *   source-fingerprint.ts): the table keeps it (8 bytes more per object), and an entry whose own fingerprint equals
 *   it is identical without being mapped (sameSource; read-map-stage.ts). The fingerprint is compared for the object
 *   that find() answers for the entry's identity, so that identity must be the entry's: equal fingerprints are equal
 *   source values under the same mapping, which map to the same identity. A hash with anything appended after the
 *   fingerprint (`!`, `~`) is not kept exactly, as before.
 */
import { BASE64URL_ALPHABET, BASE64URL_VALUES } from '../domain/schema/content-hash.js'
import type { ImportTx, OwnedDigest } from './ports.js'
import { textHashesInto } from './seen-sets.js'
import { decodeSource, HASH_WITH_SOURCE_LENGTH, sourceText } from './source-fingerprint.js'

/** find(): the source owned no object of that identity when the run began. */
export const NOT_OWNED = -1
/** find(): owned identities share this fingerprint: the database must answer which object it is, if any. */
export const ASK = -2

/** Writes a text's 64-bit fingerprint as two 32-bit words to out[0] (never 0) and out[1]. */
export type Fingerprint = (text: string, out: Int32Array) => void

const LOWS = new Int32Array(1)
const HIGHS = new Int32Array(1)

/** TextHashes' two hashes (seen-sets.ts): FNV-1a and a differently mixed one. */
export const identityFingerprint: Fingerprint = (text, out) => {
  textHashesInto(text, LOWS, HIGHS, 0)
  out[0] = LOWS[0]!
  out[1] = HIGHS[0]!
}

/** Rows read per statement while the table is built. */
const PAGE = 20_000

/** tail bits: the last two base64url characters of the hash (12 bits), then flags. */
const TAIL_CHARS = 0x0fff
const R_PREFIX = 1 << 12
/** The stored hash is a plain version 2 hash (`I:` or `R:` and 22 base64url characters), kept exactly. */
const EXACT = 1 << 13
/** missing_runs > 0: an identical entry resets the counters (decide's hashOnly). */
const MISSING = 1 << 14
/** Another owned identity has the same fingerprint: find() answers ASK. */
const AMBIGUOUS = 1 << 15

/** The scratch of encodeHash: four words and the tail, then the source fingerprint's two words (0 and 0: none). */
const HASH = new Int32Array(7)

/**
 * A version 2 content hash (`I:`/`R:` and 22 base64url characters, content-hash.ts) as four words of five characters
 * and a tail of the last two and the prefix: one-to-one, so equal encodings are equal texts.
 */
function encodeHash(text: string | null): boolean {
  if (text === null || text.charCodeAt(1) !== 58 /* : */) return false
  if (text.length === HASH_WITH_SOURCE_LENGTH) {
    if (text.charCodeAt(24) !== 46 /* . */ || !decodeSource(text, 25, SOURCE)) return false
    HASH[5] = SOURCE[0]!
    HASH[6] = SOURCE[1]!
  } else if (text.length === 24) {
    HASH[5] = 0
    HASH[6] = 0
  } else return false
  const prefix = text.charCodeAt(0)
  if (prefix !== 73 /* I */ && prefix !== 82 /* R */) return false
  let at = 2
  for (let w = 0; w < 4; w++) {
    let word = 0
    for (let k = 0; k < 5; k++) {
      const c = text.charCodeAt(at++)
      const v = c < 128 ? BASE64URL_VALUES[c]! : -1
      if (v < 0) return false
      word = (word << 6) | v
    }
    HASH[w] = word
  }
  const c1 = text.charCodeAt(22)
  const c2 = text.charCodeAt(23)
  const v1 = c1 < 128 ? BASE64URL_VALUES[c1]! : -1
  const v2 = c2 < 128 ? BASE64URL_VALUES[c2]! : -1
  if (v1 < 0 || v2 < 0) return false
  HASH[4] = (v1 << 6) | v2 | (prefix === 82 ? R_PREFIX : 0)
  return true
}

const SOURCE = new Int32Array(2)

export class OwnedTable {
  #n = 0
  #low: Int32Array
  #high: Int32Array
  #ids: Uint32Array
  #hash: Int32Array
  #tail: Uint16Array
  /** Per object: the stored source fingerprint's two words, 0 and 0 when it has none. */
  #source: Int32Array
  #slots = new Int32Array(0)
  readonly #fp = new Int32Array(2)
  readonly #fingerprint: Fingerprint

  constructor(capacity = 1024, fingerprint: Fingerprint = identityFingerprint) {
    const c = Math.max(16, capacity)
    this.#low = new Int32Array(c)
    this.#high = new Int32Array(c)
    this.#ids = new Uint32Array(c)
    this.#hash = new Int32Array(4 * c)
    this.#tail = new Uint16Array(c)
    this.#source = new Int32Array(2 * c)
    this.#fingerprint = fingerprint
  }

  /**
   * Reads what the source owns of the type, or null — the run then asks the database, as it always did — when an id
   * does not fit the table (beyond 2^32), or when the whole input is one batch of `lastBatch` entries, fewer than half
   * the objects owned: most of them are then missing, and the missing-objects pass pages through them all anyway
   * (missing-objects.ts), so that reading them into the table first would read them twice.
   */
  static async read(
    tx: ImportTx,
    typeId: number,
    sourceId: string,
    lastBatch: number | null,
    fingerprint: Fingerprint = identityFingerprint,
  ): Promise<OwnedTable | null> {
    const count = await tx.countOwned(typeId, sourceId)
    if (lastBatch !== null && lastBatch * 2 < count) return null
    const table = new OwnedTable(count, fingerprint)
    // Marked objects (object_mark): their hashes read as the mark once wrote them, with a `!` — kept inexactly.
    const marked = new Set(await tx.markedOwned(typeId, sourceId))
    let after = ''
    for (;;) {
      const page: OwnedDigest[] = await tx.ownedDigestPage(typeId, sourceId, after, PAGE)
      for (const row of page) {
        const read: OwnedDigest =
          marked.size && marked.has(Number(row[0])) ? [row[0], row[1], `${row[2] ?? ''}!`, row[3]] : row
        if (!table.add(read)) return null
      }
      if (page.length < PAGE) break
      after = page[page.length - 1]![1] ?? ''
    }
    table.seal()
    return table
  }

  /** How many owned objects the table holds. */
  get size(): number {
    return this.#n
  }

  /** Bytes of the typed arrays (the heap the table holds). */
  get bytes(): number {
    return this.#low.length * 38 + this.#slots.length * 4
  }

  /** Adds an owned object (before seal); false when its id does not fit. */
  add([id, identity, contentHash, missingRuns]: OwnedDigest): boolean {
    const n = Number(id)
    if (!(n >= 0 && n <= 0xffffffff)) return false
    if (this.#n === this.#low.length) this.#grow()
    const i = this.#n++
    this.#fingerprint(identity ?? '', this.#fp)
    this.#low[i] = this.#fp[0]!
    this.#high[i] = this.#fp[1]!
    this.#ids[i] = n
    let tail = Number(missingRuns) > 0 ? MISSING : 0
    if (encodeHash(contentHash)) {
      this.#hash.set(HASH.subarray(0, 4), 4 * i)
      tail |= HASH[4]! | EXACT
      this.#source[2 * i] = HASH[5]!
      this.#source[2 * i + 1] = HASH[6]!
    }
    this.#tail[i] = tail
    return true
  }

  /** Builds the index (load ≤ 2/3). Objects whose fingerprint another has are marked: find() answers ASK for them. */
  seal(): void {
    let size = 16
    while (size * 2 < this.#n * 3) size *= 2
    const slots = new Int32Array(size)
    const mask = size - 1
    for (let e = 0; e < this.#n; e++) {
      const low = this.#low[e]!
      const high = this.#high[e]!
      for (let s = low & mask; ; s = (s + 1) & mask) {
        const f = slots[s]! - 1
        if (f < 0) {
          slots[s] = e + 1
          break
        }
        if (this.#low[f] === low && this.#high[f] === high) {
          this.#tail[f]! |= AMBIGUOUS
          this.#tail[e]! |= AMBIGUOUS
          break
        }
      }
    }
    this.#slots = slots
  }

  /** The entry of the owned object with this identity's fingerprint, NOT_OWNED, or ASK (see the rule above). */
  find(identity: string): number {
    const slots = this.#slots
    if (slots.length === 0) return NOT_OWNED
    this.#fingerprint(identity, this.#fp)
    const low = this.#fp[0]!
    const high = this.#fp[1]!
    const mask = slots.length - 1
    for (let s = low & mask; ; s = (s + 1) & mask) {
      const e = slots[s]! - 1
      if (e < 0) return NOT_OWNED
      if (this.#low[e] === low && this.#high[e] === high) return this.#tail[e]! & AMBIGUOUS ? ASK : e
    }
  }

  /** Whether the entry's stored content hash is exactly `hash` (false for any hash not kept exactly: ask). */
  sameHash(e: number, hash: string): boolean {
    const tail = this.#tail[e]!
    if (!(tail & EXACT) || !encodeHash(hash)) return false
    const at = 4 * e
    const h = this.#hash
    return (
      h[at] === HASH[0] &&
      h[at + 1] === HASH[1] &&
      h[at + 2] === HASH[2] &&
      h[at + 3] === HASH[3] &&
      (tail & (TAIL_CHARS | R_PREFIX)) === HASH[4]
    )
  }

  /**
   * Whether entry `e`'s stored content hash carries the source fingerprint `low`/`high` (then an entry with that
   * fingerprint is identical: see the rule above).
   */
  sameSource(e: number, low: number, high: number): boolean {
    const s = this.#source
    return s[2 * e] === low && s[2 * e + 1] === high && (low !== 0 || high !== 0)
  }

  /** Entry `e`'s stored content hash, as stored (for an exact one: see exact()). */
  storedHash(e: number): string {
    const h = this.#hash
    const tail = this.#tail[e]!
    let text = tail & R_PREFIX ? 'R:' : 'I:'
    for (let w = 0; w < 4; w++) {
      const word = h[4 * e + w]!
      for (let k = 4; k >= 0; k--) text += BASE64URL_ALPHABET[(word >>> (6 * k)) & 63]!
    }
    text += BASE64URL_ALPHABET[(tail >>> 6) & 63]! + BASE64URL_ALPHABET[tail & 63]!
    const low = this.#source[2 * e]!
    const high = this.#source[2 * e + 1]!
    return low === 0 && high === 0 ? text : `${text}.${sourceText(low, high)}`
  }

  /** Whether entry `e`'s stored content hash is a plain version 2 hash, kept exactly (sameHash can answer for it). */
  exact(e: number): boolean {
    return (this.#tail[e]! & EXACT) !== 0
  }

  /** The object id of entry `e` (entries are numbered 0…size-1 in identity order). */
  id(e: number): number {
    return this.#ids[e]!
  }

  /** Whether entry `e`'s object is counted missing (missing_runs > 0). */
  missing(e: number): boolean {
    return (this.#tail[e]! & MISSING) !== 0
  }

  #grow(): void {
    const c = this.#low.length * 2
    const grow = <T extends Int32Array | Uint32Array | Uint16Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n)
      b.set(a)
      return b
    }
    this.#low = grow(this.#low, c)
    this.#high = grow(this.#high, c)
    this.#ids = grow(this.#ids, c)
    this.#hash = grow(this.#hash, 4 * c)
    this.#tail = grow(this.#tail, c)
    this.#source = grow(this.#source, 2 * c)
  }
}
