import { DateTime } from 'luxon'
import type { DateFunctionName, DateFunctionNode, OffsetUnit, ValueNode } from './ast.js'
import { AqlInvalidTimeZoneError, AqlInvalidValueError } from './aql-errors.js'
import type { Scalar, ValueType } from './bound.js'
import { printValue } from './print.js'

/** The clock a query is checked against: date functions are fixed to this instant in this IANA zone. */
export interface TimeContext {
  readonly now: DateTime
}

export function timeContext(now: Date, zone = 'UTC'): TimeContext {
  const zoned = DateTime.fromJSDate(now, { zone })
  if (!zoned.isValid) throw AqlInvalidTimeZoneError({ zone })
  return { now: zoned }
}

type Period = 'day' | 'week' | 'month' | 'year'

const PERIODS: Readonly<Record<Exclude<DateFunctionName, 'now'>, [Period, 'start' | 'end']>> = {
  startOfDay: ['day', 'start'],
  endOfDay: ['day', 'end'],
  startOfWeek: ['week', 'start'],
  endOfWeek: ['week', 'end'],
  startOfMonth: ['month', 'start'],
  endOfMonth: ['month', 'end'],
  startOfYear: ['year', 'start'],
  endOfYear: ['year', 'end'],
}

const UNIT_NAMES: Readonly<Record<OffsetUnit, 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds'>> = {
  w: 'weeks',
  d: 'days',
  h: 'hours',
  m: 'minutes',
  s: 'seconds',
}

/**
 * The instant a date function stands for: `now` (in the context zone) moved by the offset, then, for the
 * startOf / endOf functions, the start or end (…59.999) of its day, week (Monday to Sunday), month or year.
 */
export function dateFunctionValue(node: DateFunctionNode, time: TimeContext): DateTime {
  const period = node.name === 'now' ? null : PERIODS[node.name]
  const shift: Record<string, number> = {}
  for (const term of node.offset) {
    const unit = term.unit === null ? `${period?.[0] ?? 'day'}s` : UNIT_NAMES[term.unit]
    shift[unit] = (shift[unit] ?? 0) + term.amount
  }
  const moved = time.now.plus(shift)
  if (period === null) return moved
  return period[1] === 'start' ? moved.startOf(period[0]) : moved.endOf(period[0])
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/u
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/u
const DATE = /^\d{4}-\d{2}-\d{2}$/u

function parseInstant(text: string, time: TimeContext): DateTime | null {
  const zone = time.now.zone
  for (const parsed of [DateTime.fromISO(text, { zone }), DateTime.fromSQL(text, { zone })]) {
    if (parsed.isValid && parsed.year >= 1 && parsed.year <= 9999) return parsed
  }
  return null
}

/** `instant` is in the context zone: dates and times are read there, date-times are stored in UTC. */
function format(instant: DateTime, valueType: 'date' | 'time' | 'date_time'): string | null {
  if (valueType === 'date') return instant.toISODate()
  if (valueType === 'time') return instant.toFormat('HH:mm:ss')
  return instant.toUTC().toISO()
}

function literal(text: string, valueType: ValueType, time: TimeContext): Scalar | string[] {
  switch (valueType) {
    case 'text':
      return text
    case 'number': {
      const n = Number(text)
      return NUMBER.test(text.trim()) && Number.isFinite(n) ? n : ['it is not a number']
    }
    case 'boolean': {
      const lowered = text.toLowerCase()
      return lowered === 'true' ? true : lowered === 'false' ? false : ['it is neither true nor false']
    }
    case 'time': {
      const m = TIME.exec(text)
      const [h, min, s] = m === null ? [99, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')]
      if (h > 23 || min > 59 || s > 59) return ['it is not a time such as 14:30 or 14:30:00']
      return [h, min, s].map((part) => String(part).padStart(2, '0')).join(':')
    }
    case 'date': {
      const instant = parseInstant(text, time)
      if (instant === null) return ['it is not a date such as 2024-05-31']
      return DATE.test(text) ? text : (format(instant, 'date') ?? ['it is not a date'])
    }
    case 'date_time': {
      const instant = parseInstant(text, time)
      if (instant === null) return ['it is not a date-time such as 2024-05-31T14:30:00Z or 2024-05-31']
      return format(instant, 'date_time') ?? ['it is not a date-time']
    }
  }
}

/**
 * Turns a written value into the canonical scalar it is compared as. Dates without a time are the start of that
 * day and times without an offset are read in the context zone.
 */
export function coerceValue(
  value: ValueNode,
  valueType: ValueType,
  time: TimeContext,
  subject: string,
): Scalar {
  const fail = (reason: string): never => {
    const shown = value.type === 'Literal' ? value.value : printValue(value)
    throw AqlInvalidValueError({ position: value.span.start, value: shown, attribute: subject, reason })
  }
  if (value.type === 'DateFunction') {
    if (valueType !== 'date' && valueType !== 'time' && valueType !== 'date_time') {
      return fail(`${value.name}() gives a date, and "${subject}" holds ${valueType} values`)
    }
    return format(dateFunctionValue(value, time), valueType) ?? fail('the date is out of range')
  }
  const result = literal(value.value, valueType, time)
  return Array.isArray(result) ? fail(result[0]!) : result
}
