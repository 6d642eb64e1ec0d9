/**
 * Conditions over the fields of a source entry: an object type mapping's `condition` (which entries are mapped at
 * all) and the `when` of an attribute's conditional values.
 *
 * The grammar is AQL's expression grammar, parsed by the AQL parser itself (domain/aql/parser.ts): `AND`, `OR`,
 * `NOT`, parentheses, `= == != < <= > >= like "not like" startswith endswith`, `in (…)`, `not in (…)`,
 * `is EMPTY`, `is not EMPTY`. What differs is what the names mean, so the AQL checker and evaluators do not apply:
 * a name is a locator read relative to the entry (`state`, `dimensions.width`), not an attribute of a schema, and
 * the values are the raw source values, not typed attribute values. Three additions / limits follow from that:
 * - text may be quoted with `'…'` as well as `"…"` (SQL habit, as in `state = 'active'`);
 * - `object having …`, `objectTypeAndChildren(…)`, date functions (`now()`…) and `order by` are refused: they
 *   speak of stored objects and typed dates, which a raw entry does not have;
 * - comparisons are numeric when both sides read as numbers, case-insensitive text otherwise (`==` is
 *   case-sensitive), and a multi-valued field matches when any of its values does (`!=` and `not …`: when none
 *   does, so an empty field is `!=` anything).
 */
import { AppError } from '../errors.js'
import type { ExprNode, PathNode, ValueNode } from '../aql/ast.js'
import { compareCodePoints, foldCase } from '../aql/compare.js'
import { parseAql } from '../aql/parser.js'
import { splitMultiValues } from './coerce.js'

export type EntryPredicate = (entry: Record<string, unknown>) => boolean

/** Compiles a locator into a reader of entries (the engine's; validation passes one that reads nothing). */
export type LocatorCompiler = (locator: string) => (entry: Record<string, unknown>) => unknown

/** For checking a condition without running it. */
export const NO_LOCATORS: LocatorCompiler = () => () => undefined

export type ConditionResult = { ok: true; test: EntryPredicate } | { ok: false; reason: string }

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** Parses, checks and compiles a condition once; the predicate then runs per entry without allocating much. */
export function compileCondition(text: string, locator: LocatorCompiler, maxLength: number): ConditionResult {
  if (text.length > maxLength) return { ok: false, reason: `longer than ${maxLength} characters` }
  const converted = convertSingleQuotes(text)
  if (typeof converted !== 'string') return { ok: false, reason: converted.reason }
  try {
    const query = parseAql(converted)
    if (query.orderBy !== null) return { ok: false, reason: '"order by" has no meaning in a condition' }
    return { ok: true, test: compileExpr(query.where, { source: converted, locator }) }
  } catch (error) {
    if (error instanceof AppError) return { ok: false, reason: error.message }
    if (error instanceof UnsupportedCondition) return { ok: false, reason: error.message }
    throw error
  }
}

class UnsupportedCondition extends Error {}

/**
 * `'…'` → `"…"`, so the AQL lexer reads it as one string. A single quote opens text only where a value can start
 * (after whitespace, an operator, `(` or `,`), so `O'Brien` stays one word; inside, `''` or `\'` is a quote.
 */
function convertSingleQuotes(text: string): string | { reason: string } {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') {
      const end = closingDoubleQuote(text, i)
      out += text.slice(i, end + 1)
      i = end
      continue
    }
    const before = i === 0 ? ' ' : text[i - 1]!
    if (c !== "'" || !/[\s=<>!(,]/.test(before)) {
      out += c
      continue
    }
    let value = ''
    let j = i + 1
    for (; ; j++) {
      if (j >= text.length) return { reason: `the text quoted at position ${i} is never closed` }
      const d = text[j]!
      if (d === '\\' && j + 1 < text.length) value += text[++j]
      else if (d === "'" && text[j + 1] === "'") value += text[++j]
      else if (d === "'") break
      else value += d
    }
    out += JSON.stringify(value)
    i = j
  }
  return out
}

function closingDoubleQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i
  }
  return text.length - 1
}

interface CompileContext {
  source: string
  locator: LocatorCompiler
}

function compileExpr(node: ExprNode, cx: CompileContext): EntryPredicate {
  switch (node.type) {
    case 'And': {
      const parts = node.operands.map((o) => compileExpr(o, cx))
      return (entry) => parts.every((p) => p(entry))
    }
    case 'Or': {
      const parts = node.operands.map((o) => compileExpr(o, cx))
      return (entry) => parts.some((p) => p(entry))
    }
    case 'Not': {
      const inner = compileExpr(node.operand, cx)
      return (entry) => !inner(entry)
    }
    case 'Empty': {
      const read = readerOf(node.path, cx)
      return node.negated ? (entry) => read(entry).length > 0 : (entry) => read(entry).length === 0
    }
    case 'In': {
      const read = readerOf(node.path, cx)
      const wanted = node.values.map((v) => operand(v))
      const any = (entry: Record<string, unknown>): boolean =>
        read(entry).some((value) => wanted.some((w) => looseEquals(value, w)))
      return node.negated ? (entry) => !any(entry) : any
    }
    case 'Comparison': {
      const read = readerOf(node.path, cx)
      const w = operand(node.value)
      const op = node.operator
      if (op === '!=') return (entry) => !read(entry).some((v) => looseEquals(v, w))
      if (op === 'not like') return (entry) => !read(entry).some((v) => foldCase(text(v)).includes(w.folded))
      const test = comparison(op, w)
      return (entry) => read(entry).some(test)
    }
    case 'Having':
      throw new UnsupportedCondition(
        `"object having" at position ${node.span.start} speaks of stored objects; a condition reads the entry's fields only`,
      )
    case 'TypeAndChildren':
      throw new UnsupportedCondition(
        `objectTypeAndChildren() at position ${node.span.start} speaks of stored objects; a condition reads the entry's fields only`,
      )
  }
}

interface Operand {
  text: string
  folded: string
  number: number | null
}

function operand(node: ValueNode): Operand {
  if (node.type === 'DateFunction')
    throw new UnsupportedCondition(
      `${node.name}() at position ${node.span.start}: a condition compares raw source values, not typed dates; compare with a literal instead`,
    )
  return {
    text: node.value,
    folded: foldCase(node.value),
    number: NUMERIC.test(node.value) ? Number(node.value) : null,
  }
}

function comparison(op: string, w: Operand): (value: unknown) => boolean {
  switch (op) {
    case '=':
      return (v) => looseEquals(v, w)
    case '==':
      return (v) => {
        const n = numberOf(v)
        return n !== null && w.number !== null ? n === w.number : text(v) === w.text
      }
    case 'like':
      return (v) => foldCase(text(v)).includes(w.folded)
    case 'startswith':
      return (v) => foldCase(text(v)).startsWith(w.folded)
    case 'endswith':
      return (v) => foldCase(text(v)).endsWith(w.folded)
    default: {
      const sign = (v: unknown): number => {
        const n = numberOf(v)
        if (n !== null && w.number !== null) return n === w.number ? 0 : n < w.number ? -1 : 1
        return compareCodePoints(text(v), w.text)
      }
      if (op === '<') return (v) => sign(v) < 0
      if (op === '<=') return (v) => sign(v) <= 0
      if (op === '>') return (v) => sign(v) > 0
      return (v) => sign(v) >= 0
    }
  }
}

function looseEquals(v: unknown, w: Operand): boolean {
  if (w.number !== null) {
    const n = numberOf(v)
    if (n !== null) return n === w.number
  }
  return foldCase(text(v)) === w.folded
}

function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  return typeof v === 'string' && NUMERIC.test(v) ? Number(v) : null
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : String(v)
}

/** The values a path reads: a locator (segments joined by dots), multi-values split, empties dropped. */
function readerOf(path: PathNode, cx: CompileContext): (entry: Record<string, unknown>) => unknown[] {
  const locator = path.segments
    .map((s) => (s.type === 'name' ? s.name : cx.source.slice(s.span.start, s.span.end)))
    .join('.')
  const read = cx.locator(locator)
  return (entry) => splitMultiValues(read(entry))
}
