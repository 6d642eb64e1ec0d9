import { fileURLToPath } from 'node:url'
import type { Connector, RecordBatch } from '../../../src/connectors/connector.js'
import { TABULAR_ROOT } from '../../../src/connectors/connector.js'
import type { EntryProblem } from '../../../src/engine/engine-types.js'

export const fixture = (path: string): string =>
  fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url))

export const signal = (): AbortSignal => new AbortController().signal

export interface ReadResult {
  batches: RecordBatch[]
  /** The entries of `root`, in order. */
  entries: Record<string, unknown>[]
  problems: EntryProblem[]
}

/** Reads a source to the end. */
export async function readAll<C>(
  connector: Connector<C>,
  config: C,
  options: { batchSize?: number; cursor?: string; root?: string } = {},
): Promise<ReadResult> {
  const root = options.root ?? TABULAR_ROOT
  const batches: RecordBatch[] = []
  for await (const batch of connector.read(config, {
    batchSize: options.batchSize ?? 100,
    signal: signal(),
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  })) {
    batches.push(batch)
  }
  return {
    batches,
    entries: batches.flatMap((b) => (b.data[root] as Record<string, unknown>[] | undefined) ?? []),
    problems: batches.flatMap((b) => b.problems),
  }
}

/** The code and location of each problem. */
export const where = (problems: EntryProblem[]): string[] => problems.map((p) => `${p.code} ${p.location}`)
