import type { DateFunctionName, DateFunctionNode, OffsetTerm, OffsetUnit } from './ast.js'
import { AqlSyntaxError, AqlUnsupportedFunctionError } from './aql-errors.js'
import { DATE_FNS, SUPPORTED_FUNCTIONS } from './grammar.js'
import type { Token } from './lexer.js'
import type { TokenStream } from './token-stream.js'

const UNITS: ReadonlySet<string> = new Set<OffsetUnit>(['w', 'd', 'h', 'm', 's'])
const TERM = /([+-]?)(\d+)([A-Za-z]*)/y
const MAX_AMOUNT = 100_000
const EXPECTED = 'an offset such as -2h 15m (units w, d, h, m, s)'

/** Parses `name(offset?)` where `name` (the current token) is followed by `(`. */
export function parseDateFunction(t: TokenStream, token: Token): DateFunctionNode {
  const name = DATE_FNS.get(token.value.toLowerCase())
  if (name === undefined) {
    throw AqlUnsupportedFunctionError({
      position: token.start,
      found: token.value,
      expected: SUPPORTED_FUNCTIONS,
    })
  }
  t.advance()
  t.advance()
  const args: Token[] = []
  for (let next = t.peek(); next.type !== 'rparen'; next = t.peek()) {
    if (next.type !== 'word' && next.type !== 'string') t.fail(next, ['an offset such as -2h 15m', ')'])
    args.push(t.advance())
  }
  t.advance()
  return { type: 'DateFunction', name, offset: parseOffset(name, args), span: t.span(token.start) }
}

/**
 * Reads the argument of a date function, e.g. `-2h 15m`, `+1d`, `-1` (startOfDay(-1) = start of yesterday).
 * A sign applies to the term it stands before and to the unsigned terms after it, so `-2h 15m` is 2 hours and
 * 15 minutes ago and `-1d +2h` is 22 hours ago. A term without unit counts periods of the function (days for
 * startOfDay, weeks for startOfWeek…); now() needs units.
 */
export function parseOffset(fn: DateFunctionName, tokens: readonly Token[]): OffsetTerm[] {
  const terms: OffsetTerm[] = []
  let negative = false
  for (const token of tokens) {
    const text = token.value
    const fail = (hint: string): never => {
      throw AqlSyntaxError({ position: token.start, found: token.text, expected: [EXPECTED], hint })
    }
    if (text.trim() === '') fail('The offset is empty.')
    for (const part of text.trim().split(/\s+/u)) {
      TERM.lastIndex = 0
      while (TERM.lastIndex < part.length) {
        const match = TERM.exec(part)
        if (match === null) return fail(`"${part}" is not an offset.`)
        const [, sign, digits, unit] = match as unknown as [string, string, string, string]
        if (sign !== '') negative = sign === '-'
        if (unit !== '' && !UNITS.has(unit)) fail(`"${unit}" is not a unit; use w, d, h, m or s.`)
        if (unit === '' && fn === 'now') fail('now() needs a unit for each amount, as in now(-2h).')
        const magnitude = Number(digits)
        if (magnitude > MAX_AMOUNT) fail(`An offset amount is at most ${MAX_AMOUNT}.`)
        const amount = magnitude === 0 ? 0 : negative ? -magnitude : magnitude
        terms.push({ amount, unit: unit === '' ? null : (unit as OffsetUnit) })
      }
    }
  }
  return terms
}

/** The canonical text of an offset: every term with its sign, e.g. `-2h -15m`. */
export function printOffset(terms: readonly OffsetTerm[]): string {
  return terms.map((t) => `${t.amount < 0 ? '-' : '+'}${Math.abs(t.amount)}${t.unit ?? ''}`).join(' ')
}
