import type { BoundQuery } from './bound.js'
import type { CheckOptions } from './check.js'
import { checkAql } from './check.js'
import { parseAql } from './parser.js'

/** Parses and checks AQL text in one step: the bound query both evaluators take. */
export function prepareAql(text: string, options: CheckOptions): BoundQuery {
  return checkAql(parseAql(text), options)
}
