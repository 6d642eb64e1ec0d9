/**
 * Per-attribute precedence between writers of an object (the ServiceNow IRE idea, docs/provenance.md). Pure rules:
 * the engine asks `mayOverwrite` only for attributes whose current value another origin wrote.
 */
import type { FieldProblem } from '../errors.js'

/** An import source's `precedence` setting. */
export interface PrecedenceSetting {
  /** Precedence of every attribute the `attributes` map does not name. */
  default: number
  /** `"<ObjectTypeName>.<attributeName>"` (case-insensitive) or an attribute id → precedence. */
  attributes: Record<string, number>
  /** Whether values last written through the object API ("manual") are overwritten (Assets' behaviour). */
  overwriteManual: boolean
  /**
   * Import sources whose objects this source updates when the identity matches (same type, same externalIdPart
   * values) and it owns no object of that identity itself. The objects stay owned by their creator.
   */
  matchObjectsOf: string[]
}

export const DEFAULT_PRECEDENCE: Readonly<PrecedenceSetting> = Object.freeze({
  default: 0,
  attributes: Object.freeze({}) as Record<string, number>,
  overwriteManual: true,
  matchObjectsOf: Object.freeze([]) as unknown as string[],
})

export const PRECEDENCE_LIMIT = 1_000_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The setting with its defaults filled in (null or a partial stored value). */
export function precedenceSetting(value: Partial<PrecedenceSetting> | null | undefined): PrecedenceSetting {
  return {
    default: value?.default ?? DEFAULT_PRECEDENCE.default,
    attributes: value?.attributes ?? {},
    overwriteManual: value?.overwriteManual ?? DEFAULT_PRECEDENCE.overwriteManual,
    matchObjectsOf: value?.matchObjectsOf ?? [],
  }
}

/** Problems of a `precedence` setting, each naming its field. */
export function precedenceProblems(value: unknown, field: string): FieldProblem[] {
  if (value === null || value === undefined) return []
  if (typeof value !== 'object' || Array.isArray(value))
    return [{ field, message: 'must be an object or null', value }]
  const v = value as Record<string, unknown>
  const problems: FieldProblem[] = []
  const rank = (x: unknown, f: string): void => {
    if (typeof x !== 'number' || !Number.isInteger(x) || Math.abs(x) > PRECEDENCE_LIMIT)
      problems.push({
        field: f,
        message: `must be an integer between -${PRECEDENCE_LIMIT} and ${PRECEDENCE_LIMIT}`,
        value: x,
      })
  }
  for (const key of Object.keys(v)) {
    if (!['default', 'attributes', 'overwriteManual', 'matchObjectsOf'].includes(key))
      problems.push({
        field: `${field}.${key}`,
        message: 'is not a precedence member (default, attributes, overwriteManual, matchObjectsOf)',
      })
  }
  if (v.default !== undefined) rank(v.default, `${field}.default`)
  if (v.overwriteManual !== undefined && typeof v.overwriteManual !== 'boolean')
    problems.push({
      field: `${field}.overwriteManual`,
      message: 'must be true or false',
      value: v.overwriteManual,
    })
  if (v.attributes !== undefined) {
    if (typeof v.attributes !== 'object' || v.attributes === null || Array.isArray(v.attributes))
      problems.push({
        field: `${field}.attributes`,
        message: 'must be an object of attribute → integer',
        value: v.attributes,
      })
    else
      for (const [key, n] of Object.entries(v.attributes as Record<string, unknown>)) {
        if (!isAttributeKey(key))
          problems.push({
            field: `${field}.attributes`,
            message: `"${key}" must be "<ObjectTypeName>.<attributeName>" or an attribute id`,
            value: key,
          })
        rank(n, `${field}.attributes.${key}`)
      }
  }
  if (v.matchObjectsOf !== undefined) {
    if (
      !Array.isArray(v.matchObjectsOf) ||
      v.matchObjectsOf.some((s) => typeof s !== 'string' || !UUID.test(s))
    )
      problems.push({
        field: `${field}.matchObjectsOf`,
        message: 'must be an array of import source ids (UUIDs)',
        value: v.matchObjectsOf,
      })
  }
  return problems
}

function isAttributeKey(key: string): boolean {
  if (/^[0-9]{1,15}$/.test(key)) return true
  const dot = key.indexOf('.')
  return dot > 0 && dot < key.length - 1
}

/** The precedence a setting gives one attribute of one object type. */
export function precedenceOf(
  setting: PrecedenceSetting,
  typeName: string,
  attribute: { id: number; name: string },
): number {
  const byId = setting.attributes[String(attribute.id)]
  if (byId !== undefined) return byId
  const wanted = `${typeName}.${attribute.name}`.toLowerCase()
  for (const [key, n] of Object.entries(setting.attributes)) if (key.toLowerCase() === wanted) return n
  return setting.default
}

/** Who wrote the current value of an attribute, as the rule sees it. */
export type CurrentWriter =
  | { kind: 'self' }
  | { kind: 'manual' }
  | { kind: 'source'; sourceId: string; name?: string; precedence: PrecedenceSetting }

export type OverwriteDecision =
  | { overwrite: true }
  | { overwrite: false; reason: 'manual' }
  | { overwrite: false; reason: 'precedence'; theirs: number; ours: number }

/**
 * Whether source S (`own`) may change an attribute whose current value `writer` wrote: always when S wrote it;
 * a manual value only when S.overwriteManual; another source's unless that source's precedence for the attribute
 * is higher than S's (equal: the last writer wins).
 */
export function mayOverwrite(
  writer: CurrentWriter,
  own: PrecedenceSetting,
  typeName: string,
  attribute: { id: number; name: string },
): OverwriteDecision {
  if (writer.kind === 'self') return { overwrite: true }
  if (writer.kind === 'manual')
    return own.overwriteManual ? { overwrite: true } : { overwrite: false, reason: 'manual' }
  const theirs = precedenceOf(writer.precedence, typeName, attribute)
  const ours = precedenceOf(own, typeName, attribute)
  return theirs > ours ? { overwrite: false, reason: 'precedence', theirs, ours } : { overwrite: true }
}
