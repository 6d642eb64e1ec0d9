import { sql } from 'kysely'
import type { ValueType } from '../../domain/aql/bound.js'
import type { DialectCapabilities } from '../capabilities.js'
import { col, codePoints, inList, type Sql } from './sql-fragments.js'

/**
 * The smallest value of some attributes of one object row, read from `object.attribute_values` — the JSON that
 * is the source of truth of non-reference values (`{"<attributeId>": [canonical values]}`) — for ordering by a
 * number, boolean, date, time or date-time attribute. Being a lookup on the row itself, it costs per matching
 * object, not per stored value. (Text keys need foldCase, which SQL cannot do: those come from object_value.)
 *
 * Values of the wrong JSON type and empty strings count as absent, as asScalar says.
 */
export function jsonMinimum(
  caps: DialectCapabilities,
  o: string,
  attributeIds: readonly number[],
  valueType: Exclude<ValueType, 'text'>,
): Sql {
  const keys = attributeIds.map(String)
  const json = col(o, 'attribute_values')
  if (caps.dialect === 'sqlite') {
    const present = {
      number: sql`j.type in ('integer', 'real')`,
      boolean: sql`j.type in ('true', 'false')`,
      date: sql`j.type = 'text' and j.value <> ''`,
      time: sql`j.type = 'text' and j.value <> ''`,
      date_time: sql`j.type = 'text' and j.value <> ''`,
    }[valueType]
    return sql`(select min(j.value) from json_each(${json}) as a join json_each(a.value) as j where ${inList(sql`a.key`, keys)} and ${present})`
  }
  const text = sql`(e.v #>> '{}')`
  const [present, minimum] = {
    number: [sql`jsonb_typeof(e.v) = 'number'`, sql`min(${text}::double precision)`],
    boolean: [sql`jsonb_typeof(e.v) = 'boolean'`, sql`bool_and(${text}::boolean)`],
    date: [sql`jsonb_typeof(e.v) = 'string' and ${text} <> ''`, sql`min(${codePoints(caps, text)})`],
    time: [sql`jsonb_typeof(e.v) = 'string' and ${text} <> ''`, sql`min(${codePoints(caps, text)})`],
    date_time: [sql`jsonb_typeof(e.v) = 'string' and ${text} <> ''`, sql`min(${codePoints(caps, text)})`],
  }[valueType]
  return sql`(select ${minimum} from jsonb_each(${json}::jsonb) as a(key, value), jsonb_array_elements(a.value) as e(v) where ${inList(sql`a.key`, keys)} and ${present})`
}
