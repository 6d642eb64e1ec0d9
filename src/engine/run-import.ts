/**
 * One execution, as a pipeline (each stage in its own file):
 *   prepareRun (catalog → type plans)
 *   → consumeChunk (read-map-stage: select, map, filter, dedupe into batches)
 *   → flushType (flush-stage: unique values, decide, write, stage references)
 *   → finishPhases (post-stage: index rows, missing objects, references, change log)
 *   → toResult (run-result)
 * all inside one transaction of the ImportStore, so that a failure or a cancel at any point leaves the repository
 * exactly as it was. A dry run does the same work in a transaction that is rolled back, answering a plan.
 */
import { prepareAql } from '../domain/aql/aql.js'
import type { BoundQuery } from '../domain/aql/bound.js'
import { ChangeLog } from './change-log.js'
import { EngineProvenance } from './provenance.js'
import type { EngineInput } from './engine-types.js'
import { flushType } from './flush-stage.js'
import type { EngineCatalogPort, ImportStore, ImportTx } from './ports.js'
import { finishPhases } from './post-stage.js'
import { consumeChunk } from './read-map-stage.js'
import type { AqlResolver } from './references.js'
import { newTypeResult, timed, type ImportResult, type TimingField } from './result.js'
import type { Run, TypeState, WriteContext } from './run-context.js'
import { toResult } from './run-result.js'
import { IdBitmap, IdentityHashes } from './seen-sets.js'
import { compilePlans } from './type-plan.js'
import { uniqueAttributes } from './unique-values.js'
import { locatorsThatReadNothing } from './dropped-entries.js'

export interface EngineDeps {
  /** The schema side: catalog reads and the schema writes of an execution. */
  catalog: EngineCatalogPort
  /** Where objects are read and written. */
  store: ImportStore
  /** Evaluates general reference queries; simple ones never need it. */
  resolveAql?: AqlResolver | null
  /** Test hook: called after each written batch (a throw here aborts the execution and rolls everything back). */
  afterBatch?: (written: number) => void | Promise<void>
}

/** A cancel (the input's signal) ends the execution with nothing written. */
export class ImportCancelled extends Error {
  constructor() {
    super('the execution was cancelled')
    this.name = 'ImportCancelled'
  }
}

/**
 * A `unique` flag of an attribute the run writes changed between the catalog read and the run's locks (a switch
 * committed in between): the run has written nothing yet and starts again from the catalog.
 */
class CatalogChanged extends Error {
  constructor() {
    super('the schema changed while the execution started (an attribute was switched unique or not unique)')
    this.name = 'CatalogChanged'
  }
}

/** Runs that find the catalog changed start again this many times at most (each switch must commit in between). */
const CATALOG_ATTEMPTS = 3

export async function runImport(deps: EngineDeps, input: EngineInput): Promise<ImportResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(deps, input)
    } catch (e) {
      if (!(e instanceof CatalogChanged) || attempt === CATALOG_ATTEMPTS) throw e
    }
  }
}

async function runOnce(deps: EngineDeps, input: EngineInput): Promise<ImportResult> {
  const started = new Date()
  const run = await prepareRun(deps, input, started)
  const checkCancelled = (): void => {
    if (input.signal?.aborted) throw new ImportCancelled()
  }
  let log: ChangeLog | undefined
  // The first type's result takes the execution's own steps (the origin row, the reference stage, the commit),
  // so that the phases add up to the whole execution (the catalog read before the transaction aside).
  const first = run.states.values().next().value?.result
  const count = async <T>(field: TimingField, fn: () => Promise<T>): Promise<T> =>
    first ? timed(first, field, fn) : fn()
  let workEnded = 0
  await deps.store.transaction(
    async (tx) => {
      // Before any other lock the run takes (store/repositories/unique-lock.repository.ts): a concurrent writer of
      // the unique attributes' values checks them only once this run's values are committed, or rolled back, and
      // switching `unique` on for one of the others waits for this run. A switch that committed since the catalog
      // was read makes the run start again, with the flag it now has.
      const unique = [...run.states.values()].flatMap((s) =>
        uniqueAttributes(s.plan).map((a) => a.attribute.id),
      )
      const others = [...run.states.values()].flatMap((s) =>
        s.plan.attributes
          .filter((a) => !a.attribute.unique && a.attribute.kind !== 'referenced_object')
          .map((a) => a.attribute.id),
      )
      const uniqueNow = await count('decidingActionsTimeInMs', () => tx.lockAttributes(unique, others))
      if (uniqueNow.size !== new Set(unique).size || unique.some((id) => !uniqueNow.has(id)))
        throw new CatalogChanged()
      log = new ChangeLog(tx, input.executionId, input.planLimit ?? 20, input.planSink)
      const ctx: WriteContext = {
        tx,
        catalog: deps.catalog.writer(tx),
        workspaceId: input.workspaceId,
        importSourceId: input.importSourceId,
        objectSchemaId: input.objectSchemaId,
        schemaKey: run.catalog.schema.objectSchemaKey,
        now: (input.now ?? started).toISOString(),
        dryRun: input.dryRun === true,
        planning: input.dryRun === true || input.planSink !== undefined,
        log,
        pending: [],
        statusNames: run.catalog.statusNames,
        problems: run.problems,
        entryProblems: input.settings.entryProblems,
        deleteGuard: input.deleteGuard ?? null,
        wholeSource: input.partialRead !== true,
      }
      ctx.provenance = await count('writeInsightDataTimeInMs', () =>
        EngineProvenance.start(tx, input, ctx.now, input.settings.precedence),
      )
      const flush = async (state: TypeState): Promise<void> => {
        await flushType(run, ctx, state)
        checkCancelled()
      }
      await count('postFunctionTimeInMs', () => tx.createRefStage())
      for (const s of run.states.values()) await stageUniqueValues(tx, s)
      const iterator = input.data[Symbol.asyncIterator]()
      for (;;) {
        // A source reads ahead while the stages await (CSV: two chunks): on PostgreSQL part of its parse runs during
        // the write stage's queries and is counted there, so read's share depends on the chunk and batch sizes
        // (docs/benchmarks.md, issue 11 tenth pass, mapgc3).
        const readStart = performance.now()
        const next = await iterator.next()
        const readMs = performance.now() - readStart
        for (const s of run.states.values()) s.result.readExternalDataTimeInMs += readMs
        const fromSource = input.drainSourceProblems?.()
        if (fromSource?.length) run.problems.push(...fromSource)
        if (next.done) break
        checkCancelled()
        await consumeChunk(run, ctx, next.value, flush)
      }
      for (const state of run.states.values()) run.problems.push(...locatorsThatReadNothing(state))
      ctx.inputEnded = true
      for (const state of run.states.values()) await flushType(run, ctx, state)
      checkCancelled()
      await finishPhases(run, ctx, deps.resolveAql ?? null, checkCancelled)
      workEnded = performance.now()
    },
    { rollback: input.dryRun === true },
  )
  // The commit (SQLite: the WAL frames of the pages still in the cache, and the checkpoint that may follow).
  if (first) first.writeInsightDataTimeInMs += performance.now() - workEnded
  return toResult(run, started, log)
}

/**
 * Unique values are checked against the database, which must then hold the index rows of every earlier batch. On
 * SQLite they wait in the stage like the others (random inserts into a large object_value were most of a first
 * load's write phase) until a batch repeats a value this run kept (unique-values.ts); elsewhere they go straight in.
 */
async function stageUniqueValues(tx: ImportTx, state: TypeState): Promise<void> {
  if (tx.stagesUniqueIndex) return
  for (const a of uniqueAttributes(state.plan)) await tx.indexDirect(a.attribute.id)
}

/** Reads the catalog, compiles the mapping into per-type plans and filters: everything before the transaction. */
async function prepareRun(deps: EngineDeps, input: EngineInput, started: Date): Promise<Run> {
  const catalog = await deps.catalog.load(input.workspaceId, input.objectSchemaId)
  const plans = compilePlans(input.document, catalog, input.settings)
  const filters = new Map<number, BoundQuery>()
  for (const p of plans) {
    if (p.selectorQlQuery)
      filters.set(
        p.type.id,
        prepareAql(p.selectorQlQuery, {
          catalog: catalog.aql,
          now: input.now ?? started,
          objectTypeId: p.type.id,
          ...(input.settings.zone ? { zone: input.settings.zone } : {}),
        }),
      )
  }
  const problems: Run['problems'] = []
  return {
    input,
    catalog,
    filters,
    problems,
    states: new Map(
      plans.map((plan) => [
        plan.type.id,
        {
          plan,
          result: newTypeResult(plan.type.id, plan.type.name),
          seenIdentities: new IdentityHashes(),
          batchIdentities: new Set(),
          accepted: 0,
          protectedIdentities: new Set(),
          seenIds: new IdBitmap(),
          uniqueValues: new Map(),
          batch: [],
          batchWeight: 0,
          skippedSinceFlush: 0,
          skippedHashes: [],
        },
      ]),
    ),
    mapCtx: {
      settings: input.settings,
      concatenator: input.settings.concatenator.replace(/\\s/g, ' '),
      coerceOptions: {
        ...(input.settings.dateFormat ? { dateFormat: input.settings.dateFormat } : {}),
        ...(input.settings.dateTimeFormat ? { dateTimeFormat: input.settings.dateTimeFormat } : {}),
        ...(input.settings.zone ? { zone: input.settings.zone } : {}),
      },
      statusNames: catalog.statusNames,
      problems,
    },
    rootOffsets: new Map(),
    total: 0,
    written: 0,
    ...(deps.afterBatch ? { afterBatch: deps.afterBatch } : {}),
  }
}
