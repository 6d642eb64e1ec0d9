import type { FieldProblem } from '../errors.js'
import {
  ATTRIBUTE_KINDS,
  STATUS_CATEGORIES,
  UNLIMITED,
  type AttributeKind,
  type StatusCategory,
} from './types.js'

/** Rules for definitions (not values): names, keys, kinds, cardinality. Pure; each returns field problems. */

export const SCHEMA_KEY_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/
export const STATUS_NAME_PATTERN = /^[a-zA-Z0-9 -]{2,30}$/
const MAX_NAME = 255

export function checkName(field: string, name: unknown, problems: FieldProblem[]): name is string {
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push({ field, message: 'is required and must be a non-empty string', value: name })
    return false
  }
  if (name.length > MAX_NAME) {
    problems.push({ field, message: `must be at most ${MAX_NAME} characters`, value: name })
    return false
  }
  return true
}

export function checkSchemaKey(key: unknown, problems: FieldProblem[]): void {
  if (typeof key !== 'string' || !SCHEMA_KEY_PATTERN.test(key)) {
    problems.push({
      field: 'objectSchemaKey',
      message: 'must be 2 to 10 upper-case letters or digits, starting with a letter (e.g. "DAT")',
      value: key,
    })
  }
}

export function isAttributeKind(kind: unknown): kind is AttributeKind {
  return typeof kind === 'string' && (ATTRIBUTE_KINDS as readonly string[]).includes(kind)
}

export function isStatusCategory(c: unknown): c is StatusCategory {
  return typeof c === 'string' && (STATUS_CATEGORIES as readonly string[]).includes(c)
}

export function checkCardinality(min: number, max: number, problems: FieldProblem[]): void {
  if (!Number.isInteger(min) || min < 0) {
    problems.push({ field: 'minimumCardinality', message: 'must be an integer of 0 or more', value: min })
  }
  if (!Number.isInteger(max) || (max < 1 && max !== UNLIMITED)) {
    problems.push({
      field: 'maximumCardinality',
      message: 'must be an integer of 1 or more, or -1 for unlimited',
      value: max,
    })
  } else if (max !== UNLIMITED && Number.isInteger(min) && min > max) {
    problems.push({
      field: 'minimumCardinality',
      message: `must not exceed maximumCardinality (${max})`,
      value: min,
    })
  }
}

/** Assets' derived default type ids, for wire compatibility of attribute resources. */
export const DEFAULT_TYPE: Partial<Record<AttributeKind, { id: number; name: string }>> = {
  text: { id: 0, name: 'Text' },
  integer: { id: 1, name: 'Integer' },
  boolean: { id: 2, name: 'Boolean' },
  double: { id: 3, name: 'Double' },
  date: { id: 4, name: 'Date' },
  time: { id: 5, name: 'Time' },
  date_time: { id: 6, name: 'DateTime' },
  url: { id: 7, name: 'URL' },
  email: { id: 8, name: 'Email' },
  textarea: { id: 9, name: 'Textarea' },
  select: { id: 10, name: 'Select' },
  ipaddress: { id: 11, name: 'IP Address' },
}

/** Assets' attribute `type`: 0 default, 1 object reference, 7 status. */
export function assetsAttributeType(kind: AttributeKind): number {
  if (kind === 'referenced_object') return 1
  if (kind === 'status') return 7
  return 0
}
