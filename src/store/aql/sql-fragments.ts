import { sql, type RawBuilder, type SqlBool } from 'kysely'
import type { DialectCapabilities } from '../capabilities.js'

/**
 * SQL pieces of the AQL compiler that differ by engine. Every value goes in as a bound parameter (the `${…}` of
 * Kysely's `sql` tag); identifiers are built with sql.ref from the compiler's own aliases.
 */

export type Sql<T = unknown> = RawBuilder<T>
export type Predicate = Sql<SqlBool>

export const TRUE: Predicate = sql<SqlBool>`(1 = 1)`
export const FALSE: Predicate = sql<SqlBool>`(1 = 0)`

/** `alias.column` as an identifier. */
export const col = <T = unknown>(alias: string, column: string): Sql<T> =>
  sql<T>`${sql.ref(`${alias}.${column}`)}`

export function and(parts: readonly Predicate[]): Predicate {
  if (parts.length === 0) return TRUE
  if (parts.length === 1) return parts[0]!
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`
}

export function or(parts: readonly Predicate[]): Predicate {
  if (parts.length === 0) return FALSE
  if (parts.length === 1) return parts[0]!
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`
}

export const not = (part: Predicate): Predicate => sql<SqlBool>`(not ${part})`

/** `expr in (values…)`; an empty list is false. */
export function inList(expr: Sql, values: readonly unknown[]): Predicate {
  if (values.length === 0) return FALSE
  return sql<SqlBool>`${expr} in (${sql.join([...new Set(values)])})`
}

/** `object as o`, read after the ids of `set` (a subquery selecting object_id) and restricted to them. */
export function objectsOf(
  caps: DialectCapabilities,
  set: Sql,
  o: string,
  d: string,
): { from: Sql; on: Predicate } {
  if (caps.idSetFirst === 'cross join') {
    return {
      from: sql`(${set}) as ${sql.id(d)} cross join object as ${sql.id(o)}`,
      on: sql<SqlBool>`${col(o, 'id')} = ${col(d, 'object_id')}`,
    }
  }
  return { from: sql`object as ${sql.id(o)}`, on: sql<SqlBool>`${col(o, 'id')} = any(array(${set}))` }
}

/** Text compared and ordered by Unicode code point: SQLite's BINARY does; PostgreSQL needs COLLATE "C". */
export function codePoints<T>(caps: DialectCapabilities, expr: Sql<T>): Sql<T> {
  return caps.textCollateC ? sql<T>`(${expr} collate "C")` : expr
}

/** Comparison operators of BoundTest's ordering tests. */
export const ORDERING = { lt: sql`<`, le: sql`<=`, gt: sql`>`, ge: sql`>=` } as const

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&')
const codePointLength = (text: string): number => [...text].length

/**
 * Literal substring tests on already folded text (no wildcards: `%`, `_` and `\` match themselves). PostgreSQL
 * uses LIKE with escapes, which a trigram index can serve; SQLite's LIKE folds ASCII, so instr() and substr().
 * `needle` is not empty (the compiler turns an empty needle into "has a value").
 */
export function textContains(caps: DialectCapabilities, folded: Sql<string>, needle: string): Predicate {
  if (caps.caseSensitiveLike) return sql<SqlBool>`${folded} like ${`%${escapeLike(needle)}%`} escape '\\'`
  return sql<SqlBool>`instr(${folded}, ${needle}) > 0`
}

export function textStartsWith(caps: DialectCapabilities, folded: Sql<string>, needle: string): Predicate {
  const exact = caps.caseSensitiveLike
    ? sql<SqlBool>`${folded} like ${`${escapeLike(needle)}%`} escape '\\'`
    : sql<SqlBool>`substr(${folded}, 1, ${codePointLength(needle)}) = ${needle}`
  // Every string starting with `needle` lies in [needle, successor): a range an index on the column can serve.
  const bounds = [sql<SqlBool>`${codePoints(caps, folded)} >= ${needle}`]
  const upper = prefixSuccessor(needle)
  if (upper !== null) bounds.push(sql<SqlBool>`${codePoints(caps, folded)} < ${upper}`)
  return and([...bounds, exact])
}

export function textEndsWith(caps: DialectCapabilities, folded: Sql<string>, needle: string): Predicate {
  if (caps.caseSensitiveLike) return sql<SqlBool>`${folded} like ${`%${escapeLike(needle)}`} escape '\\'`
  return sql<SqlBool>`substr(${folded}, ${-codePointLength(needle)}) = ${needle}`
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code point order: the last code
 * point below U+10FFFF incremented, what follows it dropped (surrogate code points are skipped). null when none.
 */
export function prefixSuccessor(prefix: string): string | null {
  const points = [...prefix].map((c) => c.codePointAt(0)!)
  while (points.length > 0) {
    const last = points.pop()!
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1
      return String.fromCodePoint(...points, next)
    }
  }
  return null
}
