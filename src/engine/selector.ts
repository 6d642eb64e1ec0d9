/**
 * Selectors and locators over source entries.
 * - A selector `a.b.c` selects every element of every `a[*].b[*].c` array; a non-array at a selector path is an
 *   entry problem (reported by the caller), never a crash.
 * - A locator reads a value relative to an entry; dotted paths walk nested objects (`dimensions.width`), and an
 *   array met on the way yields the values of all its elements.
 */

export interface SelectedEntry {
  entry: Record<string, unknown>
  location: string
}

/**
 * The entries a selector selected from a chunk, as parallel lists: no record and no location text per entry. An
 * entry's location is `${paths[i]}[${indexes[i]}]` (locationText): `paths[i]` names the array that holds it and is
 * shared by all the entries of that array; `indexes[i]` counts the elements of that array (of a top-level array,
 * over all chunks so far). `release` lets the engine drop an entry once it is mapped (see entriesForMapping).
 */
export class Selection {
  readonly entries: (Record<string, unknown> | undefined)[] = []
  readonly paths: string[] = []
  readonly indexes: number[] = []
  /**
   * Per entry: the position in `releasable` of the element that holds it, or -1 (not released). Only entries that
   * are themselves elements of a top-level array of the chunk (a one-segment selector, or a push's own root).
   */
  readonly holders: number[] = []
  /** The top-level arrays whose elements may be released, with the offset their indexes carry. */
  private readonly releasable: unknown[][] = []
  private readonly offsets: number[] = []

  get length(): number {
    return this.entries.length
  }

  /** The location text of entry `i` (for a problem, or a stage row). */
  location(i: number): string {
    return locationText(this.paths[i]!, this.indexes[i]!)
  }

  /**
   * Takes entry `i` out of the selection and, when it may (see entriesForMapping), out of the chunk's array that
   * held it: a mapped entry's source row can die young rather than live until the whole chunk is mapped.
   */
  take(i: number): Record<string, unknown> {
    const entry = this.entries[i]!
    this.entries[i] = undefined
    const at = this.holders[i]!
    if (at >= 0) this.releasable[at]![this.indexes[i]! - this.offsets[at]!] = undefined
    return entry
  }

  /** @internal walk: a top-level array whose elements may be released; answers its position. */
  addReleasable(items: unknown[], offset: number): number {
    this.releasable.push(items)
    this.offsets.push(offset)
    return this.releasable.length - 1
  }
}

/** An entry's location: `hardware[12]`, `data[3].items[0]`. Index -1: `path` is the whole location. */
export function locationText(path: string, index: number): string {
  return index < 0 ? path : `${path}[${index}]`
}

export interface SelectorProblem {
  location: string
  message: string
}

/**
 * The root under which a chunk in the scheduled push format (seed 002: `objectTypeId` + `objects`, see
 * domain/execution/push-objects.ts) carries its entries: they belong to that object type's mapping alone, whatever
 * its selector. Selectors split on dots, so no selector ever names a root that contains one.
 */
export function objectsRoot(objectTypeExternalId: string): string {
  return `intake.objects:${objectTypeExternalId}`
}

/**
 * The entries of a chunk for one mapping: those its selector selects, then those addressed to its type. Lists (no
 * generator hop, record or location text per entry): the engine selects a whole chunk, timed as part of reading,
 * before mapping it. With `release`, the selection may empty the elements of the chunk's top-level arrays as their
 * entries are taken (Selection.take): only for arrays it is given (the engine passes those no later mapping of the
 * same chunk selects from), and only with a one-segment selector or the type's own root, whose elements are the
 * entries themselves.
 */
export function entriesForMapping(
  chunk: Record<string, unknown>,
  selector: readonly string[],
  objectTypeExternalId: string,
  problems: SelectorProblem[],
  offsets: ReadonlyMap<string, number>,
  release: ReadonlySet<unknown> | null = null,
): Selection {
  const out = new Selection()
  walk(chunk, selector, 0, '', problems, offsets.get(selector[0]!) ?? 0, out, release)
  const own = objectsRoot(objectTypeExternalId)
  if (chunk[own] !== undefined) walk(chunk, [own], 0, '', problems, offsets.get(own) ?? 0, out, release)
  return out
}

export function splitSelector(selector: string): string[] {
  return selector.split('.')
}

/**
 * Walks `segments` through `root`, yielding each selected entry with its location. `offset` numbers the top-level
 * array from there on: the elements of earlier chunks of the same root come first (locations name one entry of
 * the concatenated chunks).
 */
export function* selectEntries(
  root: Record<string, unknown>,
  segments: readonly string[],
  problems: SelectorProblem[],
  offset = 0,
): Generator<SelectedEntry> {
  const out = new Selection()
  walk(root, segments, 0, '', problems, offset, out, null)
  for (let i = 0; i < out.length; i++) yield { entry: out.entries[i]!, location: out.location(i) }
}

function walk(
  node: Record<string, unknown>,
  segments: readonly string[],
  depth: number,
  path: string,
  problems: SelectorProblem[],
  offset: number,
  out: Selection,
  release: ReadonlySet<unknown> | null,
): void {
  const key = segments[depth]!
  const value = node[key]
  const here = path === '' ? key : `${path}.${key}`
  if (value === undefined || value === null) return
  if (!Array.isArray(value)) {
    problems.push({
      location: here,
      message: `the selector expects an array at ${here}, found ${typeOf(value)}`,
    })
    return
  }
  const last = depth === segments.length - 1
  const holder = last && depth === 0 && release?.has(value) ? out.addReleasable(value, offset) : -1
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i]
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({
        location: locationText(here, i + offset),
        message: `an entry must be an object, found ${typeOf(item)}`,
      })
      continue
    }
    if (last) {
      out.entries.push(item as Record<string, unknown>)
      out.paths.push(here)
      out.indexes.push(i + offset)
      out.holders.push(holder)
    } else
      walk(
        item as Record<string, unknown>,
        segments,
        depth + 1,
        locationText(here, i + offset),
        problems,
        0,
        out,
        release,
      )
  }
}

/** Compiles a locator once; the returned reader is called for every entry. */
export function compileLocator(locator: string): (entry: Record<string, unknown>) => unknown {
  if (!locator.includes('.'))
    return (entry) => (Object.prototype.hasOwnProperty.call(entry, locator) ? entry[locator] : undefined)
  const parts = locator.split('.')
  return (entry) => readPath(entry, parts, 0)
}

function readPath(value: unknown, parts: readonly string[], i: number): unknown {
  if (i === parts.length) return value
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const item of value) {
      const v = readPath(item, parts, i)
      if (Array.isArray(v)) out.push(...v)
      else if (v !== undefined && v !== null) out.push(v)
    }
    return out
  }
  if (value === null || typeof value !== 'object') return undefined
  const obj = value as Record<string, unknown>
  const key = parts[i]!
  // A literal key containing dots wins over the nested reading (CSV column "a.b").
  if (i === 0 && Object.prototype.hasOwnProperty.call(obj, parts.join('.'))) return obj[parts.join('.')]
  return Object.prototype.hasOwnProperty.call(obj, key) ? readPath(obj[key], parts, i + 1) : undefined
}

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`
}
