/**
 * The files of a plan under INTAKE_DATA_DIR/plans/<executionId>/: `input.ndjson.gz`, the dry run's input chunks as
 * the engine read them (one JSON chunk a line), which the apply feeds to the engine again instead of reading the
 * source anew; and `changes.ndjson`, every planned change, written during the dry run (outside its rolled-back
 * transaction) and loaded into `plan_change` once it has ended. Memory stays bounded: lines are streamed both ways.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import readline from 'node:readline'
import { once } from 'node:events'
import { createGunzip, createGzip } from 'node:zlib'
import type { Writable } from 'node:stream'
import type { DataChunk } from '../engine/engine-types.js'

export const INPUT_FILE = 'input.ndjson.gz'
export const CHANGES_FILE = 'changes.ndjson'

export const plansDir = (dataDir: string): string => path.join(dataDir, 'plans')

/** A line-oriented writer with back-pressure. */
export class LineWriter {
  readonly #out: Writable
  readonly #done: Promise<unknown>

  constructor(file: string, gzip: boolean) {
    const stream = fs.createWriteStream(file)
    if (gzip) {
      const z = createGzip({ level: 1 })
      z.pipe(stream)
      this.#out = z
    } else this.#out = stream
    this.#done = once(stream, 'close')
    // An error surfaces on the next write or at close.
    stream.on('error', () => undefined)
  }

  async write(line: string): Promise<void> {
    if (!this.#out.write(`${line}\n`)) await once(this.#out, 'drain')
  }

  async close(): Promise<void> {
    this.#out.end()
    await this.#done
  }
}

/** Yields the chunks of `data` while writing each to `writer` (the dry run's input, kept for the apply). */
export async function* teeInput(
  data: AsyncIterable<DataChunk>,
  writer: LineWriter,
): AsyncIterable<DataChunk> {
  for await (const chunk of data) {
    await writer.write(JSON.stringify(chunk))
    yield chunk
  }
}

/** Reads the lines of a (gzip) NDJSON file, parsed. */
export async function* readLines<T>(file: string, gzip: boolean): AsyncIterable<T> {
  const raw = fs.createReadStream(file)
  const input = gzip ? raw.pipe(createGunzip()) : raw
  raw.on('error', (e) => input.destroy(e))
  const lines = readline.createInterface({ input, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.length > 0) yield JSON.parse(line) as T
  }
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true })
}
