import type { FieldProblem } from '../../domain/errors.js'

/** One issue as Ajv reports it. */
export interface ValidationIssue {
  instancePath?: string
  schemaPath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
}

/**
 * The patterns of the route schemas, in words a person reads (a regex is no answer to "what do I send?"): digit-only
 * ids (`^[0-9]+$`, `^[0-9]{1,15}$`, …) and UUIDs, whatever the exact bounds a schema chose.
 */
function patternInWords(pattern: string): string | undefined {
  if (/^\^\[0-9\](\+|\{\d+(,\d*)?\})\$$/.test(pattern)) return 'must be a numeric id such as 42'
  if (pattern.includes('{8}-') && pattern.includes('{12}')) {
    return 'must be a UUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301'
  }
  return undefined
}

/**
 * Ajv's issues as field problems a person can act on: a known pattern in words; a union of literals as "must be
 * one of: …" instead of one issue per literal; other unions as their alternatives joined by "or".
 */
export function toFieldProblems(issues: ValidationIssue[], context: string | undefined): FieldProblem[] {
  const unions = issues.filter((i) => i.keyword === 'anyOf')
  const alternativesOf = (union: ValidationIssue) =>
    issues.filter(
      (i) =>
        i !== union &&
        (i.instancePath ?? '') === (union.instancePath ?? '') &&
        (i.schemaPath ?? '').startsWith(`${union.schemaPath ?? ''}/`),
    )
  const inUnion = new Set(unions.flatMap(alternativesOf))
  return issues
    .filter((issue) => !inUnion.has(issue))
    .map((issue) => ({
      field: fieldOf(issue, context),
      message: issue.keyword === 'anyOf' ? unionMessage(alternativesOf(issue)) : messageOf(issue),
    }))
}

function unionMessage(alternatives: ValidationIssue[]): string {
  if (alternatives.length === 0) return 'matches none of the allowed forms'
  if (alternatives.every((a) => a.keyword === 'const')) {
    return `must be one of: ${alternatives.map((a) => String(a.params?.allowedValue)).join(', ')}`
  }
  return [...new Set(alternatives.map(messageOf))].join(', or ')
}

function fieldOf(v: ValidationIssue, context: string | undefined): string {
  const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
  const missing = v.keyword === 'required' ? String(v.params?.missingProperty ?? '') : ''
  const extra = v.keyword === 'additionalProperties' ? String(v.params?.additionalProperty ?? '') : ''
  const leaf = [base, missing || extra].filter(Boolean).join('.')
  return [context ?? 'body', leaf].filter(Boolean).join('.')
}

function messageOf(v: ValidationIssue): string {
  if (v.keyword === 'pattern') {
    const words = patternInWords(String(v.params?.pattern))
    if (words !== undefined) return words
  }
  const allowed =
    v.keyword === 'enum' ? ` (${(v.params?.allowedValues as unknown[] | undefined)?.join(', ')})` : ''
  return `${v.message ?? 'is invalid'}${allowed}`
}
