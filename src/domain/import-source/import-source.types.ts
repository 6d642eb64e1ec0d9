/**
 * Import sources: the configured pipe from one outside system into one object schema. Pure types and constants;
 * the rules live next to them (settings.ts, schema-key.ts, config-status.ts).
 */
import type { EmptyValuesPolicy, UnknownValuesPolicy } from '../mapping/document.types.js'
import type { PrecedenceSetting } from '../provenance/precedence.js'

/** Every kind of source Intake knows; `sql`, `ldap` and `rest` cannot be created until their connectors arrive. */
export const IMPORT_SOURCE_TYPES = ['external', 'csv', 'json', 'xlsx', 'sql', 'ldap', 'rest'] as const
export type ImportSourceType = (typeof IMPORT_SOURCE_TYPES)[number]

/** The kinds that read a file (uploaded, or inside INTAKE_IMPORT_DIR) through their connector. */
export const FILE_IMPORT_SOURCE_TYPES = ['csv', 'json', 'xlsx'] as const
export type FileImportSourceType = (typeof FILE_IMPORT_SOURCE_TYPES)[number]

export function isFileSourceType(type: string): type is FileImportSourceType {
  return (FILE_IMPORT_SOURCE_TYPES as readonly string[]).includes(type)
}

/** The kinds that can be created today. */
export const AVAILABLE_IMPORT_SOURCE_TYPES: readonly ImportSourceType[] = [
  'external',
  ...FILE_IMPORT_SOURCE_TYPES,
]

/** Assets' `importSourceModuleKey` of each kind (`rlabs-import-type-…` where Assets has one). */
export const IMPORT_SOURCE_MODULE_KEYS: Readonly<Record<ImportSourceType, string>> = {
  external: 'rlabs-import-type-external',
  csv: 'rlabs-import-type-csv',
  json: 'rlabs-import-type-json',
  xlsx: 'intake-import-type-xlsx',
  sql: 'intake-import-type-sql',
  ldap: 'intake-import-type-ldap',
  rest: 'intake-import-type-rest',
}

/** Source-level settings; the mapping's per-object-type extensions override the `default…` ones. */
export interface ImportSourceSettings {
  /** Joins the values of several locators mapped to one attribute; `\s` stands for a space (as in Assets). */
  defaultConcatenator: string
  defaultHandleEmptyValues: EmptyValuesPolicy
  defaultHandleUnknownValues: UnknownValuesPolicy
  /** Default of an object type mapping's `matchIdentifierIgnoreCase`. */
  defaultMatchIdentifierIgnoreCase: boolean
  /** Java SimpleDateFormat pattern of date values; null = ISO 8601. */
  dateFormat: string | null
  /** Java SimpleDateFormat pattern of date-time values; null = ISO 8601. */
  dateTimeFormat: string | null
  /** IANA zone of date-times written without an offset. */
  zone: string
  /**
   * The mass-delete guard of the source (docs/mass-delete-guard.md); null: the workspace default applies (and
   * without one, nothing is guarded).
   */
  deleteGuard: DeleteGuardSetting | null
  /** Per-attribute precedence against other writers (docs/provenance.md); null = 0 everywhere, manual overwritten. */
  precedence: Partial<PrecedenceSetting> | null
}

/** A mass-delete guard: limits per object type of what one execution may remove or mark missing. */
export interface DeleteGuardSetting {
  /** 0–100: percent of the objects of a type the source owned before the execution. */
  maxPercent?: number
  /** Objects of a type. */
  maxObjects?: number
  /** Types of which the source owned fewer objects are not guarded (default 10). */
  minObjects?: number
}

export const DEFAULT_SETTINGS: Readonly<ImportSourceSettings> = Object.freeze({
  defaultConcatenator: ',',
  defaultHandleEmptyValues: 'IGNORE',
  defaultHandleUnknownValues: 'IGNORE',
  defaultMatchIdentifierIgnoreCase: false,
  dateFormat: null,
  dateTimeFormat: null,
  zone: 'UTC',
  deleteGuard: null,
  precedence: null,
})

export interface ImportSource {
  id: string
  workspaceId: string
  name: string
  description: string
  type: ImportSourceType
  /** The object schema the mapping created; null until a mapping was applied. */
  objectSchemaId: number | null
  settings: ImportSourceSettings
  config: Record<string, unknown>
  enabled: boolean
  /** 0 = no mapping yet; each applied PUT or PATCH that changes the document adds one. */
  mappingVersion: number
  mappingUpdatedAt: string | null
  created: string
  updated: string
}

/** What `configstatus` answers (RUNNING while an execution ingests or processes). */
export type ConfigStatus = 'IDLE' | 'DISABLED' | 'MISSING_MAPPING' | 'RUNNING'
