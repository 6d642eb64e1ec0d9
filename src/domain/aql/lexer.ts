import { AqlSyntaxError } from './aql-errors.js'

/**
 * Splits AQL text into tokens, one at a time, so that the parser reports the first problem in reading order.
 *
 * - Strings are quoted with `"`; a backslash takes the next character literally (`\"` is ", `\\` is \, `\n` is
 *   n), so `"C:\\temp"` is C:\temp. Raw line breaks are allowed inside strings. A single quote is an ordinary
 *   character (`O'Brien` is one word).
 * - A word is a run of characters other than whitespace, `" ( ) , = ! < >` and `.`; a dot
 *   belongs to a word only between two word characters, so `10.5` and `Department.Name` are one word (the parser
 *   splits paths on their dots) while `"Department".Name` is string, dot, word.
 * - Operators: `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`.
 */

export type TokenType = 'word' | 'string' | 'lparen' | 'rparen' | 'comma' | 'dot' | 'operator' | 'end'

export interface Token {
  readonly type: TokenType
  /** Decoded content: the word, the unescaped string, the operator; '' at the end. */
  readonly value: string
  /** The source text of the token ('end of query' at the end). */
  readonly text: string
  readonly start: number
  readonly end: number
}

export const END_OF_QUERY = 'end of query'

const SINGLE: Readonly<Record<string, TokenType>> = { '(': 'lparen', ')': 'rparen', ',': 'comma', '.': 'dot' }
const DELIMITERS = new Set(['(', ')', ',', '=', '!', '<', '>', '"'])

const isSpace = (ch: string): boolean => /\s/u.test(ch)

const isWordChar = (ch: string | undefined): boolean =>
  ch !== undefined && ch !== '.' && !DELIMITERS.has(ch) && !isSpace(ch)

export class Lexer {
  readonly #source: string
  #index = 0

  constructor(source: string) {
    this.#source = source
  }

  next(): Token {
    const src = this.#source
    while (this.#index < src.length && isSpace(src[this.#index]!)) this.#index++
    const start = this.#index
    const ch = src[start]
    if (ch === undefined) return { type: 'end', value: '', text: END_OF_QUERY, start, end: start }
    const single = SINGLE[ch]
    if (single !== undefined) return this.#take(single, ch, start + 1)
    if (ch === '"') return this.#string(start)
    if (ch === '=' || ch === '<' || ch === '>' || ch === '!') return this.#operator(ch, start)
    let end = start
    while (end < src.length) {
      const c = src[end]
      if (isWordChar(c)) end++
      else if (c === '.' && end > start && isWordChar(src[end + 1])) end++
      else break
    }
    return this.#take('word', src.slice(start, end), end)
  }

  #take(type: TokenType, value: string, end: number): Token {
    const start = this.#index
    this.#index = end
    return { type, value, text: this.#source.slice(start, end), start, end }
  }

  #operator(ch: string, start: number): Token {
    const twoChar = this.#source[start + 1] === '='
    if (ch === '!' && !twoChar) {
      throw AqlSyntaxError({ position: start, found: '!', expected: ['!='] })
    }
    return twoChar ? this.#take('operator', `${ch}=`, start + 2) : this.#take('operator', ch, start + 1)
  }

  #string(start: number): Token {
    const src = this.#source
    let value = ''
    let i = start + 1
    while (i < src.length) {
      const c = src[i]!
      if (c === '"') {
        this.#index = i + 1
        return { type: 'string', value, text: src.slice(start, i + 1), start, end: i + 1 }
      }
      if (c === '\\') {
        const escaped = src[i + 1]
        if (escaped === undefined) break
        value += escaped
        i += 2
        continue
      }
      value += c
      i++
    }
    throw AqlSyntaxError({
      position: src.length,
      found: END_OF_QUERY,
      expected: ['a closing "'],
      hint: `The quoted text that starts at position ${start} is never closed.`,
    })
  }
}
