/**
 * The source fingerprint of an entry: a 64-bit hash of everything its mapping reads of it — per mapped attribute,
 * in plan order, the value each of its locators reads, and the fields its shaping (conditional values, templates)
 * reads — before any coercion, together with a hash of everything else that decides what the mapping makes of them
 * (the type's mapping document, the import settings, the mapped attributes' definitions with their options, the
 * known statuses when a status attribute is mapped, and FINGERPRINT_VERSION). Mapping is a function of these alone
 * (no step reads the clock: conditions refuse date functions, and dates resolve in the settings' zone), so an entry
 * whose fingerprint equals the one stored with its object maps to the values that object was written with.
 *
 * It is stored inside the object's content hash text, after the version 2 hash and a dot
 * (`I:` + 22 characters + `.` + 11 characters; see withSource): every other writer of content_hash (the object API,
 * a revert, the dirty mark `!`, the precedence mark `~`, the missing-objects pass) writes another text or appends to
 * it, and so drops the fingerprint by construction. The engine stores one only for an entry that mapped without a
 * problem and whose values nothing changed after mapping (a unique value dropped, an option's spelling, a new
 * option): a re-import may then skip mapping it (read-map-stage.ts), and the entry reports nothing on that run,
 * exactly as its full mapping would not have.
 */
import { BASE64URL, BASE64URL_VALUES, murmur3x86x128 } from '../domain/schema/content-hash.js'
import type { MapContext } from './map-entry.js'
import type { AttributePlan, TypePlan } from './type-plan.js'

/**
 * Bumped whenever mapping makes something else of the same entry under the same document (a coercion, a step or the
 * content hash changed): every stored fingerprint then differs, and the next import maps every entry again.
 */
export const FINGERPRINT_VERSION = 1

/** Length of a stored content hash with a fingerprint: the version 2 hash (24), the dot and 11 characters. */
export const HASH_WITH_SOURCE_LENGTH = 36

/** The fingerprint's text: 64 bits (high's, then low's) as 11 base64url characters, ten of six bits and one of four. */
export function sourceText(low: number, high: number): string {
  const b = BASE64URL
  const c = CODES
  c[0] = b[(high >>> 26) & 63]!
  c[1] = b[(high >>> 20) & 63]!
  c[2] = b[(high >>> 14) & 63]!
  c[3] = b[(high >>> 8) & 63]!
  c[4] = b[(high >>> 2) & 63]!
  c[5] = b[((high & 3) << 4) | ((low >>> 28) & 15)]!
  c[6] = b[(low >>> 22) & 63]!
  c[7] = b[(low >>> 16) & 63]!
  c[8] = b[(low >>> 10) & 63]!
  c[9] = b[(low >>> 4) & 63]!
  c[10] = b[(low & 15) << 2]!
  return String.fromCharCode.apply(null, c)
}

const CODES: number[] = new Array<number>(11).fill(0)

/** Decodes sourceText's 11 characters at `at` of `text` into out[0] (low) and out[1] (high); false when not one. */
export function decodeSource(text: string, at: number, out: Int32Array): boolean {
  const v = DIGITS
  for (let i = 0; i < 11; i++) {
    const c = text.charCodeAt(at + i)
    const d = c < 128 ? BASE64URL_VALUES[c]! : -1
    if (d < 0) return false
    v[i] = d
  }
  // The last character's two low bits are zeros in every text sourceText writes: another is no fingerprint.
  if ((v[10]! & 3) !== 0) return false
  out[1] = (v[0]! << 26) | (v[1]! << 20) | (v[2]! << 14) | (v[3]! << 8) | (v[4]! << 2) | (v[5]! >>> 4)
  out[0] =
    ((v[5]! & 15) << 28) | (v[6]! << 22) | (v[7]! << 16) | (v[8]! << 10) | (v[9]! << 4) | (v[10]! >>> 2)
  return true
}

const DIGITS = new Int32Array(11)

/**
 * The content hash text an import stores: the version 2 hash, with the entry's fingerprint (`low`, `high`) when it
 * has one (not 0 and 0). Made when the object's row is: the dot and the fingerprint's characters as one string of
 * twelve (String.fromCharCode with its arguments written out: measured 0.06 µs with the concatenation, against
 * 0.10 for sourceText's and 0.15 for one text of 36 codes through `apply`).
 */
export function withSource(hash: string, low: number, high: number): string {
  if (low === 0 && high === 0) return hash
  const b = BASE64URL
  return (
    hash +
    String.fromCharCode(
      46 /* . */,
      b[(high >>> 26) & 63]!,
      b[(high >>> 20) & 63]!,
      b[(high >>> 14) & 63]!,
      b[(high >>> 8) & 63]!,
      b[(high >>> 2) & 63]!,
      b[((high & 3) << 4) | ((low >>> 28) & 15)]!,
      b[(low >>> 22) & 63]!,
      b[(low >>> 16) & 63]!,
      b[(low >>> 10) & 63]!,
      b[(low >>> 4) & 63]!,
      b[(low & 15) << 2]!,
    )
  )
}

/**
 * The version 2 hash of a stored content hash text that carries a fingerprint (`<hash>.<fingerprint>`, nothing
 * appended since), else the text itself: what an entry's hash is compared with.
 */
export function hashPart(stored: string): string {
  return stored.length === HASH_WITH_SOURCE_LENGTH && stored.charCodeAt(24) === 46 /* . */
    ? stored.slice(0, 24)
    : stored
}

/** What a plan's fingerprint was made from: recomputed when one of these is replaced (a new option or status). */
interface PlanPrint {
  context: {
    settings: MapContext['settings']
    concatenator: string
    coerceOptions: MapContext['coerceOptions']
  }
  statusNames: readonly string[] | null
  attributes: AttributePlan['attribute'][]
  words: Int32Array
}

const planPrints = new WeakMap<TypePlan, PlanPrint | null>()

function planWords(plan: TypePlan, ctx: MapContext): PlanPrint | null {
  const hasStatus = plan.attributes.some((a) => a.attribute.kind === 'status')
  let text: string
  try {
    // Members that never change what an entry maps to are left out, so that editing them does not make the next
    // import write every object's hash again: the precedence rule and the problem policy (an entry with a problem
    // has no fingerprint), a description, the type's name and the missing-objects policy.
    const { precedence: _precedence, entryProblems: _policy, ...settings } = ctx.settings
    const {
      description: _description,
      objectTypeName: _name,
      missingObjects: _missing,
      ...mapping
    } = plan.mapping
    text = JSON.stringify([
      FINGERPRINT_VERSION,
      settings,
      ctx.concatenator,
      ctx.coerceOptions,
      mapping,
      plan.labelAttribute?.id ?? null,
      plan.emptyValues,
      plan.unknownValues,
      plan.ignoreCase,
      plan.attributes.map((a) => {
        const d = a.attribute
        return [
          d.id,
          d.kind,
          d.label,
          d.minimumCardinality,
          d.maximumCardinality,
          d.referenceObjectTypeId,
          d.allowedValues,
        ]
      }),
      hasStatus ? ctx.statusNames : null,
    ])
  } catch {
    return null
  }
  const words = new Int32Array((text.length + 1) >> 1)
  for (let i = 0; i < text.length; i++) words[i >> 1]! |= text.charCodeAt(i) << ((i & 1) * 16)
  const out = new Int32Array(4)
  murmur3x86x128(words, words.length, out)
  return {
    context: { settings: ctx.settings, concatenator: ctx.concatenator, coerceOptions: ctx.coerceOptions },
    statusNames: hasStatus ? ctx.statusNames : null,
    attributes: plan.attributes.map((a) => a.attribute),
    words: out,
  }
}

/** The plan's fingerprint words for this context, or null when the plan cannot have one. */
function planPrint(plan: TypePlan, ctx: MapContext): PlanPrint | null {
  // The last plan asked first: an import asks for each of its entries, mostly of one type in a row.
  let p = plan === lastPlan ? lastPrint : planPrints.get(plan)
  if (p !== undefined && p !== null) {
    const c = p.context
    let same =
      c.settings === ctx.settings &&
      c.concatenator === ctx.concatenator &&
      c.coerceOptions === ctx.coerceOptions &&
      (p.statusNames === null || p.statusNames === ctx.statusNames)
    for (let i = 0; same && i < plan.attributes.length; i++)
      same = plan.attributes[i]!.attribute === p.attributes[i]
    if (same) {
      lastPlan = plan
      lastPrint = p
      return p
    }
    p = undefined
  }
  if (p === undefined) {
    p = planWords(plan, ctx)
    planPrints.set(plan, p)
  }
  lastPlan = plan
  lastPrint = p
  return p
}

let lastPlan: TypePlan | null = null
let lastPrint: PlanPrint | null | undefined = undefined

/** Words of one entry's read values, hashed into its fingerprint (one buffer: mapping is synchronous). */
class SourceWords {
  words = new Int32Array(256)
  length = 0
  readonly number = new DataView(new ArrayBuffer(8))

  room(more: number): void {
    if (this.length + more <= this.words.length) return
    const bigger = new Int32Array(Math.max(2 * this.words.length, this.length + more))
    bigger.set(this.words.subarray(0, this.length))
    this.words = bigger
  }

  /**
   * Appends a read value, framed so that different values never make the same words: a string as its length and
   * UTF-16 units, a number as its IEEE 754 bits, a Date as its time, an array as its length and elements, and tags
   * for undefined, null and the booleans. False for anything else (a nested object): such an entry has no
   * fingerprint and is always mapped.
   */
  value(v: unknown): boolean {
    if (typeof v === 'string') {
      const n = v.length
      this.room(1 + ((n + 1) >> 1))
      const words = this.words
      let at = this.length
      words[at++] = (n << 2) | 1
      let i = 0
      for (; i + 1 < n; i += 2) words[at++] = v.charCodeAt(i) | (v.charCodeAt(i + 1) << 16)
      if (i < n) words[at++] = v.charCodeAt(i)
      this.length = at
      return true
    }
    this.room(3)
    if (v === undefined) this.words[this.length++] = 0
    else if (v === null) this.words[this.length++] = 4
    else if (v === true) this.words[this.length++] = 10
    else if (v === false) this.words[this.length++] = 6
    else if (typeof v === 'number' || v instanceof Date) {
      this.number.setFloat64(0, typeof v === 'number' ? v : v.getTime(), true)
      this.words[this.length++] = typeof v === 'number' ? 2 : 8
      this.words[this.length++] = this.number.getInt32(0, true)
      this.words[this.length++] = this.number.getInt32(4, true)
    } else if (Array.isArray(v)) {
      this.words[this.length++] = (v.length << 2) | 3
      for (let i = 0; i < v.length; i++) if (!this.value(v[i])) return false
    } else return false
    return true
  }
}

const WORDS = new SourceWords()
const OUT = new Int32Array(4)

/**
 * The plan's fingerprint words for this context (what every entry's fingerprint starts from), or null when the plan
 * cannot have one. Asked once per entry at most: it is checked against the context and the plan's attributes.
 */
export function planSeed(plan: TypePlan, ctx: MapContext): Int32Array | null {
  return planPrint(plan, ctx)?.words ?? null
}

/**
 * Starts an entry's fingerprint from the plan's seed (planSeed). Then printAttribute, per mapped attribute in plan
 * order, and endPrint: the fingerprint mapEntry makes from the values it reads anyway, equal to sourceFingerprint's
 * of the same entry (the same words in the same order).
 */
export function beginPrint(seed: Int32Array): void {
  const w = WORDS
  w.length = 0
  w.room(4)
  w.words.set(seed, 0)
  w.length = 4
}

/**
 * Appends what attribute `a`'s locators read of the entry — `raw`, the value its one locator read, is not read again
 * (an attribute of several locators has each read again: `raw` is their joined text) — and the fields its shaping
 * reads. False when one is a nested object: the entry has no fingerprint.
 */
export function printAttribute(a: AttributePlan, entry: Record<string, unknown>, raw: unknown): boolean {
  const w = WORDS
  if (a.readers.length === 1) {
    if (!w.value(raw)) return false
  } else for (let r = 0; r < a.readers.length; r++) if (!w.value(a.readers[r]!(entry))) return false
  const extra = a.shapeReaders
  if (extra !== undefined) for (let r = 0; r < extra.length; r++) if (!w.value(extra[r]!(entry))) return false
  return true
}

/** The fingerprint of the words appended since beginPrint, into out[0] (low) and out[1] (high). */
export function endPrint(out: Int32Array): void {
  const w = WORDS
  murmur3x86x128(w.words, w.length, OUT)
  if (w.words.length > 16 * 1024) w.words = new Int32Array(256)
  // Never 0 and 0: the owned table's mark of an object stored without a fingerprint (and an entry's of none).
  out[0] = OUT[0] === 0 && OUT[1] === 0 ? 1 : OUT[0]!
  out[1] = OUT[1]!
}

/**
 * The entry's fingerprint into out[0] (low) and out[1] (high), or false when it has none (its plan cannot have one,
 * or a locator read a nested object), read before the entry is mapped. Sets the attributes' readSomething as mapping
 * would (a locator that read a value in some entry), so that an entry whose mapping is skipped still counts for
 * LOCATOR_READ_NOTHING.
 */
export function sourceFingerprint(
  plan: TypePlan,
  entry: Record<string, unknown>,
  ctx: MapContext,
  out: Int32Array,
): boolean {
  const seed = planSeed(plan, ctx)
  if (seed === null) return false
  beginPrint(seed)
  let ok = true
  for (let ai = 0; ai < plan.attributes.length; ai++) {
    const a = plan.attributes[ai]!
    for (let r = 0; r < a.readers.length; r++) {
      const v = a.readers[r]!(entry)
      if (!a.readSomething[r] && v !== undefined && v !== null && v !== '') a.readSomething[r] = true
      if (ok && !WORDS.value(v)) ok = false
    }
    const extra = a.shapeReaders
    if (ok && extra !== undefined)
      for (let r = 0; ok && r < extra.length; r++) ok = WORDS.value(extra[r]!(entry))
  }
  if (!ok) return false
  endPrint(out)
  return true
}
