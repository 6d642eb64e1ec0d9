import { TABULAR_ROOT } from '../../src/connectors/connector.js'
import { csvConnector } from '../../src/connectors/csv/csv.connector.js'
import type { DataChunk } from '../../src/engine/engine-types.js'
import { FILE_BATCH_SIZE } from '../../src/services/file-import-processor.js'

type Row = Record<string, string | string[]>

/**
 * The rows of a CSV file in batches, read as a CSV import reads them: the CSV connector (papaparse over the decoded
 * file stream, entries built from its row arrays, bounded memory), batches of FILE_BATCH_SIZE rows. The benchmark's
 * files are clean: a row problem fails the run.
 */
export async function* csvBatches(path: string, size = FILE_BATCH_SIZE): AsyncIterable<Row[]> {
  const signal = new AbortController().signal
  for await (const batch of csvConnector.read({ path }, { batchSize: size, signal })) {
    if (batch.problems.length) throw new Error(`${path}: ${JSON.stringify(batch.problems.slice(0, 3))}`)
    yield batch.data[TABULAR_ROOT] as Row[]
  }
}

/** Streams a CSV file as row objects (see csvBatches). */
export async function* csvRows(path: string): AsyncIterable<Row> {
  for await (const rows of csvBatches(path)) yield* rows
}

/** The rows as engine chunks `{ [root]: rows }`, as a file import hands them to the engine. */
export async function* csvChunks(
  path: string,
  root: string,
  size = FILE_BATCH_SIZE,
): AsyncIterable<DataChunk> {
  for await (const rows of csvBatches(path, size)) yield { [root]: rows }
}
