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
 * The entries of a chunk for one mapping: those its selector selects, then those addressed to its type. An array
 * (no generator hop per entry): the engine selects a whole chunk, timed as part of reading, before mapping it.
 */
export function entriesForMapping(
  chunk: Record<string, unknown>,
  selector: readonly string[],
  objectTypeExternalId: string,
  problems: SelectorProblem[],
  offsets: ReadonlyMap<string, number>,
): SelectedEntry[] {
  const out: SelectedEntry[] = []
  walk(chunk, selector, 0, '', problems, offsets.get(selector[0]!) ?? 0, out)
  const own = objectsRoot(objectTypeExternalId)
  if (chunk[own] !== undefined) walk(chunk, [own], 0, '', problems, offsets.get(own) ?? 0, out)
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
  const out: SelectedEntry[] = []
  walk(root, segments, 0, '', problems, offset, out)
  yield* out
}

function walk(
  node: Record<string, unknown>,
  segments: readonly string[],
  depth: number,
  path: string,
  problems: SelectorProblem[],
  offset: number,
  out: SelectedEntry[],
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
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i]
    const location = `${here}[${i + offset}]`
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ location, message: `an entry must be an object, found ${typeOf(item)}` })
      continue
    }
    if (last) out.push({ entry: item as Record<string, unknown>, location })
    else walk(item as Record<string, unknown>, segments, depth + 1, location, problems, 0, out)
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
