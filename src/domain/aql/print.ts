import type { ExprNode, PathNode, PathSegment, QueryNode, ValueNode } from './ast.js'
import { printOffset } from './date-offset.js'
import { RESERVED_WORDS } from './grammar.js'

/**
 * Prints a syntax tree as canonical AQL text: `parseAql(printAql(ast))` gives back the same tree (spans aside).
 * Keywords are printed in their documented spelling, operator words in lower case, AND/OR/NOT in upper case;
 * names and values are quoted whenever a bare word would read differently. And/Or inside And/Or are parenthesised.
 */
export function printAql(query: QueryNode): string {
  const where = printExpr(query.where)
  if (query.orderBy === null) return where
  const direction = query.orderBy.direction === 'desc' ? ' desc' : ''
  return `${where} order by ${printPath(query.orderBy.path)}${direction}`
}

/** Escapes a value for the inside of an AQL string: `\` and `"` get a backslash. */
export function escapeAqlString(value: string): string {
  return value.replace(/[\\"]/gu, '\\$&')
}

/** A double-quoted AQL string that reads back as exactly `value`, whatever it contains. */
export function quoteAql(value: string): string {
  return `"${escapeAqlString(value)}"`
}

const SAFE_WORD = /^[\p{L}\p{N}_\-+:@/#*&%]+$/u
const SAFE_VALUE = /^[\p{L}\p{N}_\-+:@/#*&%]+(?:\.[\p{L}\p{N}_\-+:@/#*&%]+)*$/u
const bare = (text: string, pattern: RegExp): boolean =>
  pattern.test(text) && !RESERVED_WORDS.has(text.toLowerCase())

export function printPath(path: PathNode): string {
  return path.segments.map(printSegment).join('.')
}

function printSegment(segment: PathSegment): string {
  if (segment.type === 'keyword') return segment.keyword
  return bare(segment.name, SAFE_WORD) ? segment.name : quoteAql(segment.name)
}

export function printValue(value: ValueNode): string {
  if (value.type === 'DateFunction') return `${value.name}(${printOffset(value.offset)})`
  return bare(value.value, SAFE_VALUE) ? value.value : quoteAql(value.value)
}

function group(expr: ExprNode): string {
  const text = printExpr(expr)
  return expr.type === 'And' || expr.type === 'Or' ? `(${text})` : text
}

export function printExpr(expr: ExprNode): string {
  switch (expr.type) {
    case 'And':
      return expr.operands.map(group).join(' AND ')
    case 'Or':
      return expr.operands.map(group).join(' OR ')
    case 'Not':
      return `NOT ${group(expr.operand)}`
    case 'Comparison':
      return `${printPath(expr.path)} ${expr.operator} ${printValue(expr.value)}`
    case 'In':
      return `${printPath(expr.path)} ${expr.negated ? 'not in' : 'in'} (${expr.values.map(printValue).join(', ')})`
    case 'Empty':
      return `${printPath(expr.path)} is ${expr.negated ? 'not EMPTY' : 'EMPTY'}`
    case 'TypeAndChildren': {
      const target = printValue(expr.target)
      return `${printPath(expr.path)} ${expr.negated ? 'not in' : 'in'} objectTypeAndChildren(${target})`
    }
    case 'Having': {
      const fn = expr.direction === 'inbound' ? 'inboundReferences' : 'outboundReferences'
      const inner = expr.query === null ? '' : printExpr(expr.query)
      return `object ${expr.negated ? 'not having' : 'having'} ${fn}(${inner})`
    }
  }
}
