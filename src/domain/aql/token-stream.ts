import { AqlNestingTooDeepError, AqlSyntaxError } from './aql-errors.js'
import type { Span } from './ast.js'
import { MAX_NESTING } from './grammar.js'
import type { Token } from './lexer.js'
import { Lexer } from './lexer.js'

/** The parser's view of the tokens: lookahead, spans, nesting depth and syntax errors. */
export class TokenStream {
  readonly #lexer: Lexer
  readonly #buffer: Token[] = []
  #lastEnd = 0
  #depth = 0

  constructor(source: string) {
    this.#lexer = new Lexer(source)
  }

  peek(ahead = 0): Token {
    while (this.#buffer.length <= ahead) this.#buffer.push(this.#lexer.next())
    return this.#buffer[ahead]!
  }

  advance(): Token {
    const token = this.peek()
    this.#buffer.shift()
    if (token.type !== 'end') this.#lastEnd = token.end
    return token
  }

  /** From `start` to the end of the last token consumed. */
  span(start: number): Span {
    return { start, end: this.#lastEnd }
  }

  expect(type: Token['type'], expected: string[]): Token {
    const token = this.peek()
    if (token.type !== type) this.fail(token, expected)
    return this.advance()
  }

  expectEnd(expected: string[]): void {
    const token = this.peek()
    if (token.type !== 'end') {
      this.fail(token, expected, token.type === 'rparen' ? 'This ) has no matching (.' : undefined)
    }
  }

  /** Runs `parse` one level deeper; `at` is where the level opens. */
  nested<T>(at: Token, parse: () => T): T {
    if (this.#depth >= MAX_NESTING) throw AqlNestingTooDeepError({ position: at.start, limit: MAX_NESTING })
    this.#depth++
    const result = parse()
    this.#depth--
    return result
  }

  fail(token: Token, expected: string[], hint?: string): never {
    const details = { position: token.start, found: token.text, expected }
    throw AqlSyntaxError(hint === undefined ? details : { ...details, hint })
  }
}
