import type { AqlKeyword, DateFunctionName } from './ast.js'
import { AQL_KEYWORDS, DATE_FUNCTIONS } from './ast.js'

/** Word lists of the AQL grammar (see parser.ts); all matched case-insensitively. */

export const MAX_NESTING = 64

export const CONDITION_START = ['an attribute name', 'NOT', '(', 'object having']
export const OPERATORS =
  '=|==|!=|<|<=|>|>=|like|not like|in|not in|startswith|endswith|is EMPTY|is not EMPTY'.split('|')
export const AFTER_CONDITION_NESTED = ['AND', 'OR', ')']
export const REF_FUNCTIONS: Readonly<Record<string, 'inbound' | 'outbound'>> = {
  inboundreferences: 'inbound',
  inr: 'inbound',
  outboundreferences: 'outbound',
  outr: 'outbound',
}
/** Words that cannot start a bare attribute name (quote the name instead). */
export const RESERVED_AT_PATH_START: ReadonlySet<string> = new Set(
  'and or not in is like startswith endswith having empty asc desc by'.split(' '),
)
/** Everything the printer quotes when it is used as a name or value. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  [
    ...RESERVED_AT_PATH_START,
    'order',
    'object',
    'objecttypeandchildren',
    ...AQL_KEYWORDS,
    ...DATE_FUNCTIONS,
  ].map((w) => w.toLowerCase()),
)
export const KEYWORDS: ReadonlyMap<string, AqlKeyword> = new Map(
  AQL_KEYWORDS.map((k) => [k.toLowerCase(), k]),
)
export const DATE_FNS: ReadonlyMap<string, DateFunctionName> = new Map(
  DATE_FUNCTIONS.map((f) => [f.toLowerCase(), f]),
)
export const SUPPORTED_FUNCTIONS = DATE_FUNCTIONS.map((f) => `${f}()`)
