/**
 * Intake's value-shaping extensions of a mapping (seed 000 "Field Mapping": transformation, conditional logic,
 * default values). All optional: an attribute mapping or object type mapping without them means exactly what it
 * means to Assets. They are stored as submitted (only known members, validated) and GET answers them unchanged.
 *
 * Per attribute mapping, in this order for each entry:
 * 1. `conditionalValues`: the first `when` that matches the entry gives the value (used as written);
 * 2. otherwise the locators are read and `transformations` run over what they read, step by step;
 * 3. `defaultValue` replaces a result that is empty (nothing read, or transformed to nothing).
 * The emptyValues policy then treats a still empty value as before.
 * Per object type mapping, `condition` filters entries before they are mapped.
 */

/** A value written in the document: a scalar, or several for a multi-valued attribute. */
export type LiteralValue = string | number | boolean | (string | number | boolean)[]

export const TRANSFORMATION_TYPES = [
  'trim',
  'lower',
  'upper',
  'replace',
  'split',
  'join',
  'substring',
  'pad',
  'lookup',
  'number',
  'date',
  'template',
] as const
export type TransformationType = (typeof TRANSFORMATION_TYPES)[number]

export interface TrimStep {
  type: 'trim'
}
export interface CaseStep {
  type: 'lower' | 'upper'
}
export interface ReplaceStep {
  type: 'replace'
  /** Literal text, or a regular expression when `regex` is true. */
  find: string
  /** Default ''. With `regex`, `$1`… and `$<name>` insert groups. */
  replacement?: string
  regex?: boolean
  ignoreCase?: boolean
  /** Replace every occurrence (default) or only the first. */
  all?: boolean
}
export interface SplitStep {
  type: 'split'
  /** One text becomes several values (a multi-value). */
  separator: string
}
export interface JoinStep {
  type: 'join'
  /** Several values become one text. */
  separator: string
}
export interface SubstringStep {
  type: 'substring'
  /** In characters (code points); negative counts from the end. */
  start: number
  length?: number
}
export interface PadStep {
  type: 'pad'
  length: number
  /** One character; default a space. */
  fill?: string
  /** Default 'start'. */
  side?: 'start' | 'end'
}
export interface LookupStep {
  type: 'lookup'
  table: Record<string, string>
  /** The value for texts the table lacks; without it they pass unchanged. */
  fallback?: string
  ignoreCase?: boolean
}
export interface NumberStep {
  type: 'number'
  /** How the source writes the decimal point; default '.'. */
  decimalSeparator?: string
  /** Thousands separator the source uses, removed; default none. */
  groupSeparator?: string
  /** Round to this many decimals (0–15) and always write them. */
  decimals?: number
}
export interface DateStep {
  type: 'date'
  /** Java SimpleDateFormat pattern of the source text. */
  from: string
  /** Pattern to write; default ISO 8601 (a date, or an instant when `from` has a time of day). */
  to?: string
  /** IANA zone of times without an offset; default the import source's zone. */
  zone?: string
}
export interface TemplateStep {
  type: 'template'
  /** `{locator}` reads a field of the entry, `{}` is the value so far, `{{` and `}}` are literal braces. */
  template: string
}

export type TransformStep =
  | TrimStep
  | CaseStep
  | ReplaceStep
  | SplitStep
  | JoinStep
  | SubstringStep
  | PadStep
  | LookupStep
  | NumberStep
  | DateStep
  | TemplateStep

export interface ConditionalValue {
  /** A condition over the entry's fields (docs/mapping.md, "Conditions"). */
  when: string
  value: LiteralValue
}

/** The optional members an attribute mapping may carry. */
export interface AttributeShaping {
  defaultValue?: LiteralValue
  transformations?: TransformStep[]
  conditionalValues?: ConditionalValue[]
}

/** Limits that keep one entry's mapping inside the engine's per-entry budget. */
export const SHAPING_LIMITS = {
  steps: 20,
  conditionalValues: 50,
  lookupEntries: 10_000,
  padLength: 1000,
  /** Texts a regular-expression step reads at most (longer ones are reported, not matched). */
  regexInput: 1000,
  regexPattern: 500,
  conditionLength: 2000,
} as const
