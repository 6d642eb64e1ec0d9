/**
 * Regular expressions of `replace` steps. JavaScript's RegExp backtracks and cannot be interrupted, and a step runs
 * for every entry of an import, so a pattern that could run away is refused when the mapping is written, and what
 * is left is bounded by the length of the text it may read:
 * - refused: backreferences (`\1`, `\k<name>`) and lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`), whose matching
 *   cost no simple rule bounds; a group repeated without bound (`*`, `+`, `{n,}`, more than 10 times) that itself
 *   contains a quantifier or an alternation (`(a+)+`, `(a|aa)*`: exponential backtracking; `(\d{1,3}\.){3}` is
 *   fine); more than two variable quantifiers (`*`, `+`, `{n,}`,
 *   `{n,m}`): each one raises the polynomial degree of the worst case (`.*.*.*x` on 1,000 characters ran 106 s);
 *   more than eight `?`.
 * - bounded: texts longer than `inputLimit` characters are reported as a problem of the entry, not matched. The
 *   limit follows the pattern's worst case (n^(q+1) steps for q variable quantifiers): 100,000 characters
 *   without one, 2,000 with one (`a*x` on 2,000 × `a`: 3 ms), 300 with two (`.*.*x` on 300 × `a`: 7 ms,
 *   `\w+\w+x`: 10 ms; measured on the shared 2-core machine).
 */

export type RegexCheck =
  { ok: true; regex: RegExp; inputLimit: number } | { ok: false; reason: string; position?: number }

const MAX_VARIABLE = 2
const MAX_OPTIONAL = 8
const MAX_FIXED_REPEAT = 10
const INPUT_LIMITS = [100_000, 2000, 300] as const

interface Group {
  quantified: boolean
  alternation: boolean
}

/** Checks and compiles a pattern; `flags` are the step's own ('g', 'i'); 'u' is always added. */
export function checkRegex(pattern: string, flags: string, maxPatternLength: number): RegexCheck {
  if (pattern.length > maxPatternLength)
    return { ok: false, reason: `the pattern is longer than ${maxPatternLength} characters` }
  let regex: RegExp
  try {
    regex = new RegExp(pattern, `${flags}u`)
  } catch (error) {
    return { ok: false, reason: `not a valid regular expression: ${(error as Error).message}` }
  }
  const scan = scanPattern(pattern)
  if (typeof scan === 'object' && 'reason' in scan) return { ok: false, ...scan }
  return { ok: true, regex, inputLimit: INPUT_LIMITS[scan]! }
}

/** Answers the number of variable quantifiers, or why the pattern is refused. */
function scanPattern(p: string): number | { reason: string; position: number } {
  const stack: Group[] = [{ quantified: false, alternation: false }]
  let variable = 0
  let optional = 0
  /** The group that just closed (the atom a following quantifier applies to), if the last atom was a group. */
  let closed: Group | null = null
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!
    const top = stack[stack.length - 1]!
    if (c === '\\') {
      const next = p[i + 1] ?? ''
      if (/[1-9]/.test(next) || next === 'k')
        return { reason: 'backreferences are not allowed (they can make matching run away)', position: i }
      if ((next === 'p' || next === 'P' || next === 'u' || next === 'x') && p[i + 2] === '{') {
        i = p.indexOf('}', i + 2)
      } else i++
      closed = null
      continue
    }
    if (c === '[') {
      i = classEnd(p, i)
      closed = null
      continue
    }
    if (c === '(') {
      if (
        p.startsWith('(?=', i) ||
        p.startsWith('(?!', i) ||
        p.startsWith('(?<=', i) ||
        p.startsWith('(?<!', i)
      )
        return { reason: 'lookahead and lookbehind are not allowed', position: i }
      stack.push({ quantified: false, alternation: false })
      closed = null
      continue
    }
    if (c === ')') {
      const group = stack.pop()!
      const parent = stack[stack.length - 1]!
      parent.quantified ||= group.quantified
      closed = group
      continue
    }
    if (c === '|') {
      top.alternation = true
      closed = null
      continue
    }
    const quantifier = readQuantifier(p, i)
    if (quantifier === null) {
      closed = null
      continue
    }
    // A group repeated a few times (`(\d{1,3}\.){3}`) stays bounded; repeated without bound it can explode.
    const repeated = quantifier.max > MAX_FIXED_REPEAT
    if (repeated && closed !== null && (closed.quantified || closed.alternation)) {
      return {
        reason:
          'nested repetition: a group repeated without bound (*, +, {n,} or over 10 times) must not hold a quantifier or an alternation',
        position: i,
      }
    }
    if (quantifier.max > quantifier.min && quantifier.max > 1) variable++
    else if (quantifier.max === 1 && quantifier.min === 0) optional++
    if (variable > MAX_VARIABLE)
      return {
        reason: `at most ${MAX_VARIABLE} open-ended quantifiers (*, +, {n,}, {n,m}) per pattern`,
        position: i,
      }
    if (optional > MAX_OPTIONAL) return { reason: `at most ${MAX_OPTIONAL} optional parts (?)`, position: i }
    if (quantifier.max > 1 || quantifier.min > 0) top.quantified = true
    i = quantifier.end - 1
    if (p[i + 1] === '?') i++ // lazy
    closed = null
  }
  return variable
}

function classEnd(p: string, start: number): number {
  for (let i = start + 1; i < p.length; i++) {
    if (p[i] === '\\') i++
    else if (p[i] === ']') return i
  }
  return p.length
}

function readQuantifier(p: string, i: number): { min: number; max: number; end: number } | null {
  const c = p[i]
  if (c === '*') return { min: 0, max: Infinity, end: i + 1 }
  if (c === '+') return { min: 1, max: Infinity, end: i + 1 }
  if (c === '?') return { min: 0, max: 1, end: i + 1 }
  if (c !== '{') return null
  const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i))
  if (!m) return null
  const min = Number(m[1])
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
  return { min, max, end: i + m[0].length }
}
