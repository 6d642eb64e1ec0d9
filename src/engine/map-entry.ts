import {
  coercePlainString,
  coerceValue,
  splitMultiValues,
  type CoerceOptions,
  type CoerceResult,
} from '../domain/mapping/coerce.js'
import { foldCase } from '../domain/aql/compare.js'
import { ContentHashText, ContentHashWords, valueText } from '../domain/schema/content-hash.js'
import { STATUS_NAME_PATTERN } from '../domain/schema/definitions.js'
import type { AttributeKind, CanonicalValue } from '../domain/schema/types.js'
import { TransformFailure } from '../domain/mapping/transform-steps.js'
import type { EngineSettings, EntryProblem } from './engine-types.js'
import { compileLocator, locationText } from './selector.js'
import { isList, NO_VALUES, SlotLayout, SlotMap, type Slot } from './slot-map.js'
import type { AttributePlan, TypePlan } from './type-plan.js'
import { beginPrint, endPrint, printAttribute } from './source-fingerprint.js'

/**
 * An entry turned into the values of one object, before it is compared with the repository. Its collections are
 * read-only: an entry without empty attributes, references, placeholders or new options shares one empty
 * collection; entries with the same value of an attribute may share one copy of it; and `hash` is the
 * content hash of `values` + `references` — change values only through setMappedValues (with a new list), which
 * keeps the two together. `values`, `references` and `placeholders` are SlotMaps (slot-map.ts): compact, since a
 * batch of entries lives until it is written; a list read from them may be a new array on every read.
 */
export interface MappedEntry {
  /**
   * The entry's location as the selection found it (selector.ts Selection): the array that held it and its index
   * there, shared text and a number — made into text (entryLocation) only when a problem or a staged reference needs
   * it. Index -1: `path` is the whole location.
   */
  path: string
  index: number
  identity: string
  label: string
  /** Non-reference attributes with at least one value. */
  readonly values: ReadonlyMap<number, CanonicalValue[]>
  /** Mapped attributes that came empty (the empty-values policy decides what that means). */
  readonly empty: ReadonlySet<number>
  /** Reference attributes → lookup texts, resolved after all objects exist. */
  readonly references: ReadonlyMap<number, string[]>
  /** Placeholder name → values, for the reference queries of this entry. */
  readonly placeholders: ReadonlyMap<string, string[]>
  /** Select options / status names this entry brought that do not exist yet (unknownValues ADD). */
  readonly newOptions: ReadonlyMap<number, string[]>
  /**
   * The content hash an import stores for this entry (see entryContentHash), computed while mapping; null once
   * setMappedValues changed a value (entryContentHash computes it again).
   */
  hash: string | null
  /**
   * The entry's source fingerprint (source-fingerprint.ts), low and high words, stored after its hash: kept by the
   * read + map stage when the entry mapped without a problem; 0 and 0 (none) otherwise, and once setMappedValues
   * changed a value. Two numbers, no text: the stored text is made when the object's row is (withSource).
   */
  sourceLow: number
  sourceHigh: number
}

/** A mapped entry's location text (`hardware[12]`). */
export function entryLocation(e: MappedEntry): string {
  return locationText(e.path, e.index)
}

/** Whether a mapped entry carries a source fingerprint. */
export function hasSource(e: MappedEntry): boolean {
  return e.sourceLow !== 0 || e.sourceHigh !== 0
}

export type MapOutcome =
  | { kind: 'mapped'; mapped: MappedEntry }
  | { kind: 'emptyExternalId' }
  /** Skipped entries keep their identity (when it could be read): their objects count as seen, never as missing. */
  | { kind: 'emptyLabel'; identity: string }
  | { kind: 'skipped'; identity: string | null }

/** Thrown when the settings say a bad value fails the whole execution. */
export class EntryProblemFailure extends Error {
  constructor(readonly problem: EntryProblem) {
    super(`${problem.location}: ${problem.message}`)
  }
}

const NO_SUCH_STATUS: CoerceResult = Object.freeze({
  ok: false,
  reason: 'not a known status',
  unknownOption: true,
})

/**
 * A copy of `s` that does not keep alive the larger string it was cut from. V8 keeps a substring of 13 or more
 * characters as a slice of its parent: a parser's field is a slice of the chunk of text it was read from, so one
 * retained value — in a batch waiting to be written, or an identity remembered for the whole run — would pin that
 * whole chunk (measured: a 1 GiB CSV of 53 KiB rows held ~300 MB of chunks through 5,000 small mapped values).
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}

const PLACEHOLDER = /\$\{([^${}]+)(?:\$\{0\})?\}/g

const placeholderCache = new Map<string, string[]>()

export function placeholderNames(query: string): string[] {
  let names = placeholderCache.get(query)
  if (!names) {
    names = [...new Set([...query.matchAll(PLACEHOLDER)].map((m) => m[1]!))]
    if (placeholderCache.size < 1000) placeholderCache.set(query, names)
  }
  return names
}

export interface MapContext {
  settings: EngineSettings
  concatenator: string
  coerceOptions: CoerceOptions
  /** Known status names of the schema (for status attributes without typeValues). */
  statusNames: readonly string[]
  problems: EntryProblem[]
}

const NO_NUMBERS: ReadonlySet<number> = new Set()
const NO_LISTS: ReadonlyMap<number, string[]> = new Map()
const NON_SPACE = /\S/

/** What mapEntry derives from a plan once (the plan's attributes are fixed for an execution; see mappingOf). */
interface CompiledMapping {
  /** The mapped attribute ids in ascending order, each once: the order of the content hash. */
  hashOrder: number[]
  /** The attributes that form the identity. */
  identity: AttributePlan[]
  /** Their positions in plan.attributes. */
  identityIndexes: number[]
  /** The attributes with a minimum cardinality. */
  required: AttributePlan[]
  /** Whether the type's label attribute is mapped. */
  labelMapped: boolean
  /** The label attribute's slot among the values (undefined when it has none: then no entry has a label). */
  labelSlot: number | undefined
  /** Per identity attribute: its slot among the values, else among the references (see identityPart). */
  identitySlots: IdentitySlot[]
  /** Prefix of the content hash: the empty-values policy is part of what an import decided. */
  hashPrefix: 'I' | 'R'
  /** The mapped attributes in hashOrder, each with where an entry holds its values (see hashOfSlots). */
  hashSlots: { id: number; reference: boolean; slot: number }[]
  /** Per attribute (by position in plan.attributes): the coerced values of its repeated source strings. */
  memos: ValueMemo[]
  /** Per attribute (by position): the coerce options of its last entry and what they were made from. */
  options: (AttributeOptions | undefined)[]
  /** Placeholder name → the first attribute whose one locator is that name (it reads the value), or null. */
  placeholderOwners: Map<string, AttributePlan | null>
  /** The slots of an entry's values (non-reference attributes), references and placeholders. */
  valueLayout: SlotLayout<number>
  referenceLayout: SlotLayout<number>
  placeholderLayout: SlotLayout<string>
  /** Per attribute (by position): its slot in valueLayout or referenceLayout (by its kind). */
  slot: number[]
  /**
   * Per attribute (by position): the placeholders of its reference query, with their slots and the attribute that
   * reads each (see placeholderOwners).
   */
  placeholders: { name: string; slot: number; owner: AttributePlan | null }[][]
  /** The references and placeholders of an entry that has none (never changed: setMappedValues sets values only). */
  noReferences: SlotMap<number, string>
  noPlaceholders: SlotMap<string, string>
}

/** Distinct source strings remembered per attribute; an attribute whose values rarely repeat stops remembering. */
const MEMO_LIMIT = 2048
/**
 * Longest source string remembered: repeated values are short (a status, a date, a name), and a memo of long ones
 * would hold up to MEMO_LIMIT of them (with their hash parts) for the whole execution.
 */
const MEMO_MAX_LENGTH = 256

/**
 * The coerced values of an attribute's repeated source strings (a status, a manufacturer, a date, an owner): a
 * repeated value is coerced once per execution, and its entries share one copy of the value. Only for the
 * coerce options it was made with (a select option added by the import makes new options: the memo starts over).
 * It holds the values themselves, no object per value: V8 decides per allocation site whether to allocate in old
 * space, and a site whose objects mostly survive a scavenge — true of a memo being filled — made the optimized
 * mapEntry keep every entry's young objects alive until they were promoted, long after the memo was full
 * (measured in bench/engine/map.bench.ts: 3× the bytes copied by the scavenger).
 */
class ValueMemo {
  /**
   * Replaced, never cleared: after Map.clear() of a full memo (2,048 keys; V8 in Node 20) the scavenges that
   * followed promoted everything young, ~3.4 MB each, for the rest of the execution (measured in
   * bench/engine/map.bench.ts with two attributes: 4.5× the bytes copied by the scavenger).
   */
  private byText = new Map<string, CanonicalValue>()
  options: CoerceOptions | null = null
  hits = 0
  misses = 0
  off = false

  get(text: string, options: CoerceOptions): CanonicalValue | undefined {
    if (this.off || text.length > MEMO_MAX_LENGTH) return undefined
    if (this.options !== options) {
      this.byText = new Map()
      this.options = options
    }
    const memo = this.byText.get(text)
    if (memo) this.hits++
    else this.misses++
    return memo
  }

  put(text: string, value: CanonicalValue): void {
    if (this.off || text.length > MEMO_MAX_LENGTH) return
    if (this.byText.size < MEMO_LIMIT) {
      // The key is copied: the source string is often a slice of a parser's whole chunk of text.
      this.byText.set(detach(text), value)
    } else if (this.hits < this.misses) {
      this.off = true
      this.byText = new Map()
    }
  }
}

const compiled = new WeakMap<TypePlan, CompiledMapping>()
function mappingOf(plan: TypePlan): CompiledMapping {
  let c = compiled.get(plan)
  if (!c) {
    c = {
      hashOrder: [...new Set(plan.attributes.map((a) => a.attribute.id))].sort((a, b) => a - b),
      identity: plan.attributes.filter((a) => a.identity),
      identityIndexes: plan.attributes.flatMap((a, i) => (a.identity ? [i] : [])),
      required: plan.attributes.filter((a) => a.attribute.minimumCardinality > 0),
      labelMapped: plan.attributes.some((a) => a.attribute.id === plan.labelAttribute?.id),
      labelSlot: undefined,
      identitySlots: [],
      hashPrefix: plan.emptyValues === 'REMOVE' ? 'R' : 'I',
      hashSlots: [],
      memos: plan.attributes.map(() => new ValueMemo()),
      options: plan.attributes.map(() => undefined),
      placeholderOwners: new Map(),
      ...slotsOf(plan),
    }
    c.labelSlot = plan.labelAttribute ? c.valueLayout.slotOf(plan.labelAttribute.id) : undefined
    for (const a of c.identity)
      c.identitySlots.push({
        value: c.valueLayout.slotOf(a.attribute.id),
        reference: c.referenceLayout.slotOf(a.attribute.id),
      })
    for (const id of c.hashOrder) {
      const reference = c.referenceLayout.slotOf(id) !== undefined
      const slot = (reference ? c.referenceLayout : c.valueLayout).slotOf(id)!
      c.hashSlots.push({ id, reference, slot })
    }
    for (const a of plan.attributes) {
      for (const name of a.referenceQuery ? placeholderNames(a.referenceQuery) : []) {
        const owner = plan.attributes.find((o) => o.locatorNames.length === 1 && o.locatorNames[0] === name)
        c.placeholderOwners.set(name, owner ?? null)
      }
    }
    for (const list of c.placeholders) for (const p of list) p.owner = c.placeholderOwners.get(p.name) ?? null
    compiled.set(plan, c)
  }
  return c
}

function slotsOf(plan: TypePlan) {
  const isReference = (a: AttributePlan) => a.attribute.kind === 'referenced_object'
  const valueLayout = new SlotLayout(
    plan.attributes.filter((a) => !isReference(a)).map((a) => a.attribute.id),
  )
  const referenceLayout = new SlotLayout(plan.attributes.filter(isReference).map((a) => a.attribute.id))
  const names = (a: AttributePlan) => (a.referenceQuery ? placeholderNames(a.referenceQuery) : [])
  const placeholderLayout = new SlotLayout(plan.attributes.flatMap(names))
  return {
    valueLayout,
    referenceLayout,
    placeholderLayout,
    slot: plan.attributes.map((a) =>
      (isReference(a) ? referenceLayout : valueLayout).slotOf(a.attribute.id)!,
    ),
    placeholders: plan.attributes.map((a) =>
      names(a).map((name) => ({ name, slot: placeholderLayout.slotOf(name)!, owner: null })),
    ),
    noReferences: SlotMap.empty<number, string>(referenceLayout),
    noPlaceholders: SlotMap.empty<string, string>(placeholderLayout),
  }
}

/**
 * Reports an entry problem of attribute `a` as the settings say: throws under FAIL, else records it; answers
 * whether the entry is to be skipped (SKIP_ENTRY).
 */
function report(
  plan: TypePlan,
  path: string,
  index: number,
  ctx: MapContext,
  a: AttributePlan,
  code: string,
  message: string,
  value?: unknown,
): boolean {
  const p: EntryProblem = {
    objectTypeId: plan.type.id,
    location: locationText(path, index),
    code,
    message: `${a.attribute.name}: ${message}`,
    attribute: a.attribute.name,
    // detached: a slice of a huge value would keep all of it alive until the problems are written
    ...(value === undefined ? {} : { value: detach(String(value).slice(0, 200)) }),
  }
  if (ctx.settings.entryProblems === 'FAIL') throw new EntryProblemFailure(p)
  ctx.problems.push(p)
  return ctx.settings.entryProblems === 'SKIP_ENTRY'
}

/** The one item of a single-valued source field, reused (never kept: its element is read in the loop alone). */
const ONE: unknown[] = [undefined]
const NONE: unknown[] = []

/** The items of a source field (see splitMultiValues), without an array per single string value. */
function itemsOf(raw: unknown): unknown[] {
  if (typeof raw === 'string' && !raw.includes('||')) {
    if (!NON_SPACE.test(raw)) return NONE
    ONE[0] = raw
    return ONE
  }
  return splitMultiValues(raw)
}

/**
 * The values of the attribute being mapped, reused for every attribute of every entry: an entry keeps a copy of a
 * list of several values, or the one value alone (see SlotMap), never this array.
 */
const OUT: CanonicalValue[] = []

type Values = SlotMap<number, CanonicalValue>
type References = SlotMap<number, string>

/**
 * Maps one entry, found at `path` and `index` (its location `${path}[${index}]`, made into text only for a problem;
 * index -1: `path` is the whole location). With `seed` (the plan's fingerprint seed, source-fingerprint.ts planSeed), the entry's source
 * fingerprint is made from the values its locators read for mapping (never read twice) and kept with the mapped
 * entry (sourceLow, sourceHigh); without it, or when a locator read a nested object, the entry has none.
 */
export function mapEntry(
  plan: TypePlan,
  entry: Record<string, unknown>,
  path: string,
  ctx: MapContext,
  seed: Int32Array | null = null,
  index = -1,
): MapOutcome {
  const compiledPlan = mappingOf(plan)
  const { slot } = compiledPlan
  const valueSlots: Slot<CanonicalValue>[] = new Array(compiledPlan.valueLayout.keys.length)
  let valueCount = 0
  let referenceSlots: Slot<string>[] | null = null
  let referenceCount = 0
  let placeholderSlots: Slot<string>[] | null = null
  let placeholderCount = 0
  let empty: Set<number> | null = null
  let newOptions: Map<number, string[]> | null = null
  let skip = false
  let printing = seed !== null
  if (printing) beginPrint(seed!)

  for (let ai = 0; ai < plan.attributes.length; ai++) {
    const a = plan.attributes[ai]!
    let raw = readJoined(a, entry, ctx.concatenator)
    if (printing) printing = printAttribute(a, entry, raw)
    // A value a transformation step cannot read is dropped like an invalid one: never taken for an empty value.
    let failed = false
    if (a.shape) {
      try {
        raw = a.shape(raw, entry)
      } catch (error) {
        if (!(error instanceof TransformFailure)) throw error
        if (report(plan, path, index, ctx, a, 'TRANSFORMATION_FAILED', transformProblem(error), error.value))
          skip = true
        failed = true
        raw = undefined
      }
    }
    const kind = a.attribute.kind
    if (kind === 'referenced_object') {
      const texts = lookupTexts(raw)
      const count = slotLength(texts)
      const max = a.attribute.maximumCardinality
      const distinct = max !== -1 && count > max ? new Set(texts as readonly string[]).size : 0
      if (max !== -1 && distinct > max) {
        // The reference pass links the targets of the first texts only.
        const message = `takes at most ${max} value(s), got ${distinct}; the first ${max} are kept`
        if (report(plan, path, index, ctx, a, 'TOO_MANY_VALUES', message)) skip = true
      }
      if (texts !== undefined) {
        referenceSlots ??= new Array<Slot<string>>(compiledPlan.referenceLayout.keys.length)
        if (referenceSlots[slot[ai]!] === undefined) referenceCount++
        referenceSlots[slot[ai]!] = texts
      } else if (!failed) (empty ??= new Set()).add(a.attribute.id)
      for (const { name, slot: at, owner } of compiledPlan.placeholders[ai]!) {
        if (placeholderSlots !== null && placeholderSlots[at] !== undefined) continue
        // The attribute's own locator: the texts just read (a failed step gave none either way).
        const read = owner === a ? texts : readPlaceholder(owner, name, entry, ctx.concatenator)
        placeholderSlots ??= new Array<Slot<string>>(compiledPlan.placeholderLayout.keys.length)
        // A placeholder that read nothing is set (an empty list), unlike a reference without texts.
        placeholderSlots[at] = read ?? (NO_VALUES as readonly string[])
        placeholderCount++
      }
      continue
    }
    const chooses = kind === 'select' || kind === 'status'
    const options = chooses ? optionsOf(compiledPlan, ai, a, ctx).options : ctx.coerceOptions
    if (typeof raw === 'string' && !failed && a.attribute.maximumCardinality !== 0) {
      const value = plainValue(compiledPlan.memos[ai]!, kind, raw, options)
      if (value !== undefined) {
        if (valueSlots[slot[ai]!] === undefined) valueCount++
        valueSlots[slot[ai]!] = value
        continue
      }
    }
    const items = itemsOf(raw)
    const out = OUT
    if (out.length !== 0) out.length = 0
    // A value dropped for a problem is not an empty value: the stored value stays, even under emptyValues REMOVE.
    let invalid = false
    let added = false
    // No status to choose from: every status value is unknown (for coerceValue an empty list means "any name").
    const noStatus = kind === 'status' && optionsOf(compiledPlan, ai, a, ctx).allowed.length === 0
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      const r = noStatus ? NO_SUCH_STATUS : coerceValue(kind, item, options)
      if (r.ok) {
        const value = typeof r.value === 'string' ? detach(r.value) : r.value
        if (out.length === 0 || !out.includes(value)) out.push(value)
      } else if (r.unknownOption) {
        if (plan.unknownValues === 'ADD') {
          const name = detach(String(item).trim())
          if (kind === 'status' && !STATUS_NAME_PATTERN.test(name)) {
            // Not a name a status can have: a problem of this entry's value, never of the whole execution.
            const message = `"${name}" cannot become a status (a status name has 2 to 30 letters, digits, spaces or dashes); the value is dropped`
            if (report(plan, path, index, ctx, a, 'INVALID_STATUS_NAME', message, item)) skip = true
            invalid = true
            continue
          }
          out.push(name)
          added = true
          newOptions ??= new Map()
          newOptions.set(a.attribute.id, [...(newOptions.get(a.attribute.id) ?? []), name])
        }
      } else if (r.reason !== 'empty value') {
        if (report(plan, path, index, ctx, a, 'INVALID_VALUE', r.reason, item)) skip = true
        invalid = true
      }
    }
    ONE[0] = undefined
    const max = a.attribute.maximumCardinality
    if (max !== -1 && out.length > max) {
      const message = `takes at most ${max} value(s), got ${out.length}; the first ${max} are kept`
      if (report(plan, path, index, ctx, a, 'TOO_MANY_VALUES', message)) skip = true
      out.length = max
    }
    if (out.length) {
      if (valueSlots[slot[ai]!] === undefined) valueCount++
      valueSlots[slot[ai]!] = out.length === 1 ? out[0] : out.slice()
      // A string that coerced to one value, no problem and no new option: the next entry with it takes the memo.
      if (out.length === 1 && !invalid && typeof raw === 'string' && items === ONE && !added)
        compiledPlan.memos[ai]!.put(raw, out[0]!)
    } else if (!invalid && !failed) (empty ??= new Set()).add(a.attribute.id)
  }
  if (OUT.length !== 0) OUT.length = 0
  const values: Values = new SlotMap(compiledPlan.valueLayout, valueSlots, valueCount)
  const refs =
    referenceSlots === null
      ? compiledPlan.noReferences
      : new SlotMap(compiledPlan.referenceLayout, referenceSlots, referenceCount)
  const joined = identityText(compiledPlan.identitySlots, valueSlots, referenceSlots)
  const identity = joined === null ? null : plan.ignoreCase ? foldCase(joined) : joined
  if (skip) return { kind: 'skipped', identity }
  if (joined === null || identity === null) return { kind: 'emptyExternalId' }

  let label = joined
  if (plan.labelAttribute && compiledPlan.labelMapped) {
    const v = firstIn(valueSlots, compiledPlan.labelSlot)
    if (v === undefined || valueText(v).trim() === '') return { kind: 'emptyLabel', identity }
    label = valueText(v)
  }

  for (const a of compiledPlan.required) {
    const count = values.countOf(a.attribute.id) || refs.countOf(a.attribute.id)
    if (count < a.attribute.minimumCardinality) {
      const message = `needs at least ${a.attribute.minimumCardinality} value(s); the entry is skipped`
      report(plan, path, index, ctx, a, 'MISSING_REQUIRED_VALUE', message)
      if (ctx.settings.entryProblems !== 'FAIL') return { kind: 'skipped', identity }
    }
  }
  if (printing) endPrint(PRINT)
  return {
    kind: 'mapped',
    mapped: {
      path,
      index,
      identity,
      label,
      values,
      empty: empty ?? NO_NUMBERS,
      references: refs,
      placeholders:
        placeholderSlots === null
          ? compiledPlan.noPlaceholders
          : new SlotMap(compiledPlan.placeholderLayout, placeholderSlots, placeholderCount),
      newOptions: newOptions ?? NO_LISTS,
      hash: hashOfSlots(compiledPlan, valueSlots, referenceSlots),
      sourceLow: printing ? PRINT[0]! : 0,
      sourceHigh: printing ? PRINT[1]! : 0,
    },
  }
}

/** The fingerprint of the entry being mapped (mapping is synchronous). */
const PRINT = new Int32Array(2)

function slotLength(s: Slot<string>): number {
  return s === undefined ? 0 : isList(s) ? s.length : 1
}

/**
 * The content hash an import stores for a mapped entry: what this mapping contributes (values and reference texts,
 * attributes in ascending id order; see contentHash), prefixed with the empty-values policy — so that an unchanged
 * entry is found without reading the stored values. The hash made while mapping, unless a value changed since.
 */
export function entryContentHash(plan: TypePlan, e: MappedEntry): string {
  const values = (e.values as Values).rawSlots()
  return e.hash ?? (e.hash = hashOfSlots(mappingOf(plan), values, (e.references as References).rawSlots()))
}

/**
 * The content hash that imports before version 2 stored for this entry (see isVersion1ContentHash): the policy
 * letter and the SHA-1 of contentHash's text of the same values and reference texts. Made only to recognise an
 * unchanged object whose stored hash is of that version.
 */
export function version1ContentHash(plan: TypePlan, e: MappedEntry): string {
  const c = mappingOf(plan)
  const values = (e.values as Values).rawSlots()
  const references = (e.references as References).rawSlots()
  const text = VERSION_1_TEXT
  for (const { id, reference, slot } of c.hashSlots) {
    const s = reference ? references[slot] : values[slot]
    if (hasValues(s)) text.add(id, s)
  }
  return c.hashPrefix + text.digest()
}

/** One buffer of hashed words (and one of version 1 text) for every entry: mapping is synchronous. */
const HASH_WORDS = new ContentHashWords()
const VERSION_1_TEXT = new ContentHashText()

/**
 * The content hash of an entry's slots (ContentHashWords): its values and reference texts, attributes in ascending
 * id order, with the empty-values policy.
 */
function hashOfSlots(
  c: CompiledMapping,
  values: readonly Slot<CanonicalValue>[],
  references: readonly Slot<string>[] | null,
): string {
  const hashSlots = c.hashSlots
  for (let i = 0; i < hashSlots.length; i++) {
    const { id, reference, slot } = hashSlots[i]!
    const s = reference ? references?.[slot] : values[slot]
    if (hasValues(s)) HASH_WORDS.add(id, s)
  }
  return HASH_WORDS.digest(c.hashPrefix)
}

function hasValues<T>(s: Slot<T>): s is T | readonly T[] {
  return s !== undefined && (!isList(s) || s.length > 0)
}

/**
 * Replaces (or, with an empty list, removes) the values of one attribute of a mapped entry after mapping (a unique
 * value taken, an option's spelling): the entry's content hash is computed again when it is next asked for.
 */
export function setMappedValues(e: MappedEntry, attributeId: number, list: CanonicalValue[]): void {
  ;(e.values as Values).replace(attributeId, list)
  e.hash = null
  e.sourceLow = 0
  e.sourceHigh = 0
}

/**
 * The identity mapEntry gives an entry whose identity parts are in their plain shape (coercePlainString's, or
 * reference texts), read and shaped as mapEntry reads them, without mapping the other attributes and without any
 * side effect (no problem, memo or option); null for any other entry. Used only to find the owned object whose
 * stored source fingerprint the entry's is compared with: equal fingerprints prove the identity (a stored
 * fingerprint was made from an entry mapped to its object's identity), so an answer here need not be exact.
 */
export function entryIdentity(
  plan: TypePlan,
  entry: Record<string, unknown>,
  ctx: MapContext,
): string | null {
  const c = mappingOf(plan)
  const parts = c.identityIndexes
  if (parts.length === 0) return null
  let texts: string[] | null = null
  let first: string | null = null
  for (let k = 0; k < parts.length; k++) {
    const ai = parts[k]!
    const a = plan.attributes[ai]!
    let raw = readJoined(a, entry, ctx.concatenator)
    if (a.shape) {
      try {
        raw = a.shape(raw, entry)
      } catch (error) {
        if (error instanceof TransformFailure) return null
        throw error
      }
    }
    let text: string
    const kind = a.attribute.kind
    if (kind === 'referenced_object') {
      const t = lookupTexts(raw)
      if (t === undefined) return null
      text = isList(t) ? t[0]! : t
    } else {
      if (typeof raw !== 'string' || raw.includes('||')) return null
      const options =
        kind === 'select' || kind === 'status' ? optionsOf(c, ai, a, ctx).options : ctx.coerceOptions
      const v = coercePlainString(kind, raw, options)
      if (v === undefined) return null
      text = valueText(v)
    }
    if (text.trim() === '') return null
    if (parts.length === 1) first = text
    else (texts ??= []).push(text)
  }
  const joined = first ?? JSON.stringify(texts)
  return plan.ignoreCase ? foldCase(joined) : joined
}

/** Where an identity attribute's values are: a slot among the values or the references (by its kind). */
interface IdentitySlot {
  value: number | undefined
  reference: number | undefined
}

/**
 * The externalIdPart values joined (a JSON array when there are several), or null when one is empty. Read from the
 * entry's slots, as SlotMap.first would answer them (the value, else the reference text), without a layout lookup.
 */
function identityText(
  parts: readonly IdentitySlot[],
  values: readonly Slot<CanonicalValue>[],
  references: readonly Slot<string>[] | null,
): string | null {
  if (parts.length === 0) return null
  if (parts.length === 1) return identityPart(parts[0]!, values, references)
  const texts: string[] = []
  for (const p of parts) {
    const t = identityPart(p, values, references)
    if (t === null) return null
    texts.push(t)
  }
  return JSON.stringify(texts)
}

function identityPart(
  p: IdentitySlot,
  values: readonly Slot<CanonicalValue>[],
  references: readonly Slot<string>[] | null,
): string | null {
  const v = firstIn(values, p.value) ?? firstIn(references, p.reference)
  if (v === undefined) return null
  const text = valueText(v)
  return text.trim() === '' ? null : text
}

/** The first value of a slot (SlotMap.first without the layout's lookup). */
function firstIn<T>(slots: readonly Slot<T>[] | null, at: number | undefined): T | undefined {
  const s = slots === null || at === undefined ? undefined : slots[at]
  return s === undefined ? undefined : isList(s) ? s[0] : s
}

function readJoined(a: AttributePlan, entry: Record<string, unknown>, concatenator: string): unknown {
  if (a.readers.length === 1) {
    const v = a.readers[0]!(entry)
    if (!a.readSomething[0] && v !== undefined && v !== null && v !== '') a.readSomething[0] = true
    return v
  }
  const parts: string[] = []
  for (let i = 0; i < a.readers.length; i++) {
    const v = a.readers[i]!(entry)
    if (v === undefined || v === null || v === '') continue
    a.readSomething[i] = true
    parts.push(Array.isArray(v) ? v.map(String).join(concatenator) : String(v))
  }
  return parts.length ? parts.join(concatenator) : undefined
}

function readPlaceholder(
  own: AttributePlan | null,
  name: string,
  entry: Record<string, unknown>,
  concatenator: string,
): Slot<string> {
  const raw = own
    ? shapedOrNothing(own, readJoined(own, entry, concatenator), entry)
    : otherLocator(name)(entry)
  return lookupTexts(raw)
}

/**
 * The trimmed, non-empty texts of a reference field (or placeholder), each detached from its source text, as a
 * slot: none (undefined), one text alone or a list of several.
 */
function lookupTexts(raw: unknown): Slot<string> {
  if (typeof raw === 'string' && !raw.includes('||')) {
    const text = raw.trim()
    return text === '' ? undefined : detach(text)
  }
  const texts = splitMultiValues(raw)
    .map((v) => detach(String(v).trim()))
    .filter((t) => t !== '')
  return texts.length === 0 ? undefined : texts.length === 1 ? texts[0] : texts
}

/** An attribute's shaped value for a reference placeholder; a failed step was already reported by the entry. */
function shapedOrNothing(a: AttributePlan, raw: unknown, entry: Record<string, unknown>): unknown {
  if (!a.shape) return raw
  try {
    return a.shape(raw, entry)
  } catch (error) {
    if (error instanceof TransformFailure) return undefined
    throw error
  }
}

function transformProblem(failure: TransformFailure): string {
  return failure.step < 0
    ? failure.message
    : `transformation ${failure.step} (${failure.stepType}): ${failure.message}`
}

/** A placeholder that is not an attribute's own locator is read as a locator too (dotted paths included). */
const otherLocators = new Map<string, (entry: Record<string, unknown>) => unknown>()
function otherLocator(name: string): (entry: Record<string, unknown>) => unknown {
  let read = otherLocators.get(name)
  if (!read) {
    read = compileLocator(name)
    if (otherLocators.size < 1000) otherLocators.set(name, read)
  }
  return read
}

/** An attribute's coerce options (with its options or statuses), kept while what they are made from stays the same. */
interface AttributeOptions {
  base: CoerceOptions
  statusNames: readonly string[]
  allowedValues: readonly string[]
  /** The select options or statuses the attribute accepts (empty for other kinds). */
  allowed: readonly string[]
  options: CoerceOptions
}

const NO_NAMES: readonly string[] = Object.freeze([])

/** The options of attribute `ai` for this entry: those of its last entry unless the context or attribute changed. */
function optionsOf(c: CompiledMapping, ai: number, a: AttributePlan, ctx: MapContext): AttributeOptions {
  const last = c.options[ai]
  const { allowedValues, kind } = a.attribute
  if (
    last !== undefined &&
    last.base === ctx.coerceOptions &&
    last.statusNames === ctx.statusNames &&
    last.allowedValues === allowedValues
  )
    return last
  const allowed =
    kind === 'select' ? allowedValues : kind === 'status' ? statusOptions(a, ctx.statusNames) : NO_NAMES
  const options =
    kind === 'select' || kind === 'status' ? optionsWith(ctx.coerceOptions, allowed) : ctx.coerceOptions
  const made = { base: ctx.coerceOptions, statusNames: ctx.statusNames, allowedValues, allowed, options }
  c.options[ai] = made
  return made
}

/**
 * The value of a single source string (no `||`) from the attribute's memo, or from the plain-string coercion (then
 * remembered); undefined when neither knows it and coerceValue decides.
 */
function plainValue(
  memo: ValueMemo,
  kind: AttributeKind,
  raw: string,
  options: CoerceOptions,
): CanonicalValue | undefined {
  const known = memo.get(raw, options)
  if (known !== undefined || raw.includes('||')) return known
  const value = coercePlainString(kind, raw, options)
  if (value === undefined) return undefined
  const kept = typeof value === 'string' ? detach(value) : value
  memo.put(raw, kept)
  return kept
}

/**
 * The statuses an attribute accepts, computed once per list of known names (that list is replaced, never mutated,
 * when an import adds a status): the same array each time also keeps the option lookup's cache warm.
 */
const statusCache = new WeakMap<readonly string[], Map<AttributePlan, readonly string[]>>()
function statusOptions(a: AttributePlan, known: readonly string[]): readonly string[] {
  if (a.attribute.allowedValues.length === 0) return known
  let byAttribute = statusCache.get(known)
  if (!byAttribute) statusCache.set(known, (byAttribute = new Map()))
  let list = byAttribute.get(a)
  if (!list) {
    const allowed = new Set(a.attribute.allowedValues.map((v) => v.toLowerCase()))
    list = known.filter((k) => allowed.has(k.toLowerCase()))
    byAttribute.set(a, list)
  }
  return list
}

/** Coerce options with an attribute's allowed values, one object per (options, allowed list) pair. */
const optionsCache = new WeakMap<CoerceOptions, WeakMap<readonly string[], CoerceOptions>>()
function optionsWith(base: CoerceOptions, allowed: readonly string[]): CoerceOptions {
  let byList = optionsCache.get(base)
  if (!byList) optionsCache.set(base, (byList = new WeakMap()))
  let options = byList.get(allowed)
  if (!options) byList.set(allowed, (options = { ...base, allowedValues: allowed }))
  return options
}

/** The characters of text a mapped entry holds, roughly: what a batch of them weighs on the heap. */
export function mappedWeight(m: MappedEntry): number {
  let n = m.identity.length + m.label.length + m.path.length + 8
  for (const s of (m.values as Values).rawSlots()) n += slotWeight(s)
  for (const s of (m.references as SlotMap<number, string>).rawSlots()) n += slotWeight(s)
  return n
}

function slotWeight(s: Slot<CanonicalValue>): number {
  if (s === undefined) return 0
  if (!isList(s)) return typeof s === 'string' ? s.length : 8
  let n = 0
  for (const v of s) n += typeof v === 'string' ? v.length : 8
  return n
}
