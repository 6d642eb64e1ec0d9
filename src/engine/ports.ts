/**
 * The engine's ports: the few things it needs from the layers around it, declared here and implemented outside
 * (src/store/import-store.ts for the writes, src/services/engine-ports.ts for the catalog), wired by whoever calls
 * runImport. The engine imports no service and no repository: the storage layout stays behind ImportStore.
 */
import type { AttributeDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import type { EngineCatalog } from './engine-catalog.js'

/** The schema side: read once before the execution, and the few schema writes an execution may make. */
export interface EngineCatalogPort {
  /** The schema, its types, attributes and statuses (read outside the execution's transaction). */
  load(workspaceId: string, schemaId: number): Promise<EngineCatalog>
  /** The schema writes of an execution, inside its transaction. */
  writer(tx: ImportTx): CatalogWriter
}

export interface CatalogWriter {
  /** Reserves `count` object numbers of the schema (keys `<schemaKey>-<n>`); answers the first. */
  reserveObjectNumbers(schemaId: number, count: number): Promise<number>
  /** unknownValues ADD on a select attribute: its options become `allowedValues`. */
  setSelectOptions(workspaceId: string, attribute: AttributeDef, allowedValues: string[]): Promise<void>
  /** unknownValues ADD on a status attribute: new statuses of the schema (names already checked). */
  addStatuses(workspaceId: string, schemaId: number, names: string[]): Promise<void>
}

/** An object owned by the import source, as the decide phase compares it. */
export interface OwnedObject {
  id: number
  identity: string
  content_hash: string
  object_key: string
  missing_runs: number
}

/** An object's stored values as the update phase compares them, with its provenance (0021). */
export interface StoredValues {
  values: string
  label: string
  /** object.origin_id: the writer of every attribute `provenance` does not name. */
  origin: number | null
  /** object.provenance JSON, or null. */
  provenance: string | null
}

/**
 * An owned object with its stored values, as decide reads a changed entry's object by the id the owned table holds
 * (owned-table.ts): what decide compares and what the update phase compares, in one read.
 */
export interface OwnedRow extends OwnedObject {
  stored: StoredValues
}

/** An owned object as the missing-objects pass pages through them. */
export interface OwnedMissing {
  id: number
  identity: string
  object_key: string
  missing_since: string | null
  missing_runs: number
  /** The object's stored values, label, origin and provenance, when asked for (ownedByIds' `withStored`). */
  stored?: StoredValues
}

/**
 * One owned object as the owned table of a full read keeps it (owned-table.ts): id, identity, content_hash,
 * missing_runs — a row as the driver returns it, no object per row.
 */
export type OwnedDigest = [
  id: number,
  identity: string | null,
  contentHash: string | null,
  missingRuns: number,
]

/**
 * Row tuples, in column order (they go to the database as they are, no row objects on the bulk path):
 * - NewObjects' shared values (one tuple for a group of new objects): workspace_id, object_schema_id, object_type_id,
 *   import_source_id, created_at, updated_at, origin_id
 * - NewObject: id, object_key, label, identity, content_hash, attribute_values, label_ci
 * - ObjectUpdate: id, label, content_hash, attribute_values, updated_at, missing_since, missing_runs, label_ci,
 *   provenance
 * - ProvenanceUpdate: id, provenance
 * - HashUpdate: id, content_hash, missing_since, missing_runs
 * - MissingUpdate: id, missing_since, missing_runs
 * - IndexTuple (staged per attribute): value_ci, object_id, position, value_text | null, value_num
 * - IndexKey: attribute_id, value_ci, object_id
 * - ReferenceRow: object_id, attribute_id, position, target_object_id
 */
export type Tuple = unknown[]

/** A reference waiting for the second pass (see references.ts). */
export interface StagedReference {
  seq: number
  attribute_id: number
  object_id: number
  object_key: string
  type_id: number
  created: number
  /** JSON of the texts; of a slim row (text_ci set), its one text when folding changed it, else null. */
  texts: string | null
  placeholders: string | null
  location: string
  /** Set on a slim row only: a created object's reference with one text, folded. */
  text_ci: string | null
}

/** The writes and lookups of one execution, bound to its transaction. */
export interface ImportTx {
  /** The transaction itself, for the general AQL reference resolver only. */
  readonly db: Db
  readonly dialect: 'sqlite' | 'postgres'

  // decide
  /** Whether the source owns any object of the type (a first load into an empty type needs no lookups). */
  hasOwned(typeId: number, sourceId: string): Promise<boolean>
  /** How many objects of the type the source owns. */
  countOwned(typeId: number, sourceId: string): Promise<number>
  findOwned(typeId: number, sourceId: string, identities: string[]): Promise<OwnedObject[]>
  /**
   * The objects of these ids that the source still owns of the type, with their stored values (in no particular
   * order): decide's changed entries found in the owned table, read once for decide and the update phase.
   */
  ownedRowsByIds(typeId: number, sourceId: string, ids: number[]): Promise<OwnedRow[]>
  storedValues(ids: number[]): Promise<Map<number, StoredValues>>
  /** The stored values of the workspace's objects of some types, in id order after `afterId` (a scan). */
  valuesPage(
    workspaceId: string,
    typeIds: number[],
    afterId: number,
    limit: number,
  ): Promise<{ id: number; attribute_values: string }[]>

  // write
  allocateObjectIds(count: number): Promise<number[]>
  /**
   * Inserts new objects that share their workspace, schema, type, source, times and origin (`shared`): each row is
   * `[...shared, ...row]` (on SQLite the shared values are bound once per statement, not once per row).
   */
  insertObjects(shared: Tuple, rows: Tuple[]): Promise<void>
  updateObjects(rows: Tuple[]): Promise<void>
  /**
   * updateObjects for objects whose label does not change: the tuples without the label and its folded text (`[id,
   * content_hash, attribute_values, updated_at, missing_since, missing_runs, provenance]`), so that the label's index
   * entries are left alone.
   */
  updateObjectsKeepingLabel(rows: Tuple[]): Promise<void>
  updateHashes(rows: Tuple[]): Promise<void>
  updateMissing(rows: Tuple[]): Promise<void>
  deleteObjects(ids: number[]): Promise<void>
  /** Where the value-index tuples of one attribute wait (written by flushIndex, moved by applyIndex). */
  indexBucket(attributeId: number): Tuple[]
  /**
   * Whether the index rows of unique attributes may wait in the stage like the others until a batch needs the
   * database to answer for them (SQLite); otherwise (PostgreSQL) they are made direct before the first batch.
   */
  readonly stagesUniqueIndex: boolean
  /** From now on the attribute's index rows go into object_value at each flushIndex, not through the stage (rows it
   * staged before are moved there first): later batches of the execution must find them there (unique values). */
  indexDirect(attributeId: number): Promise<void>
  flushIndex(): Promise<void>
  applyIndex(between: () => Promise<void>): Promise<void>
  deleteIndexKeys(keys: Tuple[]): Promise<void>

  // unique values and references
  /**
   * Holds, until the transaction ends, the locks writers take on the attributes they write (PostgreSQL; SQLite has
   * one writer at a time): exclusive on the unique ones, before checking their values, shared on the others, which
   * switching `unique` on waits for. Taken once, at the start, in id order. Answers which of all these attributes are
   * unique as committed now: a switch that committed after the catalog was read shows here.
   */
  lockAttributes(unique: number[], others: number[]): Promise<Set<number>>
  /** Whether any object holds a value of the attribute in object_value (one index probe). */
  hasIndexRows(attributeId: number): Promise<boolean>
  /**
   * Makes a `building` index complete inside this transaction: the attribute's rows written again from its type's
   * objects and the index marked ready (rolled back with the run). For a unique attribute, whose check reads the
   * rows: until the background build ends, rows of objects written before the flag changed would be missing.
   */
  completeIndex(attribute: AttributeDef): Promise<void>
  valuesMatching(
    attributeIds: number[],
    folded: string[],
  ): Promise<{ object_id: number | string; value_ci: string; value_text: string }[]>
  /**
   * Which claims `[folded value, identity]` of one unique attribute are taken: the value is held in the attribute's
   * index rows by another object than the one `sourceId` owns with that identity. Answers the claims' indexes
   * (a claim may come more than once).
   */
  takenUniqueValues(
    attributeId: number,
    sourceId: string,
    claims: readonly (readonly [string, string])[],
  ): Promise<number[]>
  valuesLike(
    attributeIds: number[],
    pattern: string,
    limit: number,
  ): Promise<{ object_id: number; value_text: string }[]>
  /** valuesMatching for attributes answered from their objects' labels (index state `label`, no index rows). */
  labelsMatching(
    labels: LabelTargets,
    folded: string[],
  ): Promise<{ object_id: number | string; value_ci: string; value_text: string }[]>
  /** valuesLike for attributes answered from their objects' labels. */
  labelsLike(
    labels: LabelTargets,
    pattern: string,
    limit: number,
  ): Promise<{ object_id: number; value_text: string }[]>
  objectOwners(
    ids: number[],
  ): Promise<{ id: number | string; identity: string | null; import_source_id: string | null }[]>
  objectsByKey(
    workspaceId: string,
    typeIds: number[],
    keys: string[],
  ): Promise<{ id: number; object_key: string }[]>
  /** Reference rows of the objects on the attributes, in (object, attribute, position) order. */
  references(
    ids: number[],
    attributeIds: number[],
  ): Promise<{ object_id: number; attribute_id: number; position: number; target_object_id: number }[]>
  /** Reference rows pointing at any of `ids` (who refers to them), in (target, object, attribute, position) order. */
  referrers(
    ids: number[],
  ): Promise<{ object_id: number; attribute_id: number; position: number; target_object_id: number }[]>
  deleteReferences(objectIds: number[], attributeId: number): Promise<void>
  insertReferences(rows: Tuple[]): Promise<void>
  /** Marks objects as changed, so the next import re-reads their entries (an unresolved reference). */
  markDirty(ids: number[]): Promise<void>
  /** Marks objects that refer to any of `ids` as changed. */
  markReferrersDirty(ids: number[]): Promise<void>
  /** Deletes the marks of objects whose hash the engine writes again (their entries were mapped and compared). */
  clearMarks(ids: number[]): Promise<void>
  /** The marked objects the source owns of the type: their stored hashes read as marked (`!`). */
  markedOwned(typeId: number, sourceId: string): Promise<number[]>
  createRefStage(): Promise<void>
  stageReferences(rows: Tuple[]): Promise<void>
  refStageAttributes(): Promise<number[]>
  /**
   * A page of the attribute's staged references. `lastSeq`: the end of a range resolveStagedSingle went through —
   * the page ends there, without the rows it resolved.
   */
  refStagePage(
    attributeId: number,
    afterSeq: number,
    limit: number,
    lastSeq?: number,
  ): Promise<StagedReference[]>
  /**
   * Writes, in one statement, the reference of each staged row of the attribute made by a created object with one
   * text that matches exactly one object by folded value of `targetAttributeIds`, of the rows of seq in
   * (afterSeq, lastSeq]; answers the objects written. `countOnly`: the caller needs only how many (each written row
   * is a different object: one row per object and attribute), which SQLite answers without returning the rows;
   * a store may answer the objects anyway. A store may also link none (PostgreSQL, when the targets outnumber the
   * rows): the rows it leaves are read by the pages. `labels`: the target attributes are answered from their objects'
   * labels (index state `label`, no index rows): the statement matches the targets' label_ci instead.
   */
  resolveStagedSingle(
    attributeId: number,
    targetAttributeIds: readonly number[],
    afterSeq: number,
    lastSeq: number,
    countOnly?: boolean,
    labels?: LabelTargets,
  ): Promise<number[] | number>

  // missing objects
  ownedPage(typeId: number, sourceId: string, after: string, limit: number): Promise<OwnedMissing[]>
  /** What the source owns of the type after identity `after`, in identity order (the owned table's pages). */
  ownedDigestPage(typeId: number, sourceId: string, after: string, limit: number): Promise<OwnedDigest[]>
  /**
   * ownedPage's rows of the given objects, of those the source still owns of the type (in no particular order);
   * `withStored`: each with its stored values (`stored`), read in the same probe — what removing it needs.
   */
  ownedByIds(typeId: number, sourceId: string, ids: number[], withStored?: boolean): Promise<OwnedMissing[]>

  // provenance (engine/provenance.ts)
  /** A write_origin row for this execution; answers its id. */
  createOrigin(origin: {
    workspaceId: string
    importSourceId: string
    executionId: string
    createdAt: string
  }): Promise<number>
  /** The writers behind origins: their import source (null = manual) and its stored settings. */
  originWriters(
    ids: number[],
  ): Promise<{ id: number; import_source_id: string | null; name: string | null; settings: string | null }[]>
  /** origin_id and provenance of objects, by id. */
  provenanceOf(ids: number[]): Promise<Map<number, { origin: number | null; provenance: string | null }>>
  /** ProvenanceUpdate tuples. */
  updateProvenance(rows: Tuple[]): Promise<void>

  // change log
  insertChangeBatches(rows: Tuple[]): Promise<void>
  insertProblems(rows: Tuple[]): Promise<void>
}

/** The storage of objects as the engine sees it. */
export interface ImportStore {
  readonly dialect: 'sqlite' | 'postgres'
  /** Runs `work` in one transaction; `rollback` (a dry run) undoes it after `work` returns. */
  transaction(work: (tx: ImportTx) => Promise<void>, options: { rollback: boolean }): Promise<void>
}

/**
 * Label attributes answered from their objects' labels (index state `label`, domain/schema/indexed-attributes.ts):
 * an object holding a value of one of `attributeIds` has it as label; `typeIds` are their types.
 */
export interface LabelTargets {
  readonly workspaceId: string
  readonly attributeIds: readonly number[]
  readonly typeIds: readonly number[]
}
