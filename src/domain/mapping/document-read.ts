/**
 * Reads members of one JSON object of the submitted document, reporting shape problems at exact pointers.
 * A member that is absent or null counts as absent. Readers answer `undefined` for anything unusable, after
 * reporting it, so later phases never report the same member twice.
 */
import type { DocumentProblemCode, ProblemCollector } from './document-problems.js'
import { pointer } from './document-problems.js'

export type JsonObject = Record<string, unknown>

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

interface ReadOptions {
  required?: boolean
  /** Message when a required member is absent (default: `"key" is required`). */
  requiredMessage?: string
}

export class FieldReader {
  readonly value: JsonObject
  readonly ptr: string
  readonly problems: ProblemCollector

  constructor(value: JsonObject, ptr: string, problems: ProblemCollector) {
    this.value = value
    this.ptr = ptr
    this.problems = problems
  }

  at(key: string): string {
    return pointer(this.ptr, key)
  }

  has(key: string): boolean {
    const value = this.value[key]
    return value !== undefined && value !== null
  }

  report(code: DocumentProblemCode, key: string, message: string): void {
    this.problems.add(code, this.at(key), message)
  }

  string(key: string, options: ReadOptions & { nonEmpty?: boolean } = {}): string | undefined {
    const value = this.#present(key, options)
    if (value === undefined) return undefined
    if (typeof value !== 'string') return this.#wrongType(key, 'a string', value)
    if (options.nonEmpty === true && value.trim() === '') {
      this.report('EMPTY_STRING', key, `"${key}" must not be empty`)
      return undefined
    }
    return value
  }

  boolean(key: string, options: ReadOptions = {}): boolean | undefined {
    const value = this.#present(key, options)
    if (value === undefined) return undefined
    if (typeof value !== 'boolean') return this.#wrongType(key, 'a boolean', value)
    return value
  }

  number(key: string, options: ReadOptions = {}): number | undefined {
    const value = this.#present(key, options)
    if (value === undefined) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.#wrongType(key, 'a number', value)
    return value
  }

  array(key: string, options: ReadOptions & { nonEmpty?: boolean } = {}): unknown[] | undefined {
    const value = this.#present(key, options)
    if (value === undefined) return undefined
    if (!Array.isArray(value)) return this.#wrongType(key, 'an array', value)
    if (options.nonEmpty === true && value.length === 0) {
      this.report('EMPTY_ARRAY', key, `"${key}" needs at least one item`)
      return undefined
    }
    return value
  }

  object(key: string, options: ReadOptions = {}): FieldReader | undefined {
    const value = this.#present(key, options)
    if (value === undefined) return undefined
    if (!isJsonObject(value)) return this.#wrongType(key, 'an object', value)
    return new FieldReader(value, this.at(key), this.problems)
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], options: ReadOptions = {}): T | undefined {
    const value = this.string(key, options)
    if (value === undefined) return undefined
    if (!(allowed as readonly string[]).includes(value)) {
      this.report('INVALID_ENUM_VALUE', key, `"${value}" is not one of ${allowed.join(', ')}`)
      return undefined
    }
    return value as T
  }

  /** Every item of an array member that is a JSON object, as readers; other items are reported. */
  objects(
    key: string,
    what: string,
    options: ReadOptions & { nonEmpty?: boolean } = {},
  ): FieldReader[] | undefined {
    const items = this.array(key, options)
    if (items === undefined) return undefined
    const readers: FieldReader[] = []
    items.forEach((item, index) => {
      const at = pointer(this.at(key), index)
      if (isJsonObject(item)) readers.push(new FieldReader(item, at, this.problems))
      else this.problems.add('INVALID_TYPE', at, `expected ${what} (an object), got ${jsonTypeOf(item)}`)
    })
    return readers
  }

  #present(key: string, options: ReadOptions): unknown {
    if (this.has(key)) return this.value[key]
    if (options.required === true) {
      this.report('REQUIRED_FIELD_MISSING', key, options.requiredMessage ?? `"${key}" is required`)
    }
    return undefined
  }

  #wrongType(key: string, expected: string, value: unknown): undefined {
    this.report('INVALID_TYPE', key, `"${key}" must be ${expected}, got ${jsonTypeOf(value)}`)
    return undefined
  }
}
