/** Rules of import source settings, and how they combine with a mapping's per-object-type extensions. */
import type { FieldProblem } from '../errors.js'
import type {
  EmptyValuesPolicy,
  MissingObjectsSetting,
  NormalizedObjectTypeMapping,
  UnknownValuesPolicy,
} from '../mapping/document.types.js'
import {
  DEFAULT_MISSING_OBJECTS,
  EMPTY_VALUES_POLICIES,
  UNKNOWN_VALUES_POLICIES,
} from '../mapping/document.types.js'
import { compileDateFormat, isValidZone } from '../mapping/simple-date-format.js'
import { precedenceProblems, precedenceSetting } from '../provenance/precedence.js'
import { DEFAULT_SETTINGS, type ImportSourceSettings } from './import-source.types.js'

export const MAX_CONCATENATOR_LENGTH = 32

/**
 * Applies a partial settings change to `base` and checks the result: date formats must be Java SimpleDateFormat
 * patterns Intake can read, the zone an IANA zone. `null` for a format means ISO 8601.
 */
export function mergeSettings(
  base: ImportSourceSettings,
  change: Partial<ImportSourceSettings>,
  field = 'settings',
): { ok: true; settings: ImportSourceSettings } | { ok: false; problems: FieldProblem[] } {
  const settings: ImportSourceSettings = { ...base }
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof ImportSourceSettings)[]) {
    if (change[key] !== undefined) Object.assign(settings, { [key]: change[key] })
  }
  const problems: FieldProblem[] = []
  if (settings.defaultConcatenator.length > MAX_CONCATENATOR_LENGTH) {
    problems.push({
      field: `${field}.defaultConcatenator`,
      message: `must be at most ${MAX_CONCATENATOR_LENGTH} characters`,
      value: settings.defaultConcatenator,
    })
  }
  for (const key of ['dateFormat', 'dateTimeFormat'] as const) {
    const pattern = settings[key]
    if (pattern === null) continue
    const compiled =
      pattern.trim() === '' ? { ok: false as const, reason: 'it is empty' } : compileDateFormat(pattern)
    if (!compiled.ok) {
      problems.push({
        field: `${field}.${key}`,
        message: `must be a Java SimpleDateFormat pattern (such as yyyy-MM-dd), or null for ISO 8601: ${compiled.reason}`,
        value: pattern,
      })
    }
  }
  if (!isValidZone(settings.zone)) {
    problems.push({
      field: `${field}.zone`,
      message: 'must be an IANA time zone such as UTC or Europe/Berlin',
      value: settings.zone,
    })
  }
  const precedence = precedenceProblems(settings.precedence, `${field}.precedence`)
  problems.push(...precedence)
  if (settings.precedence && precedence.length === 0)
    settings.precedence = precedenceSetting(settings.precedence)
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings }
}

/** Reads stored settings; members the store lacks (written by an older version) take their defaults. */
export function settingsFromStored(value: unknown): ImportSourceSettings {
  const stored = typeof value === 'object' && value !== null ? (value as Partial<ImportSourceSettings>) : {}
  const settings: ImportSourceSettings = { ...DEFAULT_SETTINGS }
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof ImportSourceSettings)[]) {
    if (stored[key] !== undefined) Object.assign(settings, { [key]: stored[key] })
  }
  if (!(EMPTY_VALUES_POLICIES as readonly string[]).includes(settings.defaultHandleEmptyValues)) {
    settings.defaultHandleEmptyValues = DEFAULT_SETTINGS.defaultHandleEmptyValues
  }
  if (!(UNKNOWN_VALUES_POLICIES as readonly string[]).includes(settings.defaultHandleUnknownValues)) {
    settings.defaultHandleUnknownValues = DEFAULT_SETTINGS.defaultHandleUnknownValues
  }
  return settings
}

/** The text a concatenator setting stands for: surrounding double quotes dropped, `\s` read as a space. */
export function concatenatorText(setting: string): string {
  const unquoted =
    setting.length >= 2 && setting.startsWith('"') && setting.endsWith('"') ? setting.slice(1, -1) : setting
  return unquoted.replace(/\\s/g, ' ')
}

/** Everything the engine needs to run one object type mapping, with the source's defaults filled in. */
export interface EffectiveMappingOptions {
  concatenator: string
  emptyValues: EmptyValuesPolicy
  unknownValues: UnknownValuesPolicy
  matchIdentifierIgnoreCase: boolean
  missingObjects: MissingObjectsSetting
  selectorQlQuery: string | null
  disabled: boolean
  dateFormat: string | null
  dateTimeFormat: string | null
  zone: string
}

export function effectiveMappingOptions(
  mapping: NormalizedObjectTypeMapping,
  settings: ImportSourceSettings,
): EffectiveMappingOptions {
  return {
    concatenator: concatenatorText(settings.defaultConcatenator),
    emptyValues: mapping.emptyValues ?? settings.defaultHandleEmptyValues,
    unknownValues: mapping.unknownValues ?? settings.defaultHandleUnknownValues,
    matchIdentifierIgnoreCase: mapping.matchIdentifierIgnoreCase ?? settings.defaultMatchIdentifierIgnoreCase,
    missingObjects: mapping.missingObjects ?? { ...DEFAULT_MISSING_OBJECTS },
    selectorQlQuery: mapping.selectorQlQuery,
    disabled: mapping.disabled,
    dateFormat: settings.dateFormat,
    dateTimeFormat: settings.dateTimeFormat,
    zone: settings.zone,
  }
}
