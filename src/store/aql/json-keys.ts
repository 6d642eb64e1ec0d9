import { sql } from 'kysely'
import type { ValueType } from '../../domain/aql/bound.js'
import { sortKey } from '../../domain/schema/attribute-value.js'
import type { DialectCapabilities } from '../capabilities.js'
import type { Columns } from './compile-test.js'
import { col, codePoints, inList, type Sql } from './sql-fragments.js'

/**
 * Reading values from `object.attribute_values` — the JSON that is the source of truth of non-reference values
 * (`{"<attributeId>": [canonical values]}`) — rather than from the search index (object_value): for ordering by
 * a number, boolean, date, time or date-time attribute (a lookup on the row itself, costing per matching object),
 * and for every test and order on an attribute whose index rows are not kept or not complete
 * (domain/schema/indexed-attributes.ts), answered by scanning its type's rows.
 *
 * Values of the wrong JSON type and empty strings count as absent, as asScalar says. Text is folded by
 * `intake_fold` (foldCase in SQL: a function registered on every SQLite connection, created on PostgreSQL by
 * migration 0017).
 */

/** foldCase in SQL. */
export const foldSql = (text: Sql<string>): Sql<string> => sql<string>`intake_fold(${text})`

/** `from <the elements of one attribute's value array on the row o> as alias`, one row per value. */
export function jsonElements(caps: DialectCapabilities, o: string, attributeId: number, alias: string): Sql {
  const json = col(o, 'attribute_values')
  if (caps.dialect === 'sqlite') return sql`json_each(${json}, ${`$."${attributeId}"`}) as ${sql.id(alias)}`
  return sql`jsonb_array_elements(${json}::jsonb -> ${String(attributeId)}) as ${sql.id(alias)}(v)`
}

/**
 * The columns of one JSON element (`alias` from jsonElements) for values compared as `valueType`, with wrong
 * types read as absent ('' or null): text raw and folded; numbers and booleans as numbers; dates, times and
 * date-times as their canonical strings, whose code point order is their order (as sortKey's).
 */
export function jsonColumns(caps: DialectCapabilities, alias: string, valueType: ValueType): Columns {
  const sqlite = caps.dialect === 'sqlite'
  const type = sqlite ? col<string>(alias, 'type') : sql<string>`jsonb_typeof(${col(alias, 'v')})`
  const value = sqlite ? col<string>(alias, 'value') : sql<string>`(${col(alias, 'v')} #>> '{}')`
  const [textType, numberTypes, booleanTypes] = sqlite
    ? [sql`'text'`, sql`('integer', 'real')`, sql`('true', 'false')`]
    : [sql`'string'`, sql`('number')`, sql`('boolean')`]
  const text = sql<string>`(case when ${type} = ${textType} then ${value} else '' end)`
  switch (valueType) {
    case 'text':
      return { kind: 'text', raw: text, folded: foldSql(text), foldIndexed: false }
    case 'number': {
      const num = sqlite ? value : sql`${value}::double precision`
      return {
        kind: 'numeric',
        num: sql<number>`(case when ${type} in ${numberTypes} then ${num} end)`,
        key: (v) => sortKey('double', v),
      }
    }
    case 'boolean': {
      // SQLite's json_each reads true and false as 1 and 0.
      const num = sqlite ? value : sql`(case when ${value} = 'true' then 1 else 0 end)`
      return {
        kind: 'numeric',
        num: sql<number>`(case when ${type} in ${booleanTypes} then ${num} end)`,
        key: (v) => sortKey('boolean', v),
      }
    }
    default:
      return { kind: 'string', raw: text }
  }
}

/**
 * The smallest value of some attributes of one object row, for ordering: numbers, booleans, dates, times and
 * date-times as they compare; text folded (foldCase) and compared by code point.
 */
export function jsonMinimum(
  caps: DialectCapabilities,
  o: string,
  attributeIds: readonly number[],
  valueType: ValueType,
): Sql {
  const keys = attributeIds.map(String)
  const json = col(o, 'attribute_values')
  if (caps.dialect === 'sqlite') {
    const present = {
      number: sql`j.type in ('integer', 'real')`,
      boolean: sql`j.type in ('true', 'false')`,
      text: sql`j.type = 'text' and j.value <> ''`,
      date: sql`j.type = 'text' and j.value <> ''`,
      time: sql`j.type = 'text' and j.value <> ''`,
      date_time: sql`j.type = 'text' and j.value <> ''`,
    }[valueType]
    const value = valueType === 'text' ? foldSql(sql`j.value`) : sql`j.value`
    return sql`(select min(${value}) from json_each(${json}) as a join json_each(a.value) as j where ${inList(sql`a.key`, keys)} and ${present})`
  }
  const text = sql<string>`(e.v #>> '{}')`
  const string = sql`jsonb_typeof(e.v) = 'string' and ${text} <> ''`
  const [present, minimum] = {
    number: [sql`jsonb_typeof(e.v) = 'number'`, sql`min(${text}::double precision)`],
    boolean: [sql`jsonb_typeof(e.v) = 'boolean'`, sql`bool_and(${text}::boolean)`],
    text: [string, sql`min(${codePoints(caps, foldSql(text))})`],
    date: [string, sql`min(${codePoints(caps, text)})`],
    time: [string, sql`min(${codePoints(caps, text)})`],
    date_time: [string, sql`min(${codePoints(caps, text)})`],
  }[valueType]
  return sql`(select ${minimum} from jsonb_each(${json}::jsonb) as a(key, value), jsonb_array_elements(a.value) as e(v) where ${inList(sql`a.key`, keys)} and ${present})`
}
