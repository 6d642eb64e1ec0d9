/** What the stages of one execution share: the write context (ports, settings) and each mapped type's state. */
import type { BoundQuery } from '../domain/aql/bound.js'
import type { ChangeLog } from './change-log.js'
import type { EngineProvenance } from './provenance.js'
import type { EngineCatalog } from './engine-catalog.js'
import type { DeleteGuardInput, GuardVerdict } from './delete-guard.js'
import type { EngineInput, EntryProblem, EntryProblemPolicy } from './engine-types.js'
import type { MapContext, MappedEntry } from './map-entry.js'
import type { CatalogWriter, ImportTx, Tuple } from './ports.js'
import type { TypeResult } from './result.js'
import type { OwnedTable } from './owned-table.js'
import type { IdBitmap, IdentityHashes, TextHashes } from './seen-sets.js'
import type { TypePlan } from './type-plan.js'

export interface PendingReference {
  objectId: number
  objectKey: string
  typeId: number
  attributeId: number
  texts: string[]
  placeholders: ReadonlyMap<string, string[]>
  location: string
  created: boolean
}

export interface WriteContext {
  /** The execution's transaction: every read and write of the stages goes through it. */
  tx: ImportTx
  /** Schema writes (object numbers, new options and statuses), in the same transaction. */
  catalog: CatalogWriter
  workspaceId: string
  importSourceId: string
  objectSchemaId: number
  schemaKey: string
  now: string
  dryRun: boolean
  /** The writers describe each change as a PlannedChange (a dry run, or a plan sink). */
  planning: boolean
  log: ChangeLog
  pending: PendingReference[]
  /** Status names of the schema; replaced (not mutated) when unknownValues ADD creates one. */
  statusNames: string[]
  /** Where the stages report entry problems (a unique value already held), and what they do. */
  problems: EntryProblem[]
  entryProblems: EntryProblemPolicy
  /** The mass-delete guard of the execution (delete-guard.ts); null: not guarded. */
  deleteGuard?: DeleteGuardInput | null
  /** The execution's write origin and the precedence rule (engine/provenance.ts). */
  provenance?: EngineProvenance
  /** Not a partial read: every entry of the source comes, and the missing-objects pass runs (owned-table.ts). */
  wholeSource?: boolean
  /** Every entry was read: the batches written from now on are the last ones of their type. */
  inputEnded?: boolean
}

/** One unique attribute's values as the run sees them (unique-values.ts). */
export interface UniqueRunValues {
  /** The attribute had no value rows when the run began: only the run's own values can be taken. */
  emptyAtStart: boolean
  /** Its index rows wait in the stage (ImportTx.stagesUniqueIndex), invisible to the database. */
  staged: boolean
  /** Hashes of the values the run kept, while they answer (no rows at the start, or rows staged); else null. */
  kept: TextHashes | null
}

export interface TypeState {
  plan: TypePlan
  result: TypeResult
  /** Identities of the entries that went into a batch, as hashes (see IdentityHashes). */
  seenIdentities: IdentityHashes
  /**
   * The identities of the batch being filled, exactly — of its first entries only, filled up to the whole batch when
   * a duplicate check needs them (read-map-stage.ts mayBeDuplicate); emptied with the batch.
   */
  batchIdentities: Set<string>
  /** Entries that went into a batch and were not skipped since (0: none became an object). */
  accepted: number
  /** Whether the source owned objects of the type when the run began; false: the decide phase needs no lookups. */
  ownedAtStart?: boolean
  /**
   * A full read's table of what the source owned of the type when the run began (owned-table.ts), read by the first
   * batch and dropped by the missing-objects pass; null: none (a partial read, or ids it cannot hold).
   */
  ownedTable?: OwnedTable | null
  /** Identities of entries skipped for a problem: their objects are kept as seen, never treated as missing. */
  protectedIdentities: Set<string>
  /** Keys of the type's first entry: what a locator that read nothing is compared with. */
  firstEntryKeys?: string[]
  /** Set when the missing-objects pass was skipped because no entry of the type became an object. */
  missingSkipped?: boolean
  /** What the run knows of the values of each unique attribute, from its first batch on (unique-values.ts). */
  uniqueValues: Map<number, UniqueRunValues>
  /** Objects this execution created or matched (the missing-objects pass leaves them alone). */
  seenIds: IdBitmap
  batch: MappedEntry[]
  /** mappedWeight of the batch: a batch is also written once it holds BATCH_TEXT_BUDGET characters. */
  batchWeight: number
  /**
   * Entries found identical by their source fingerprint since the last written batch, without being mapped
   * (read-map-stage.ts): they count towards the pause a batch makes (progress, the event loop).
   */
  skippedSinceFlush: number
  /** HashUpdate tuples of such entries whose objects were counted missing: written with the next batch. */
  skippedHashes: Tuple[]
  /** Whether the read + map stage has looked for the owned table it skips entries with (once per type). */
  skipChecked?: boolean
  /** The mass-delete guard's numbers of the type, once its missing objects were handled (guarded runs). */
  guardCount?: { owned: number; toRemove: number; toMark: number }
}

/** One execution as it runs: prepared before the transaction (prepareRun), carried through every stage. */
export interface Run {
  input: EngineInput
  catalog: EngineCatalog
  /** Each mapped type's state, by type id. */
  states: Map<number, TypeState>
  /** Each type's selector AQL filter, compiled once. */
  filters: Map<number, BoundQuery>
  /** Entry problems waiting to be stored (written after each batch). */
  problems: EntryProblem[]
  mapCtx: MapContext
  /** Locations count the elements of each selector root over all chunks. */
  rootOffsets: Map<string, number>
  /** Entries read, and objects written so far. */
  total: number
  written: number
  /** Test hook: called after each written batch (a throw here aborts the execution and rolls everything back). */
  afterBatch?: (written: number) => void | Promise<void>
  /** The mass-delete guard's verdicts (guarded runs): a dry run reports them in its result. */
  guardVerdicts?: GuardVerdict[]
}
