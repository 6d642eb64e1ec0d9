import type { NormalizedDocument } from '../domain/mapping/document.types.js'
import type { PlanSink } from './plan-sink.js'
import type { DeleteGuardInput } from './delete-guard.js'
import type { PrecedenceSetting } from '../domain/provenance/precedence.js'

/** One `data` object of a push chunk, or what a file connector yields: selector roots → entries. */
export type DataChunk = Record<string, unknown>

export type EntryProblemPolicy = 'SKIP_VALUE' | 'SKIP_ENTRY' | 'FAIL'

/** Source-level settings the engine reads (import source settings with defaults applied). */
export interface EngineSettings {
  /** Joins several locators of one attribute; `\s` stands for a space. */
  concatenator: string
  emptyValues: 'IGNORE' | 'REMOVE'
  unknownValues: 'IGNORE' | 'ADD'
  /** Default of a mapping's matchIdentifierIgnoreCase. */
  matchIdentifierIgnoreCase: boolean
  dateFormat?: string
  dateTimeFormat?: string
  /** IANA zone of dates and times without an offset. */
  zone?: string
  /** What a bad value does: drop the value, drop the entry, or fail the execution. */
  entryProblems: EntryProblemPolicy
  /** Per-attribute precedence against other writers (docs/provenance.md); absent = defaults. */
  precedence?: Partial<PrecedenceSetting> | null
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = Object.freeze({
  concatenator: '-',
  emptyValues: 'IGNORE',
  unknownValues: 'IGNORE',
  matchIdentifierIgnoreCase: false,
  entryProblems: 'SKIP_VALUE',
})

export interface EngineProgress {
  phase: 'reading' | 'references' | 'missing' | 'finishing'
  entriesRead: number
  objectsWritten: number
}

export interface EngineInput {
  workspaceId: string
  importSourceId: string
  executionId: string
  objectSchemaId: number
  document: NormalizedDocument
  settings: EngineSettings
  data: AsyncIterable<DataChunk>
  /**
   * The chunks are this run's alone (parsed for it, never read again by the caller): the engine may empty the
   * elements of a chunk's arrays as it maps their entries (selector.ts Selection.take), so that a mapped source row
   * can die young instead of living until its whole chunk is mapped. Off by default: a caller that hands the same
   * chunk objects to another run (as tests do) keeps them whole.
   */
  releaseEntries?: boolean
  /**
   * Problems of the source itself found while reading (a malformed CSV row, undecodable bytes), drained after each
   * chunk is read: they are stored and reported with the entry problems, and the execution goes on.
   */
  drainSourceProblems?: () => EntryProblem[]
  /** Compute everything, write nothing, and return a plan. */
  dryRun?: boolean
  /**
   * The data is only what changed since the source's previous run (an incremental pull read): objects not seen
   * are not missing, so the missing-objects pass is skipped (the result's infoMessage says so).
   */
  partialRead?: boolean
  /** How many planned changes per type a dry run lists. */
  planLimit?: number
  /** Receives every change as a PlannedChange (a dry run's complete plan; an apply's verification). */
  planSink?: PlanSink
  signal?: AbortSignal
  /**
   * The mass-delete guard (delete-guard.ts): over its threshold the run throws ImportHeld before commit. A dry run is
   * never held: its result lists the numbers (`deleteGuard`).
   */
  deleteGuard?: DeleteGuardInput | null
  now?: Date
  onProgress?: (progress: EngineProgress) => void
}

/** Where an entry came from, e.g. `hardDrives[3].files[0]`, or a CSV line. */
export type EntryLocation = string

/** A row-level problem: stored, counted and reported, never thrown. */
export interface EntryProblem {
  objectTypeId: number | null
  location: EntryLocation
  code: string
  message: string
  attribute?: string
  value?: string
}
