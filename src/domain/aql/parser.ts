import type {
  ComparisonOperator,
  ExprNode,
  HavingNode,
  LiteralNode,
  OrderByNode,
  PathNode,
  PathSegment,
  QueryNode,
  TypeAndChildrenNode,
  ValueNode,
} from './ast.js'
import { parseDateFunction } from './date-offset.js'
import {
  AFTER_CONDITION_NESTED,
  CONDITION_START,
  KEYWORDS,
  OPERATORS,
  REF_FUNCTIONS,
  RESERVED_AT_PATH_START,
} from './grammar.js'
import type { Token } from './lexer.js'
import { TokenStream } from './token-stream.js'

/**
 * Recursive-descent parser for AQL. The grammar (keywords and function names case-insensitive):
 *
 *   query     := orExpr [ "order" "by" path [ "asc" | "desc" ] ]
 *   orExpr    := andExpr ( "OR" andExpr )*
 *   andExpr   := unary ( "AND" unary )*
 *   unary     := "NOT" unary | "(" orExpr ")" | cond
 *   cond      := "object" ["not"] "having" refFn "(" [ orExpr ] ")"
 *              | path ( "=" | "!=" ) typeFn | path ["not"] "in" ( typeFn | "(" [ value ( "," value )* ] ")" )
 *              | path "is" ["not"] "EMPTY" | path op value
 *   refFn     := "inboundReferences" | "inR" | "outboundReferences" | "outR"
 *   typeFn    := "objectTypeAndChildren" "(" (word | string) ")"
 *   path      := term ( "." term )*          term := word | string
 *   op        := "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "like" | "not like" | "startswith" | "endswith"
 *   value     := word | string | dateFn "(" offset? ")"
 *
 * Differences from the reference grammar: NOT may repeat; `in ()` may be empty so that an import placeholder for
 * a locator without values still parses (it matches nothing); the reference functions take one query only.
 * A bare first path word that is an operator word (AND, OR, in, is, like…) must be quoted to name an attribute.
 */
export function parseAql(source: string): QueryNode {
  return new Parser(source).parseQuery()
}

const lower = (t: Token): string => (t.type === 'word' ? t.value.toLowerCase() : '')

class Parser {
  readonly #t: TokenStream

  constructor(source: string) {
    this.#t = new TokenStream(source)
  }

  parseQuery(): QueryNode {
    const first = this.#t.peek()
    if (first.type === 'end') this.#t.fail(first, ['a condition'], 'The query is empty.')
    const where = this.#parseOr()
    let orderBy: OrderByNode | null = null
    if (this.#isOrderBy()) orderBy = this.#parseOrderBy()
    else this.#t.expectEnd(['AND', 'OR', 'order by', 'end of query'])
    return { type: 'Query', where, orderBy, span: this.#t.span(first.start) }
  }

  #parseOrderBy(): OrderByNode {
    const start = this.#t.advance().start
    this.#t.advance()
    const path = this.#parsePath()
    const direction = lower(this.#t.peek())
    if (direction === 'asc' || direction === 'desc') {
      this.#t.advance()
      this.#t.expectEnd(['end of query'])
      return { type: 'OrderBy', path, direction, span: this.#t.span(start) }
    }
    this.#t.expectEnd(['asc', 'desc', 'end of query'])
    return { type: 'OrderBy', path, direction: 'asc', span: this.#t.span(start) }
  }

  #parseOr(): ExprNode {
    const start = this.#t.peek().start
    const operands = [this.#parseAnd()]
    while (lower(this.#t.peek()) === 'or') {
      this.#t.advance()
      operands.push(this.#parseAnd())
    }
    return operands.length === 1 ? operands[0]! : { type: 'Or', operands, span: this.#t.span(start) }
  }

  #parseAnd(): ExprNode {
    const start = this.#t.peek().start
    const operands = [this.#parseUnary()]
    while (lower(this.#t.peek()) === 'and') {
      this.#t.advance()
      operands.push(this.#parseUnary())
    }
    return operands.length === 1 ? operands[0]! : { type: 'And', operands, span: this.#t.span(start) }
  }

  #parseUnary(): ExprNode {
    const token = this.#t.peek()
    if (lower(token) === 'not') {
      this.#t.advance()
      const operand = this.#t.nested(token, () => this.#parseUnary())
      return { type: 'Not', operand, span: this.#t.span(token.start) }
    }
    if (token.type === 'lparen') {
      this.#t.advance()
      const inner = this.#t.nested(token, () => this.#parseOr())
      this.#t.expect('rparen', AFTER_CONDITION_NESTED)
      return inner
    }
    return this.#parseCondition()
  }

  #parseCondition(): ExprNode {
    const token = this.#t.peek()
    if (lower(token) === 'object') {
      const next = lower(this.#t.peek(1))
      if (next === 'having' || (next === 'not' && lower(this.#t.peek(2)) === 'having'))
        return this.#parseHaving()
    }
    const reserved = RESERVED_AT_PATH_START.has(lower(token))
    const orderBy = lower(token) === 'order' && lower(this.#t.peek(1)) === 'by'
    if ((token.type !== 'word' && token.type !== 'string') || reserved || orderBy) {
      this.#t.fail(token, CONDITION_START, reserved ? 'Quote a name that is also an AQL word.' : undefined)
    }
    const path = this.#parsePath()
    const op = this.#t.peek()
    const word = lower(op)
    if (op.type === 'operator') {
      this.#t.advance()
      if ((op.value === '=' || op.value === '!=') && this.#isTypeFunction()) {
        return this.#parseTypeFunction(path, op.value === '!=')
      }
      return this.#comparison(path, op.value as ComparisonOperator)
    }
    if (word === 'like' || word === 'startswith' || word === 'endswith') {
      this.#t.advance()
      return this.#comparison(path, word)
    }
    if (word === 'in') {
      this.#t.advance()
      return this.#parseInTail(path, false)
    }
    if (word === 'not') {
      this.#t.advance()
      const after = this.#t.peek()
      if (lower(after) === 'like') {
        this.#t.advance()
        return this.#comparison(path, 'not like')
      }
      if (lower(after) === 'in') {
        this.#t.advance()
        return this.#parseInTail(path, true)
      }
      this.#t.fail(after, ['like', 'in'])
    }
    if (word === 'is') {
      this.#t.advance()
      const negated = lower(this.#t.peek()) === 'not'
      if (negated) this.#t.advance()
      const empty = this.#t.peek()
      if (lower(empty) !== 'empty') this.#t.fail(empty, negated ? ['EMPTY'] : ['EMPTY', 'not EMPTY'])
      this.#t.advance()
      return { type: 'Empty', path, negated, span: this.#t.span(path.span.start) }
    }
    return this.#t.fail(op, OPERATORS)
  }

  #comparison(path: PathNode, operator: ComparisonOperator): ExprNode {
    const value = this.#parseValue()
    return { type: 'Comparison', path, operator, value, span: this.#t.span(path.span.start) }
  }

  #parseInTail(path: PathNode, negated: boolean): ExprNode {
    if (this.#isTypeFunction()) return this.#parseTypeFunction(path, negated)
    if (this.#t.peek().type !== 'lparen') this.#t.fail(this.#t.peek(), ['(', 'objectTypeAndChildren(…)'])
    this.#t.advance()
    const values: ValueNode[] = []
    if (this.#t.peek().type === 'rparen') this.#t.advance()
    else {
      for (;;) {
        values.push(this.#parseValue())
        const next = this.#t.advance()
        if (next.type === 'rparen') break
        if (next.type !== 'comma') this.#t.fail(next, [',', ')'])
      }
    }
    return { type: 'In', path, negated, values, span: this.#t.span(path.span.start) }
  }

  #isTypeFunction(): boolean {
    return lower(this.#t.peek()) === 'objecttypeandchildren' && this.#t.peek(1).type === 'lparen'
  }

  #parseTypeFunction(path: PathNode, negated: boolean): TypeAndChildrenNode {
    this.#t.advance()
    this.#t.advance()
    const arg = this.#t.peek()
    if (arg.type !== 'word' && arg.type !== 'string') this.#t.fail(arg, ['an object type name or id'])
    this.#t.advance()
    const target: LiteralNode = {
      type: 'Literal',
      value: arg.value,
      span: { start: arg.start, end: arg.end },
    }
    this.#t.expect('rparen', [')'])
    return { type: 'TypeAndChildren', path, negated, target, span: this.#t.span(path.span.start) }
  }

  #parseHaving(): HavingNode {
    const start = this.#t.advance()
    const negated = lower(this.#t.peek()) === 'not'
    if (negated) this.#t.advance()
    this.#t.advance()
    const fn = this.#t.peek()
    const direction = REF_FUNCTIONS[lower(fn)]
    if (direction === undefined || this.#t.peek(1).type !== 'lparen') {
      const names = ['inboundReferences(…)', 'outboundReferences(…)', 'inR(…)', 'outR(…)']
      return this.#t.fail(
        direction === undefined ? fn : this.#t.peek(1),
        direction === undefined ? names : ['('],
      )
    }
    this.#t.advance()
    const open = this.#t.advance()
    let query: ExprNode | null = null
    if (this.#t.peek().type === 'rparen') this.#t.advance()
    else {
      query = this.#t.nested(open, () => this.#parseOr())
      const close = this.#t.peek()
      if (close.type !== 'rparen') {
        const hint = close.type === 'comma' ? 'Filtering by reference type is not supported.' : undefined
        this.#t.fail(close, AFTER_CONDITION_NESTED, hint)
      }
      this.#t.advance()
    }
    return { type: 'Having', negated, direction, query, span: this.#t.span(start.start) }
  }

  #parsePath(): PathNode {
    const start = this.#t.peek().start
    const segments: PathSegment[] = []
    this.#pushTerm(segments, this.#t.peek())
    while (this.#t.peek().type === 'dot') {
      this.#t.advance()
      const term = this.#t.peek()
      if (term.type !== 'word' && term.type !== 'string') this.#t.fail(term, ['an attribute name after "."'])
      this.#pushTerm(segments, term)
    }
    return { type: 'Path', segments, span: this.#t.span(start) }
  }

  #pushTerm(segments: PathSegment[], token: Token): void {
    if (token.type !== 'word' && token.type !== 'string') this.#t.fail(token, ['an attribute name'])
    this.#t.advance()
    if (token.type === 'string') {
      segments.push({ type: 'name', name: token.value, span: { start: token.start, end: token.end } })
      return
    }
    let offset = token.start
    for (const part of token.value.split('.')) {
      const span = { start: offset, end: offset + part.length }
      const keyword = KEYWORDS.get(part.toLowerCase())
      segments.push(
        keyword === undefined ? { type: 'name', name: part, span } : { type: 'keyword', keyword, span },
      )
      offset += part.length + 1
    }
  }

  #parseValue(): ValueNode {
    const token = this.#t.peek()
    if (token.type === 'word' && this.#t.peek(1).type === 'lparen') return parseDateFunction(this.#t, token)
    if (token.type !== 'word' && token.type !== 'string') this.#t.fail(token, ['a value'])
    this.#t.advance()
    return { type: 'Literal', value: token.value, span: { start: token.start, end: token.end } }
  }

  #isOrderBy(): boolean {
    return lower(this.#t.peek()) === 'order' && lower(this.#t.peek(1)) === 'by'
  }
}
