import fs from 'node:fs'
import Papa from 'papaparse'
import type { DataChunk } from '../../src/engine/engine-types.js'

/** Streams a CSV file as row objects with papaparse (bounded memory, backpressure through the stream). */
export async function* csvRows(path: string): AsyncIterable<Record<string, string>> {
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: true, skipEmptyLines: true })
  fs.createReadStream(path).pipe(parser)
  for await (const row of parser as AsyncIterable<Record<string, string>>) yield row
}

/** The rows as engine chunks `{ [root]: rows }` of `size` rows. */
export async function* csvChunks(path: string, root: string, size = 2000): AsyncIterable<DataChunk> {
  let rows: Record<string, string>[] = []
  for await (const row of csvRows(path)) {
    rows.push(row)
    if (rows.length >= size) {
      yield { [root]: rows }
      rows = []
    }
  }
  if (rows.length) yield { [root]: rows }
}
