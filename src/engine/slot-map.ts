import type { CanonicalValue } from '../domain/schema/types.js'

/** The keys a type plan's mapped entries can hold, each with its slot: one layout per plan, shared by its entries. */
export class SlotLayout<K> {
  readonly keys: readonly K[]
  private readonly slots = new Map<K, number>()

  constructor(keys: Iterable<K>) {
    const list: K[] = []
    for (const k of keys) {
      if (this.slots.has(k)) continue
      this.slots.set(k, list.length)
      list.push(k)
    }
    this.keys = list
  }

  slotOf(key: K): number | undefined {
    return this.slots.get(key)
  }
}

/**
 * What a slot holds: nothing (undefined), a list of several values, or one value alone (no array of one: most
 * attributes of most entries have one value). Values are never arrays, so the two cannot be confused.
 */
export type Slot<T> = T | readonly T[] | undefined

/** The empty list a slot holds for a key set to no values (a placeholder that read nothing). */
export const NO_VALUES: readonly never[] = Object.freeze([])

/**
 * A mapped entry's lists by key (attribute id, placeholder name), read as a ReadonlyMap: an array of slots in the
 * layout's order instead of a Map per entry. A batch of mapped entries lives until it is written — long enough to
 * be promoted to V8's old space — so its size is most of the map phase's garbage-collection cost: a Map of ten
 * entries and ten one-value arrays weigh ~900 bytes, these slots ~100. A list of one value is boxed when read (a
 * short-lived array); iteration follows the layout, i.e. the order of the plan's attributes.
 */
export class SlotMap<K, T extends CanonicalValue> implements ReadonlyMap<K, T[]> {
  constructor(
    readonly layout: SlotLayout<K>,
    private readonly slots: Slot<T>[],
    private count: number,
  ) {}

  /** A map with no keys set (its layout is used only when a key is set). */
  static empty<K, T extends CanonicalValue>(layout: SlotLayout<K>): SlotMap<K, T> {
    return new SlotMap<K, T>(layout, [], 0)
  }

  get size(): number {
    return this.count
  }

  get(key: K): T[] | undefined {
    const i = this.layout.slotOf(key)
    return i === undefined ? undefined : listOf(this.slots[i])
  }

  has(key: K): boolean {
    const i = this.layout.slotOf(key)
    return i !== undefined && this.slots[i] !== undefined
  }

  /** The first value of a key's list, without boxing it. */
  first(key: K): T | undefined {
    const i = this.layout.slotOf(key)
    const s = i === undefined ? undefined : this.slots[i]
    return s === undefined ? undefined : isList(s) ? s[0] : s
  }

  /** How many values a key has. */
  countOf(key: K): number {
    const i = this.layout.slotOf(key)
    const s = i === undefined ? undefined : this.slots[i]
    return s === undefined ? 0 : isList(s) ? s.length : 1
  }

  /** The raw slots, in layout order (see Slot). */
  rawSlots(): readonly Slot<T>[] {
    return this.slots
  }

  /** Sets (or with an empty list, removes) a key's list; only setMappedValues changes an entry after mapping. */
  replace(key: K, list: readonly T[]): void {
    const i = this.layout.slotOf(key)
    if (i === undefined) throw new Error(`no slot for ${String(key)} in this mapping`)
    const had = this.slots[i] !== undefined
    const next: Slot<T> = list.length ? list : undefined
    this.slots[i] = next
    this.count += (next !== undefined ? 1 : 0) - (had ? 1 : 0)
  }

  *entries(): MapIterator<[K, T[]]> {
    const keys = this.layout.keys
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i]
      if (s !== undefined) yield [keys[i]!, listOf(s)!]
    }
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k
  }

  *values(): MapIterator<T[]> {
    for (const [, v] of this.entries()) yield v
  }

  [Symbol.iterator](): MapIterator<[K, T[]]> {
    return this.entries()
  }

  forEach(fn: (value: T[], key: K, map: ReadonlyMap<K, T[]>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this)
  }
}

export function isList<T>(s: T | readonly T[]): s is readonly T[] {
  return Array.isArray(s)
}

/** A slot as a list. */
export function listOf<T>(s: Slot<T>): T[] | undefined {
  if (s === undefined) return undefined
  return (isList(s) ? s : [s]) as T[]
}

/**
 * How a member's value is written: a string with nothing to escape (`"…"` put in by hand), a list (JSON.stringify of
 * the list) or another single value (JSON.stringify of it, in brackets).
 */
const PLAIN = 0
const LIST = 1
const OTHER = 2
/** What closes the previous member's value: none yet (the object's `{`), `"]` (PLAIN), `]` (OTHER), nothing (LIST). */
const CLOSE = ['{', '"]', ']', ''] as const
const OPEN = ['["', '', '['] as const

/**
 * Per layout of attribute ids: its slots in ascending id order, each with the text between the previous member's
 * value and its own — the previous value's closing (or the object's `{`), a comma, its name, its value's opening —
 * for every pair of (closing, opening): one piece between two values instead of four.
 */
const jsonOrder = new WeakMap<SlotLayout<number>, readonly { slot: number; between: string[] }[]>()

/** What JSON.stringify escapes in a string (lone surrogates included, so every surrogate goes the slow way). */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/**
 * The stored JSON of a mapped entry's values — exactly what encodeValues writes (ids ascending, lists without
 * empty ones) — written from the slots: no object built, no list boxed (half of encodeValues' time per object).
 * The pieces are joined once into a flat string: built by `+=`, the text was a rope of ~40 pieces that SQLite's
 * binding flattened again (the object insert cost 1.1–1.5 µs more per row). A string with nothing to escape (nearly
 * all) is quoted as it is, without JSON.stringify's call (docs/benchmarks.md, branch sqlbulk). Between two values
 * one precomputed piece (`"],"12":["`): two pieces per member instead of five.
 */
export function storedValuesJson(values: SlotMap<number, CanonicalValue>): string {
  let order = jsonOrder.get(values.layout)
  if (!order) {
    order = values.layout.keys
      .map((id, slot) => ({ id, slot }))
      .sort((a, b) => a.id - b.id)
      .map(({ id, slot }) => ({
        slot,
        between: CLOSE.flatMap((close, c) =>
          OPEN.map((open) => `${close}${c === 0 ? '' : ','}"${id}":${open}`),
        ),
      }))
    jsonOrder.set(values.layout, order)
  }
  const slots = values.rawSlots()
  const parts: string[] = []
  let close = 0
  for (const { slot, between } of order) {
    const s = slots[slot]
    if (s === undefined) continue
    if (isList(s)) {
      if (s.length === 0) continue
      parts.push(between[close * 3 + LIST]!, JSON.stringify(s))
      close = 3
    } else if (typeof s === 'string' && !NEEDS_ESCAPE.test(s)) {
      parts.push(between[close * 3 + PLAIN]!, s)
      close = 1
    } else {
      parts.push(between[close * 3 + OTHER]!, JSON.stringify(s))
      close = 2
    }
  }
  if (parts.length === 0) return '{}'
  parts.push(CLOSE[close] + '}')
  return parts.join('')
}
