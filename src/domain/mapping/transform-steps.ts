/**
 * Compiles validated transformation steps into functions. Everything that can be prepared is prepared here, once
 * per execution: regular expressions, lookup maps, date formats, template parts and their locator readers. The
 * functions are pure; a value a step cannot read throws a `TransformFailure` (rare: the engine reports it as a
 * problem of the entry and drops the value, exactly like a value the attribute's type refuses).
 *
 * Values are what locators read: undefined / null (nothing), a scalar, or an array (a multi-value). Text steps
 * run on each value of an array and leave nothing as nothing; numbers and booleans are read as their text.
 */
import { DateTime } from 'luxon'
import type { LocatorCompiler } from './entry-condition.js'
import { compileDateFormat, translateDateFormat } from './simple-date-format.js'
import type { TransformStep } from './shaping.types.js'
import { SHAPING_LIMITS } from './shaping.types.js'
import { checkRegex } from './transform-regex.js'

export type StepFn = (value: unknown, entry: Record<string, unknown>) => unknown

export interface StepContext {
  /** Joins the values of a multi-valued field read by a template placeholder. */
  concatenator: string
  /** Default zone of date steps (the import source's). */
  zone: string | undefined
  locator: LocatorCompiler
}

export class TransformFailure extends Error {
  constructor(
    message: string,
    readonly value: unknown,
    /** 0-based index of the failed step in `transformations`, and its type; -1 / '' until known. */
    readonly step: number = -1,
    readonly stepType: string = '',
  ) {
    super(message)
  }
}

/** A step that maps each text to one text (most steps): consecutive ones are fused into one pass per value. */
type TextFn = (s: string) => string

type Compiled = { text: TextFn } | { value: StepFn }

/** Compiles one step; throws only for a step validation would have refused (never for stored documents). */
function compileOne(step: TransformStep, cx: StepContext): Compiled {
  switch (step.type) {
    case 'trim':
      return { text: (s) => s.trim() }
    case 'lower':
      return { text: (s) => s.toLowerCase() }
    case 'upper':
      return { text: (s) => s.toUpperCase() }
    case 'replace':
      return { text: compileReplace(step) }
    case 'split':
      return { value: compileSplit(step.separator) }
    case 'join':
      return { value: compileJoin(step.separator) }
    case 'substring':
      return { text: compileSubstring(step.start, step.length) }
    case 'pad':
      return { text: compilePad(step.length, step.fill ?? ' ', step.side ?? 'start') }
    case 'lookup':
      return { text: compileLookup(step.table, step.fallback, step.ignoreCase === true) }
    case 'number':
      return { value: compileNumber(step.decimalSeparator ?? '.', step.groupSeparator, step.decimals) }
    case 'date':
      return { value: compileDate(step.from, step.to, step.zone ?? cx.zone) }
    case 'template':
      return { value: compileTemplate(step.template, cx) }
  }
}

/** Applies `fn` to each text of a value; nothing stays nothing, objects and Dates pass unchanged. */
function eachText(fn: TextFn): StepFn {
  const one = (v: unknown): unknown => {
    if (typeof v === 'string') return fn(v)
    if (typeof v === 'number' || typeof v === 'boolean') return fn(String(v))
    return v
  }
  return (value) => (Array.isArray(value) ? value.map(one) : one(value))
}

function compileSplit(separator: string): StepFn {
  return (value) => {
    if (value === undefined || value === null) return value
    const out: unknown[] = []
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null) continue
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        out.push(...String(v).split(separator))
      else out.push(v)
    }
    return out
  }
}

function compileJoin(separator: string): StepFn {
  return (value) =>
    Array.isArray(value)
      ? value
          .filter((v) => v !== undefined && v !== null && v !== '')
          .map(String)
          .join(separator)
      : value
}

function compileReplace(step: Extract<TransformStep, { type: 'replace' }>): TextFn {
  const all = step.all !== false
  const replacement = step.replacement ?? ''
  const literal = (): string => replacement
  if (step.regex !== true && step.ignoreCase !== true) {
    const find = step.find
    return (s) => (!s.includes(find) ? s : all ? s.replaceAll(find, literal) : s.replace(find, literal))
  }
  const flags = `${all ? 'g' : ''}${step.ignoreCase === true ? 'i' : ''}`
  const pattern = step.regex === true ? step.find : escapeRegex(step.find)
  const checked = checkRegex(pattern, flags, SHAPING_LIMITS.regexPattern)
  if (!checked.ok) throw new Error(`replace: ${checked.reason}`)
  const { regex, inputLimit } = checked
  if (step.regex !== true) return (s) => s.replace(regex, literal)
  return (s) => {
    if (s.length > inputLimit)
      throw new TransformFailure(
        `the text is ${s.length} characters long; this pattern reads at most ${inputLimit}`,
        s,
      )
    return s.replace(regex, replacement)
  }
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}

const SURROGATE = /[\uD800-\uDFFF]/

function codePointLength(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length
}

function compileSubstring(start: number, length: number | undefined): TextFn {
  const cut = (chars: string[] | string): string => {
    const n = chars.length
    const from = start < 0 ? Math.max(0, n + start) : Math.min(start, n)
    const to = length === undefined ? n : Math.min(n, from + length)
    return typeof chars === 'string' ? chars.slice(from, to) : chars.slice(from, to).join('')
  }
  // Fast path: cut from the start, and the text has no more UTF-16 units (so no more characters) than it keeps.
  const whole = start === 0 ? (length ?? Infinity) : -1
  return (s) => (s.length <= whole ? s : SURROGATE.test(s) ? cut(Array.from(s)) : cut(s))
}

function compilePad(length: number, fill: string, side: 'start' | 'end'): TextFn {
  return (s) => {
    // Fast path: long enough even if every character were a surrogate pair.
    if (s.length >= 2 * length) return s
    const missing = length - codePointLength(s)
    if (missing <= 0) return s
    return side === 'start' ? fill.repeat(missing) + s : s + fill.repeat(missing)
  }
}

function compileLookup(
  table: Record<string, string>,
  fallback: string | undefined,
  ignoreCase: boolean,
): TextFn {
  const map = new Map<string, string>()
  for (const [key, value] of Object.entries(table)) {
    const k = ignoreCase ? key.toLowerCase() : key
    if (!map.has(k)) map.set(k, value)
  }
  return (s) => {
    if (s === '') return s
    const hit = map.get(ignoreCase ? s.toLowerCase() : s)
    return hit ?? fallback ?? s
  }
}

const CANONICAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function compileNumber(decimal: string, group: string | undefined, decimals: number | undefined): StepFn {
  return (value) => {
    const one = (v: unknown): unknown => {
      if (v === undefined || v === null) return v
      let n: number
      if (typeof v === 'number') n = v
      else if (typeof v === 'string') {
        let t = v.trim().replace(/\s/g, '')
        if (t === '') return ''
        if (group !== undefined) t = t.split(group).join('')
        if (decimal !== '.') t = t.split(decimal).join('.')
        if (!CANONICAL_NUMBER.test(t)) throw new TransformFailure(`"${v}" is not a number`, v)
        n = Number(t)
      } else return v
      if (!Number.isFinite(n)) throw new TransformFailure(`${String(v)} is not a finite number`, v)
      return decimals === undefined ? String(n) : n.toFixed(decimals)
    }
    return Array.isArray(value) ? value.map(one) : one(value)
  }
}

const TIME_LETTERS = /[HhmsSaKk]/

function compileDate(from: string, to: string | undefined, zone: string | undefined): StepFn {
  const input = compileDateFormat(from)
  if (!input.ok) throw new Error(`date: ${input.reason}`)
  const outFormat = to === undefined ? null : translateDateFormat(to)
  if (outFormat !== null && !outFormat.ok) throw new Error(`date: ${outFormat.reason}`)
  const withTime = TIME_LETTERS.test(from.replace(/'[^']*'/g, ''))
  const one = (v: unknown): unknown => {
    if (typeof v !== 'string') return v
    const text = v.trim()
    if (text === '') return text
    if (outFormat === null && !withTime) {
      const date = input.parseDate(text)
      if (date === null) throw new TransformFailure(`"${v}" does not match the date format ${from}`, v)
      return date
    }
    const instant = input.parse(text, zone)
    if (instant === null) throw new TransformFailure(`"${v}" does not match the date format ${from}`, v)
    if (outFormat === null) return instant.toISOString()
    return DateTime.fromJSDate(instant, { zone: zone ?? 'UTC' }).toFormat(outFormat.format)
  }
  return (value) => (Array.isArray(value) ? value.map(one) : one(value))
}

type TemplatePart = string | ((entry: Record<string, unknown>, value: unknown) => string)

/** `{locator}` reads a field, `{}` is the value so far, `{{` / `}}` are literal braces. */
export function parseTemplate(
  template: string,
): { parts: (string | { locator: string })[] } | { reason: string } {
  const parts: (string | { locator: string })[] = []
  let literal = ''
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      literal += c
      i++
      continue
    }
    if (c === '}') return { reason: `a "}" at position ${i} closes nothing (write "}}" for a literal brace)` }
    if (c !== '{') {
      literal += c
      continue
    }
    const end = template.indexOf('}', i + 1)
    if (end < 0)
      return { reason: `the "{" at position ${i} is never closed (write "{{" for a literal brace)` }
    const locator = template.slice(i + 1, end).trim()
    if (locator.includes('{')) return { reason: `a "{" inside the placeholder at position ${i}` }
    if (literal) parts.push(literal)
    literal = ''
    parts.push({ locator })
    i = end
  }
  if (literal) parts.push(literal)
  return { parts }
}

function compileTemplate(template: string, cx: StepContext): StepFn {
  const parsed = parseTemplate(template)
  if ('reason' in parsed) throw new Error(`template: ${parsed.reason}`)
  const textOf = (v: unknown): string => {
    if (v === undefined || v === null) return ''
    if (Array.isArray(v))
      return v
        .filter((x) => x !== undefined && x !== null && x !== '')
        .map(String)
        .join(cx.concatenator)
    return String(v)
  }
  const parts: TemplatePart[] = parsed.parts.map((part) => {
    if (typeof part === 'string') return part
    if (part.locator === '') return (_entry, value) => textOf(value)
    const read = cx.locator(part.locator)
    return (entry) => textOf(read(entry))
  })
  return (value, entry) => {
    let out = ''
    for (const part of parts) out += typeof part === 'string' ? part : part(entry, value)
    return out
  }
}

/**
 * The steps of one attribute as one function; a failure names the step (0-based) it happened in. Consecutive text
 * steps are fused, so each value is walked once through all of them (docs/benchmarks.md has the cost).
 */
export function compileSteps(steps: readonly TransformStep[], cx: StepContext): StepFn {
  const stages: StepFn[] = []
  let i = 0
  while (i < steps.length) {
    const first = i
    const compiled = compileOne(steps[i]!, cx)
    i++
    if ('value' in compiled) {
      stages.push(annotated(compiled.value, first, steps))
      continue
    }
    const texts: TextFn[] = [compiled.text]
    for (; i < steps.length; i++) {
      const next = compileOne(steps[i]!, cx)
      if (!('text' in next)) break
      texts.push(next.text)
    }
    // A value step that ended the run of text steps is compiled again next round (compiling is cheap and pure).
    stages.push(annotated(eachText(fuse(texts, first, steps)), first, steps))
  }
  if (stages.length === 1) return stages[0]!
  return (value, entry) => {
    for (let s = 0; s < stages.length; s++) value = stages[s]!(value, entry)
    return value
  }
}

/** Text steps in one function; a failure inside is annotated with the index of the step that failed. */
function fuse(texts: TextFn[], first: number, steps: readonly TransformStep[]): TextFn {
  if (texts.length === 1) return texts[0]!
  return (s) => {
    let j = 0
    try {
      for (; j < texts.length; j++) s = texts[j]!(s)
      return s
    } catch (error) {
      throw annotate(error, first + j, steps)
    }
  }
}

function annotated(fn: StepFn, index: number, steps: readonly TransformStep[]): StepFn {
  return (value, entry) => {
    try {
      return fn(value, entry)
    } catch (error) {
      throw annotate(error, index, steps)
    }
  }
}

function annotate(error: unknown, index: number, steps: readonly TransformStep[]): unknown {
  if (!(error instanceof TransformFailure) || error.step >= 0) return error
  return new TransformFailure(error.message, error.value, index, steps[index]!.type)
}
