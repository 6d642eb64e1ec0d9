import type { TSchema } from '@sinclair/typebox'
import type { AttributeKind } from '../domain/schema/types.js'
import type { DataChunk, EntryProblem } from '../engine/engine-types.js'

/** The source kinds that have a connector (`external` is fed through the push API instead). */
export type ConnectorType = 'csv' | 'json' | 'xlsx'

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
}

export interface ReadOptions {
  cursor?: string
  /** Entries per batch (the last batch may be shorter). */
  batchSize: number
  signal: AbortSignal
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
  /** TypeBox schema of the connector's configuration (validated before any call). */
  readonly configSchema: TSchema
  testConnection(config: C, signal: AbortSignal): Promise<ConnectionCheck>
  discoverSchema(config: C, options: { sampleSize: number; signal: AbortSignal }): Promise<SourceSchema>
  read(config: C, options: ReadOptions): AsyncIterable<RecordBatch>
}

/** The selector root under which tabular connectors yield their rows (and the selector `generate` proposes). */
export const TABULAR_ROOT = 'rows'
