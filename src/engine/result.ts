import type { GuardVerdict } from './delete-guard.js'
/** The counters and timings of one object type in one execution — the Assets `objectTypeResultMap` entry. */
export interface TypeResult {
  id: null
  objectTypeName: string
  objectTypeId: number
  objectsUpdated: number
  objectsCreated: number
  objectsIdentical: number
  objectsMissingUpdated: number
  objectsMissingDeleted: number
  entriesInSource: number
  /** Misspelt as in Assets; clients read this name. */
  duplicateEnries: number
  emptyLabelEntries: number
  emptyExternalIdEntries: number
  objectsFilteredWithQlQuery: number
  /** Intake: entries the mapping's `condition` filtered out before mapping. */
  entriesFilteredByCondition: number
  errorMessages: string | null
  readExternalDataTimeInMs: number
  mapExternalDataTimeInMs: number
  qlQueryFilteringTimeInMs: number
  decidingActionsTimeInMs: number
  writeInsightDataTimeInMs: number
  postFunctionTimeInMs: number
  executionTimeInMs: number
  objectsWithUpdatedReferences: number
  /** Intake: entries skipped or changed because of a problem, and how many problems they had. */
  entriesWithProblems: number
  /** Intake: entries skipped for a problem (a missing required value, or any problem under SKIP_ENTRY). */
  entriesSkipped: number
  /** Intake: attribute values not changed because another writer takes precedence (docs/provenance.md). */
  attributesKeptByPrecedence: number
}

export function newTypeResult(objectTypeId: number, objectTypeName: string): TypeResult {
  return {
    id: null,
    objectTypeName,
    objectTypeId,
    objectsUpdated: 0,
    objectsCreated: 0,
    objectsIdentical: 0,
    objectsMissingUpdated: 0,
    objectsMissingDeleted: 0,
    entriesInSource: 0,
    duplicateEnries: 0,
    emptyLabelEntries: 0,
    emptyExternalIdEntries: 0,
    objectsFilteredWithQlQuery: 0,
    entriesFilteredByCondition: 0,
    errorMessages: null,
    readExternalDataTimeInMs: 0,
    mapExternalDataTimeInMs: 0,
    qlQueryFilteringTimeInMs: 0,
    decidingActionsTimeInMs: 0,
    writeInsightDataTimeInMs: 0,
    postFunctionTimeInMs: 0,
    executionTimeInMs: 0,
    objectsWithUpdatedReferences: 0,
    entriesWithProblems: 0,
    entriesSkipped: 0,
    attributesKeptByPrecedence: 0,
  }
}

export type TimingField =
  | 'readExternalDataTimeInMs'
  | 'mapExternalDataTimeInMs'
  | 'qlQueryFilteringTimeInMs'
  | 'decidingActionsTimeInMs'
  | 'writeInsightDataTimeInMs'
  | 'postFunctionTimeInMs'

/** Adds the time `fn` takes to a timing field of a type result. */
export async function timed<T>(result: TypeResult, field: TimingField, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now()
  try {
    return await fn()
  } finally {
    result[field] += performance.now() - start
  }
}

export interface PlannedChange {
  operation: 'create' | 'update' | 'delete' | 'missing-update' | 'references'
  objectKey: string | null
  identity: string | null
  /** Attribute name → { before, after } for the attributes that change. */
  differences: Record<string, { before: unknown; after: unknown }>
}

/** The engine's answer: the Assets `progressResult` plus Intake's plan (dry run) and problem count. */
export interface ImportResult {
  type: 'IMPORT'
  id: string
  started: string
  ended: string
  objectSchemaId: number
  result: 'OK' | 'FAILED' | 'CANCELLED'
  status: 'FINISHED'
  infoMessage: string | null
  jobId: string
  importSourceId: string
  populatedObjectTypes: string[]
  onlyExecutedForObjectTypes: string[]
  objectTypeResultMap: Record<string, TypeResult>
  /** Sums over the types that some Assets clients read (see summaryCounters). */
  entriesProcessed: number
  entriesCreated: number
  entriesUpdated: number
  entriesFailed: number
  errorMessages: string | null
  totalNumberEntriesInImport: number
  dryRun: boolean
  problemCount: number
  /** Dry run only: the first planned changes per object type id. */
  plan?: Record<string, PlannedChange[]>
  /** Dry run of a guarded source only: the mass-delete guard's numbers per type (`over`: a real run would hold). */
  deleteGuard?: GuardVerdict[]
}

export function finishTimings(result: TypeResult): void {
  for (const f of [
    'readExternalDataTimeInMs',
    'mapExternalDataTimeInMs',
    'qlQueryFilteringTimeInMs',
    'decidingActionsTimeInMs',
    'writeInsightDataTimeInMs',
    'postFunctionTimeInMs',
  ] as const) {
    result[f] = Math.round(result[f])
  }
  result.executionTimeInMs =
    result.readExternalDataTimeInMs +
    result.mapExternalDataTimeInMs +
    result.qlQueryFilteringTimeInMs +
    result.decidingActionsTimeInMs +
    result.writeInsightDataTimeInMs +
    result.postFunctionTimeInMs
}

/** Counters of a type result whose entries did not become objects because of a defect of the entry. */
const FAILED_COUNTERS = [
  'emptyExternalIdEntries',
  'emptyLabelEntries',
  'duplicateEnries',
  'entriesSkipped',
] as const

/**
 * The summary members some Assets clients read from `progressResult`, as sums over the types: entries read from
 * the source, objects created, objects updated, and entries that did not become objects because of a defect
 * (no identity, no label, a repeated identity, skipped for a problem; entries filtered by selectorQlQuery are
 * left out on purpose, they are not failures).
 */
export function summaryCounters(map: Readonly<Record<string, Partial<TypeResult>>>): {
  entriesProcessed: number
  entriesCreated: number
  entriesUpdated: number
  entriesFailed: number
} {
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0)
  const sum = { entriesProcessed: 0, entriesCreated: 0, entriesUpdated: 0, entriesFailed: 0 }
  for (const t of Object.values(map)) {
    sum.entriesProcessed += n(t.entriesInSource)
    sum.entriesCreated += n(t.objectsCreated)
    sum.entriesUpdated += n(t.objectsUpdated)
    for (const c of FAILED_COUNTERS) sum.entriesFailed += n(t[c])
  }
  return sum
}
