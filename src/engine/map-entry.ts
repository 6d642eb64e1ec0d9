import {
  coerceValue,
  splitMultiValues,
  type CoerceOptions,
  type CoerceResult,
} from '../domain/mapping/coerce.js'
import { foldCase } from '../domain/aql/compare.js'
import { valueText } from '../domain/schema/content-hash.js'
import { STATUS_NAME_PATTERN } from '../domain/schema/definitions.js'
import type { CanonicalValue } from '../domain/schema/types.js'
import { TransformFailure } from '../domain/mapping/transform-steps.js'
import type { EngineSettings, EntryProblem } from './engine-types.js'
import { compileLocator } from './selector.js'
import type { AttributePlan, TypePlan } from './type-plan.js'

/** An entry turned into the values of one object, before it is compared with the repository. */
export interface MappedEntry {
  location: string
  identity: string
  label: string
  /** Non-reference attributes with at least one value. */
  values: Map<number, CanonicalValue[]>
  /** Mapped attributes that came empty (the empty-values policy decides what that means). */
  empty: Set<number>
  /** Reference attributes → lookup texts, resolved after all objects exist. */
  references: Map<number, string[]>
  /** Placeholder name → values, for the reference queries of this entry. */
  placeholders: Map<string, string[]>
  /** Select options / status names this entry brought that do not exist yet (unknownValues ADD). */
  newOptions: Map<number, string[]>
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

export function mapEntry(
  plan: TypePlan,
  entry: Record<string, unknown>,
  location: string,
  ctx: MapContext,
): MapOutcome {
  const values = new Map<number, CanonicalValue[]>()
  const empty = new Set<number>()
  const references = new Map<number, string[]>()
  const placeholders = new Map<string, string[]>()
  const newOptions = new Map<number, string[]>()
  let skip = false
  const problem = (a: AttributePlan, code: string, message: string, value?: unknown): void => {
    const p: EntryProblem = {
      objectTypeId: plan.type.id,
      location,
      code,
      message: `${a.attribute.name}: ${message}`,
      attribute: a.attribute.name,
      // detached: a slice of a huge value would keep all of it alive until the problems are written
      ...(value === undefined ? {} : { value: detach(String(value).slice(0, 200)) }),
    }
    if (ctx.settings.entryProblems === 'FAIL') throw new EntryProblemFailure(p)
    ctx.problems.push(p)
    if (ctx.settings.entryProblems === 'SKIP_ENTRY') skip = true
  }

  for (const a of plan.attributes) {
    let raw = readJoined(a, entry, ctx.concatenator)
    // A value a transformation step cannot read is dropped like an invalid one: never taken for an empty value.
    let failed = false
    if (a.shape) {
      try {
        raw = a.shape(raw, entry)
      } catch (error) {
        if (!(error instanceof TransformFailure)) throw error
        problem(a, 'TRANSFORMATION_FAILED', transformProblem(error), error.value)
        failed = true
        raw = undefined
      }
    }
    const items = splitMultiValues(raw)
    const kind = a.attribute.kind
    if (kind === 'referenced_object') {
      const texts = items.map((v) => detach(String(v).trim())).filter((t) => t !== '')
      const max = a.attribute.maximumCardinality
      const distinct = max !== -1 && texts.length > max ? new Set(texts).size : 0
      if (max !== -1 && distinct > max) {
        // The reference pass links the targets of the first texts only.
        problem(
          a,
          'TOO_MANY_VALUES',
          `takes at most ${max} value(s), got ${distinct}; the first ${max} are kept`,
        )
      }
      if (texts.length) references.set(a.attribute.id, texts)
      else if (!failed) empty.add(a.attribute.id)
      if (a.referenceQuery) {
        for (const name of placeholderNames(a.referenceQuery)) {
          if (!placeholders.has(name))
            placeholders.set(name, readPlaceholder(plan, name, entry, ctx.concatenator))
        }
      }
      continue
    }
    const allowed =
      kind === 'select'
        ? a.attribute.allowedValues
        : kind === 'status'
          ? statusOptions(a, ctx.statusNames)
          : undefined
    const options = allowed ? optionsWith(ctx.coerceOptions, allowed) : ctx.coerceOptions
    const out: CanonicalValue[] = []
    // A value dropped for a problem is not an empty value: the stored value stays, even under emptyValues REMOVE.
    let invalid = false
    // No status to choose from: every status value is unknown (for coerceValue an empty list means "any name").
    const noStatus = kind === 'status' && allowed!.length === 0
    for (const item of items) {
      const r = noStatus ? NO_SUCH_STATUS : coerceValue(kind, item, options)
      if (r.ok) {
        const value = typeof r.value === 'string' ? detach(r.value) : r.value
        if (!out.includes(value)) out.push(value)
      } else if (r.unknownOption) {
        if (plan.unknownValues === 'ADD') {
          const name = detach(String(item).trim())
          if (kind === 'status' && !STATUS_NAME_PATTERN.test(name)) {
            // Not a name a status can have: a problem of this entry's value, never of the whole execution.
            problem(
              a,
              'INVALID_STATUS_NAME',
              `"${name}" cannot become a status (a status name has 2 to 30 letters, digits, spaces or dashes); the value is dropped`,
              item,
            )
            invalid = true
            continue
          }
          out.push(name)
          newOptions.set(a.attribute.id, [...(newOptions.get(a.attribute.id) ?? []), name])
        }
      } else if (r.reason !== 'empty value') {
        problem(a, 'INVALID_VALUE', r.reason, item)
        invalid = true
      }
    }
    const max = a.attribute.maximumCardinality
    if (max !== -1 && out.length > max) {
      problem(
        a,
        'TOO_MANY_VALUES',
        `takes at most ${max} value(s), got ${out.length}; the first ${max} are kept`,
      )
      out.length = max
    }
    if (out.length) values.set(a.attribute.id, out)
    else if (!invalid && !failed) empty.add(a.attribute.id)
  }
  const joined = identityText(plan, values, references)
  const identity = joined === null ? null : plan.ignoreCase ? foldCase(joined) : joined
  if (skip) return { kind: 'skipped', identity }
  if (joined === null || identity === null) return { kind: 'emptyExternalId' }

  let label = joined
  if (plan.labelAttribute && labelMapped(plan)) {
    const v = values.get(plan.labelAttribute.id)?.[0]
    if (v === undefined || valueText(v).trim() === '') return { kind: 'emptyLabel', identity }
    label = valueText(v)
  }

  for (const a of plan.attributes) {
    const count = (values.get(a.attribute.id) ?? references.get(a.attribute.id) ?? []).length
    if (count < a.attribute.minimumCardinality) {
      problem(
        a,
        'MISSING_REQUIRED_VALUE',
        `needs at least ${a.attribute.minimumCardinality} value(s); the entry is skipped`,
      )
      if (ctx.settings.entryProblems !== 'FAIL') return { kind: 'skipped', identity }
    }
  }
  return {
    kind: 'mapped',
    mapped: { location, identity, label, values, empty, references, placeholders, newOptions },
  }
}

/** The externalIdPart values joined (a JSON array when there are several), or null when one is empty. */
function identityText(
  plan: TypePlan,
  values: ReadonlyMap<number, CanonicalValue[]>,
  references: ReadonlyMap<number, string[]>,
): string | null {
  const parts: string[] = []
  for (const a of plan.attributes) {
    if (!a.identity) continue
    const v = values.get(a.attribute.id)?.[0] ?? references.get(a.attribute.id)?.[0]
    if (v === undefined || valueText(v).trim() === '') return null
    parts.push(valueText(v))
  }
  if (parts.length === 0) return null
  return parts.length === 1 ? parts[0]! : JSON.stringify(parts)
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
  plan: TypePlan,
  name: string,
  entry: Record<string, unknown>,
  concatenator: string,
): string[] {
  const own = plan.attributes.find((a) => a.locatorNames.length === 1 && a.locatorNames[0] === name)
  const raw = own
    ? shapedOrNothing(own, readJoined(own, entry, concatenator), entry)
    : otherLocator(name)(entry)
  return splitMultiValues(raw)
    .map((v) => detach(String(v).trim()))
    .filter((t) => t !== '')
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

const labelMappedCache = new WeakMap<TypePlan, boolean>()
function labelMapped(plan: TypePlan): boolean {
  let mapped = labelMappedCache.get(plan)
  if (mapped === undefined) {
    mapped = plan.attributes.some((a) => a.attribute.id === plan.labelAttribute?.id)
    labelMappedCache.set(plan, mapped)
  }
  return mapped
}

/** The characters of text a mapped entry holds, roughly: what a batch of them weighs on the heap. */
export function mappedWeight(m: MappedEntry): number {
  let n = m.identity.length + m.label.length + m.location.length
  for (const list of m.values.values()) for (const v of list) n += typeof v === 'string' ? v.length : 8
  for (const list of m.references.values()) for (const t of list) n += t.length
  return n
}
