/** The API's resources as the console reads them (docs/openapi.json). */
export interface ImportSource {
  id: string
  name: string
  description: string
  type: string
  enabled: boolean
  configStatus: string
  config: Record<string, unknown>
  mappingVersion: number
  mappingUpdated: string | null
  objectSchemaId?: string
  defaultConcatenator: string
  defaultHandleEmptyValues: string
  defaultHandleUnknownValues: string
  defaultMatchIdentifierIgnoreCase: boolean
  dateFormat?: string | null
  dateTimeFormat?: string | null
  zone: string
  scheduledImportDetails?: {
    importScheduleId: string
    nextScheduledTime: string | null
    runFrequency: string
  }
}

export interface Counters {
  entriesInSource: number
  objectsCreated: number
  objectsUpdated: number
  objectsIdentical: number
  objectsMissingUpdated: number
  objectsMissingDeleted: number
  duplicateEnries: number
  emptyLabelEntries: number
  emptyExternalIdEntries: number
  objectsFilteredWithQlQuery: number
  entriesFilteredByCondition: number
  objectsWithUpdatedReferences: number
}

export interface Execution {
  id: string
  importSourceId: string
  status: string
  scheduled: boolean
  dryRun: boolean
  created: string
  started: string | null
  finished: string | null
  failureReason: string | null
  counters: Counters | null
}

export interface TypeResult extends Counters {
  objectTypeName: string
  objectTypeId: number
  readExternalDataTimeInMs: number
  mapExternalDataTimeInMs: number
  qlQueryFilteringTimeInMs: number
  decidingActionsTimeInMs: number
  writeInsightDataTimeInMs: number
  postFunctionTimeInMs: number
  executionTimeInMs: number
  entriesWithProblems?: number
  entriesSkipped?: number
}

export interface PlannedChange {
  operation: string
  objectKey: string | null
  identity: string
  differences: Record<string, { before: unknown; after: unknown }>
}

export interface ProgressResult {
  result?: string
  status?: string
  objectTypeResultMap?: Record<string, TypeResult>
  dryRun?: boolean
  problemCount?: number
  plan?: Record<string, PlannedChange[]>
  errorMessages?: unknown
  engineProgress?: { phase: string; entriesRead: number; objectsWritten: number }
}

export interface ExecutionStatus {
  executionId: string
  status: string
  progressResult: ProgressResult | null
}

export interface Progress {
  progressInPercent: number
  status: string
  stepDescription: string
  currentStep: number
  numberOfSteps: number
  currentWorkDescription: string
  currentWorkUnits: number
  totalWorkUnits: number
  startDate: string | null
  endDate: string | null
  executionUUID: string
}

export interface Problem {
  seq: number
  objectTypeId: number | null
  location: string
  code: string
  message: string
  attribute: string | null
  value: string | null
}

/** Source types Intake has, with what a person needs to know to pick one. */
export const SOURCE_TYPES: { type: string; label: string; help: string }[] = [
  { type: 'csv', label: 'CSV file', help: 'Upload a comma (or other) separated file' },
  { type: 'xlsx', label: 'Excel workbook', help: 'Upload an .xlsx file; one sheet is read' },
  { type: 'json', label: 'JSON file', help: 'An object whose top-level arrays are the roots' },
  { type: 'sql', label: 'Database', help: 'PostgreSQL, MySQL/MariaDB or SQLite tables and queries' },
  { type: 'ldap', label: 'LDAP directory', help: 'Entries of an LDAP directory or Active Directory' },
  { type: 'rest', label: 'REST endpoint', help: 'JSON records from HTTP endpoints, with paging' },
  { type: 'external', label: 'External (push)', help: 'A client pushes data through the import API' },
]

export const FILE_TYPES = new Set(['csv', 'json', 'xlsx'])

/** A starting configuration per type, shown in the configuration editor (docs/sources.md). */
export const CONFIG_TEMPLATES: Record<string, Record<string, unknown>> = {
  csv: { delimiter: ',', quoteChar: '"', encoding: 'utf-8', multiValueSeparator: '||' },
  xlsx: { headerRow: 1 },
  json: {},
  sql: {
    driver: 'postgres',
    host: 'db.example.org',
    port: 5432,
    database: 'inventory',
    user: 'reader',
    roots: { hosts: { table: 'public.hosts' } },
  },
  ldap: {
    url: 'ldap://ldap.example.org:389',
    baseDn: 'dc=example,dc=org',
    roots: { users: { filter: '(objectClass=person)' } },
  },
  rest: {
    baseUrl: 'https://api.example.org/v1',
    endpoints: { devices: { path: 'devices', records: 'items' } },
  },
  external: {},
}

export const PHASES: { key: keyof TypeResult; label: string }[] = [
  { key: 'readExternalDataTimeInMs', label: 'Read' },
  { key: 'mapExternalDataTimeInMs', label: 'Map' },
  { key: 'qlQueryFilteringTimeInMs', label: 'Filter' },
  { key: 'decidingActionsTimeInMs', label: 'Decide' },
  { key: 'writeInsightDataTimeInMs', label: 'Write' },
  { key: 'postFunctionTimeInMs', label: 'Post' },
]

export const COUNTERS: { key: keyof Counters; label: string }[] = [
  { key: 'entriesInSource', label: 'Entries in source' },
  { key: 'objectsCreated', label: 'Created' },
  { key: 'objectsUpdated', label: 'Updated' },
  { key: 'objectsIdentical', label: 'Identical' },
  { key: 'objectsMissingUpdated', label: 'Missing, updated' },
  { key: 'objectsMissingDeleted', label: 'Missing, deleted' },
  { key: 'objectsWithUpdatedReferences', label: 'References updated' },
  { key: 'duplicateEnries', label: 'Duplicate entries' },
  { key: 'emptyLabelEntries', label: 'Empty label' },
  { key: 'emptyExternalIdEntries', label: 'Empty identity' },
  { key: 'objectsFilteredWithQlQuery', label: 'Filtered by AQL' },
  { key: 'entriesFilteredByCondition', label: 'Filtered by condition' },
]

export const ACTIVE = new Set(['INGESTING', 'PROCESSING', 'PAUSED', 'PENDING', 'IN_PROGRESS'])
