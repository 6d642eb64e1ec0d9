/**
 * Compiles the value-shaping members of a mapping (shaping.types.ts) once per execution into the functions the
 * engine calls per entry. Nothing here is prepared per row: conditions are parsed, regular expressions, lookup
 * maps, date formats and templates are built once.
 */
import { isEmptyValue } from './coerce.js'
import type { EntryPredicate } from './entry-condition.js'
import { compileCondition } from './entry-condition.js'
import type { AttributeShaping } from './shaping.types.js'
import { SHAPING_LIMITS } from './shaping.types.js'
import type { StepContext } from './transform-steps.js'
import { compileSteps } from './transform-steps.js'

/**
 * What an attribute's value becomes: `raw` is what its locators read. Throws `TransformFailure` when a step cannot
 * read a value (the caller reports it as a problem of the entry).
 */
export type AttributeShaper = (raw: unknown, entry: Record<string, unknown>) => unknown

/** The shaper of an attribute mapping, or null when it has no shaping members (the value is used as read). */
export function compileAttributeShaping(mapping: AttributeShaping, cx: StepContext): AttributeShaper | null {
  const conditional = (mapping.conditionalValues ?? []).map((c) => ({
    test: compileEntryCondition(c.when, cx),
    value: c.value,
  }))
  const steps = mapping.transformations?.length ? compileSteps(mapping.transformations, cx) : null
  const fallback = mapping.defaultValue
  if (conditional.length === 0 && steps === null && fallback === undefined) return null
  if (conditional.length === 0 && fallback === undefined) return steps
  return (raw, entry) => {
    for (const c of conditional) if (c.test(entry)) return c.value
    const value = steps === null ? raw : steps(raw, entry)
    return fallback !== undefined && isEmptyValue(value) ? fallback : value
  }
}

/** Compiles a condition the document validation accepted (a stored one never fails here). */
export function compileEntryCondition(text: string, cx: Pick<StepContext, 'locator'>): EntryPredicate {
  const compiled = compileCondition(text, cx.locator, SHAPING_LIMITS.conditionLength)
  if (!compiled.ok) throw new Error(`condition "${text}": ${compiled.reason}`)
  return compiled.test
}
