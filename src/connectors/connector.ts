import type { TSchema } from '@sinclair/typebox'
import type { AttributeKind } from '../domain/schema/types.js'
import type { DataChunk, EntryProblem } from '../engine/engine-types.js'

/** The source kinds that can have a connector (`external` is fed through the push API instead). */
export type ConnectorType = 'csv' | 'json' | 'xlsx' | 'sql' | 'ldap' | 'rest'

/** One column (CSV, XLSX) or key (JSON) found by discovery. */
export interface DiscoveredField {
  /** The locator that reads it: a column name, or a dotted path into a JSON entry. */
  name: string
  /** The attribute kind its sampled values suggest (`text` when nothing narrower fits). */
  type: AttributeKind
  /** A few distinct non-empty sample values, as text. */
  samples: string[]
  /** How many sampled entries had no value for it. */
  empty: number
  /** Whether some sampled entry held several values (an array, or `||` in a cell). */
  multiple: boolean
  /**
   * A text field whose every sample is a date in one recognised non-ISO format (`dd/MM/yyyy`…): the proposed
   * document maps it to a date attribute through a `date` transformation step reading this pattern.
   */
  dateFormat?: string
}

/** What discovery found: for each selector root (a JSON top-level key; `rows` for tabular files) its fields. */
export interface SourceSchema {
  roots: { name: string; fields: DiscoveredField[]; sampledEntries: number }[]
}

/**
 * A batch of entries read from a source. `data` has the shape of a push chunk's `data` object: selector roots →
 * entry arrays. Tabular connectors (CSV, XLSX) put their rows under `TABULAR_ROOT`. `problems` are row-level
 * problems of the source itself (a CSV row with the wrong number of fields, undecodable bytes): data, never thrown.
 */
export interface RecordBatch {
  data: DataChunk
  problems: EntryProblem[]
  /** Opaque position after this batch; `read({ cursor })` continues from there. */
  cursor: string
  /** Bytes of the source consumed so far (for progress), when the connector can tell. */
  bytesRead?: number
  /**
   * What an incremental read should continue from next time (e.g. the highest `updated_at` seen so far), as JSON.
   * The processor keeps the last one yielded and remembers it for the source when the execution completes; the
   * next run receives it as `ReadOptions.since`.
   */
  readState?: ReadState
}

/** A connector's incremental-read state: any JSON object it chooses (per selector root, typically). */
export type ReadState = Record<string, unknown>

export interface ReadOptions {
  cursor?: string
  /** Entries per batch (the last batch may be shorter). */
  batchSize: number
  signal: AbortSignal
  /**
   * The read state the last completed execution of the source ended with; absent on the first run and on a full
   * read (`import/start` with `{"fullRead": true}`). A connector that supports incremental reads reads only what
   * changed after it; one that does not ignores it (and then never yields `readState`).
   */
  since?: ReadState
}

export type ConnectionCheck = { ok: true } | { ok: false; code: string; message: string }

/**
 * One interface for every connector (STYLE §24): check the configuration, discover the schema, read entries as an
 * async stream of batches with a cursor. File connectors receive a config whose `path` the service has already
 * resolved and confined (uploads directory or INTAKE_IMPORT_DIR); connectors never decide where files may live.
 */
export interface Connector<C> {
  readonly type: ConnectorType
  readonly version: number
  /**
   * Where the entries come from: `file` = a file of the source (uploaded or inside INTAKE_IMPORT_DIR) whose
   * resolved `path` Intake puts into the config; `connection` = a server the config names (database, directory,
   * REST endpoint), with no file.
   */
  readonly origin: 'file' | 'connection'
  /**
   * Whether every entry is a row under TABULAR_ROOT (CSV, XLSX): the processor then reads the header in its
   * discovery step and hands the rows to every single-segment selector of the mapping. Otherwise the data's roots
   * are the selector roots themselves (JSON; one root per configured table, query, search or endpoint).
   */
  readonly tabular: boolean
  /**
   * Dotted paths of the config fields that hold secrets (`password`, `auth.clientSecret`): stored encrypted, never
   * answered by GET (masked), never logged. See docs/sources.md.
   */
  readonly secretFields?: readonly string[]
  /**
   * Which config fields (dotted paths) name a file on the server (a SQLite database): Intake confines each to
   * INTAKE_IMPORT_DIR and hands the connector the resolved path, exactly as for an uploaded file's `path`.
   */
  serverFiles?(config: C): readonly string[]
  /** TypeBox schema of the connector's configuration (validated before any call). */
  readonly configSchema: TSchema
  /** Problems the schema cannot express (one field or another, fields that go together), after it passed. */
  configProblems?(config: C): { path: string; message: string }[]
  testConnection(config: C, signal: AbortSignal): Promise<ConnectionCheck>
  discoverSchema(config: C, options: { sampleSize: number; signal: AbortSignal }): Promise<SourceSchema>
  read(config: C, options: ReadOptions): AsyncIterable<RecordBatch>
}

/** The selector root under which tabular connectors yield their rows (and the selector `generate` proposes). */
export const TABULAR_ROOT = 'rows'
