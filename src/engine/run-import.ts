import { prepareAql } from '../domain/aql/aql.js'
import type { BoundQuery } from '../domain/aql/bound.js'
import { matchesAql } from '../domain/aql/evaluate-memory.js'
import type { AqlResolver as RecordResolver } from '../domain/aql/record.js'
import { ObjectSchemaService } from '../services/object-schema.service.js'
import type { BulkTransaction, Store } from '../store/create-store.js'
import { IndexStage, refStage } from '../store/repositories/import-write.repository.js'
import { breathe } from './breathe.js'
import { ChangeLog } from './change-log.js'
import { loadEngineCatalog } from './engine-catalog.js'
import type { EngineInput, EntryProblem } from './engine-types.js'
import { mapEntry, mappedWeight, type MapContext } from './map-entry.js'
import { handleMissing } from './missing-objects.js'
import { resolveReferences, stagePending, type AqlResolver } from './references.js'
import { finishTimings, newTypeResult, summaryCounters, timed, type ImportResult } from './result.js'
import { entriesForMapping, objectsRoot, type SelectorProblem } from './selector.js'
import { compilePlans } from './type-plan.js'
import {
  droppedCounters,
  droppedEntryProblem,
  everyEntryDropped,
  locatorsThatReadNothing,
} from './dropped-entries.js'
import { flushBatch, type TypeState, type WriteContext } from './type-writer.js'

export interface EngineDeps {
  store: Store
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

class DryRunRollback extends Error {}

const BATCH = 5000
/** Characters of mapped text per batch at most (wide text values would otherwise make a batch of 5,000 huge). */
const BATCH_TEXT_BUDGET = 8 * 1024 * 1024
const NO_RESOLVER: RecordResolver = { get: () => undefined, inbound: () => [], outbound: () => [] }

/**
 * Runs one execution: read → map → filter → decide → write → missing objects → references, all inside one
 * transaction, so that a failure or a cancel at any point leaves the repository exactly as it was. A dry run does
 * the same work and rolls it back, answering the counters and a plan.
 */
export async function runImport(deps: EngineDeps, input: EngineInput): Promise<ImportResult> {
  const started = new Date()
  const now = (input.now ?? started).toISOString()
  const schemasOutside = new ObjectSchemaService(deps.store.db)
  const catalog = await loadEngineCatalog(schemasOutside, input.workspaceId, input.objectSchemaId)
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
  const states = new Map<number, TypeState>(
    plans.map((plan) => [
      plan.type.id,
      {
        plan,
        result: newTypeResult(plan.type.id, plan.type.name),
        seenIdentities: new Set(),
        protectedIdentities: new Set(),
        seenIds: new Set(),
        batch: [],
        uniqueHeld: new Map(),
        batchWeight: 0,
      },
    ]),
  )
  const problems: EntryProblem[] = []
  const concatenator = input.settings.concatenator.replace(/\\s/g, ' ')
  let log: ChangeLog | undefined
  let total = 0
  let written = 0

  const work = async ({ db: trx, bulk }: BulkTransaction): Promise<void> => {
    log = new ChangeLog(bulk, input.executionId, input.planLimit ?? 20)
    const ctx: WriteContext = {
      store: deps.store,
      db: trx,
      bulk,
      indexStage: new IndexStage(deps.store, bulk),
      workspaceId: input.workspaceId,
      importSourceId: input.importSourceId,
      objectSchemaId: input.objectSchemaId,
      schemaKey: catalog.schema.objectSchemaKey,
      now,
      dryRun: input.dryRun === true,
      log,
      pending: [],
      schemas: schemasOutside.in(trx),
      statusNames: catalog.statusNames,
      problems,
      entryProblems: input.settings.entryProblems,
    }
    const mapCtx: MapContext = {
      settings: input.settings,
      concatenator,
      coerceOptions: {
        ...(input.settings.dateFormat ? { dateFormat: input.settings.dateFormat } : {}),
        ...(input.settings.dateTimeFormat ? { dateTimeFormat: input.settings.dateTimeFormat } : {}),
        ...(input.settings.zone ? { zone: input.settings.zone } : {}),
      },
      statusNames: catalog.statusNames,
      problems,
    }
    const flush = async (state: TypeState): Promise<void> => {
      const n = state.batch.length
      await flushBatch(ctx, state)
      await stagePending(ctx)
      written += n
      await log!.problems(trx, problems)
      input.onProgress?.({ phase: 'reading', entriesRead: total, objectsWritten: written })
      await deps.afterBatch?.(written)
      await breathe()
    }

    await refStage.create(deps.store, trx)
    const rootOffsets = new Map<string, number>()
    const iterator = input.data[Symbol.asyncIterator]()
    for (;;) {
      const readStart = performance.now()
      const next = await iterator.next()
      const readMs = performance.now() - readStart
      for (const s of states.values()) s.result.readExternalDataTimeInMs += readMs
      const fromSource = input.drainSourceProblems?.()
      if (fromSource?.length) problems.push(...fromSource)
      if (next.done) break
      checkCancelled(input.signal)
      for (const state of states.values()) {
        const { plan, result } = state
        // Selecting the chunk's entries is part of reading (read = parse + select).
        const selectStart = performance.now()
        const selectorProblems: SelectorProblem[] = []
        const selected = entriesForMapping(
          next.value,
          plan.selector,
          plan.mapping.objectTypeExternalId,
          selectorProblems,
          rootOffsets,
        )
        let mapStart = performance.now()
        result.readExternalDataTimeInMs += mapStart - selectStart
        for (const { entry, location } of selected) {
          result.entriesInSource++
          total++
          if (plan.condition && !plan.condition(entry)) {
            result.entriesFilteredByCondition++
            continue
          }
          mapCtx.statusNames = ctx.statusNames
          const before = problems.length
          const outcome = mapEntry(plan, entry, location, mapCtx)
          if (problems.length > before) result.entriesWithProblems++
          if (outcome.kind === 'emptyExternalId' || outcome.kind === 'emptyLabel') {
            if (outcome.kind === 'emptyExternalId') result.emptyExternalIdEntries++
            else result.emptyLabelEntries++
            problems.push(droppedEntryProblem(plan, location, outcome))
          } else if (outcome.kind === 'skipped') result.entriesSkipped++
          if (state.firstEntryKeys === undefined) state.firstEntryKeys = Object.keys(entry)
          if ((outcome.kind === 'skipped' || outcome.kind === 'emptyLabel') && outcome.identity !== null) {
            state.protectedIdentities.add(outcome.identity)
          }
          if (outcome.kind !== 'mapped') continue
          const m = outcome.mapped
          const filter = filters.get(plan.type.id)
          if (filter) {
            const fStart = performance.now()
            const keep = matchesAql(
              filter,
              {
                id: 0,
                key: '',
                label: m.label,
                objectTypeId: plan.type.id,
                objectSchemaId: input.objectSchemaId,
                attributes: m.values,
                created: '',
                updated: '',
              },
              NO_RESOLVER,
            )
            const filterMs = performance.now() - fStart
            result.qlQueryFilteringTimeInMs += filterMs
            mapStart += filterMs // its own timer: not counted twice (map + filter) in executionTimeInMs
            if (!keep) {
              result.objectsFilteredWithQlQuery++
              continue
            }
          }
          if (state.seenIdentities.has(m.identity)) {
            result.duplicateEnries++
            problems.push(droppedEntryProblem(plan, location, { kind: 'duplicate', identity: m.identity }))
            continue
          }
          state.seenIdentities.add(m.identity)
          state.batch.push(m)
          state.batchWeight += mappedWeight(m)
          if (state.batch.length >= BATCH || state.batchWeight >= BATCH_TEXT_BUDGET) {
            result.mapExternalDataTimeInMs += performance.now() - mapStart
            await flush(state)
            checkCancelled(input.signal)
            mapStart = performance.now()
          }
        }
        for (const sp of selectorProblems)
          problems.push({
            objectTypeId: plan.type.id,
            location: sp.location,
            code: 'INVALID_SELECTION',
            message: sp.message,
          })
        result.mapExternalDataTimeInMs += Math.max(0, performance.now() - mapStart)
      }
      // Locations count the elements of each root over all chunks (the chunks concatenated).
      const roots = [...states.values()].flatMap((s) => [
        s.plan.selector[0]!,
        objectsRoot(s.plan.mapping.objectTypeExternalId),
      ])
      for (const root of new Set(roots)) {
        const items = next.value[root]
        if (Array.isArray(items)) rootOffsets.set(root, (rootOffsets.get(root) ?? 0) + items.length)
      }
    }
    for (const state of states.values()) problems.push(...locatorsThatReadNothing(state))
    for (const state of states.values()) await flush(state)
    checkCancelled(input.signal)
    // One statement moves the staged index rows of every type; its time counts once, on the first type.
    const first = states.values().next().value
    if (first) await timed(first.result, 'writeInsightDataTimeInMs', () => ctx.indexStage.apply(trx, breathe))
    // Missing objects before references: a reference to an object this run removes is then reported as
    // unresolved, instead of resolving and vanishing with its target.
    input.onProgress?.({ phase: 'missing', entriesRead: total, objectsWritten: written })
    if (!input.partialRead) for (const state of states.values()) await handleMissing(ctx, state)
    checkCancelled(input.signal)
    input.onProgress?.({ phase: 'references', entriesRead: total, objectsWritten: written })
    await resolveReferences(ctx, states, {
      types: catalog.types,
      attributesByType: catalog.attributesByType,
      resolveAql: deps.resolveAql ?? null,
      problems,
    })
    await log.problems(trx, problems)
    await log.flush(trx)
    checkCancelled(input.signal)
    input.onProgress?.({ phase: 'finishing', entriesRead: total, objectsWritten: written })
    if (input.dryRun) throw new DryRunRollback()
  }

  try {
    await deps.store.bulkTransaction(work)
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error
  }

  const objectTypeResultMap: Record<string, ReturnType<typeof newTypeResult>> = {}
  for (const s of states.values()) {
    finishTimings(s.result)
    objectTypeResultMap[String(s.plan.type.id)] = s.result
  }
  const plan = input.dryRun
    ? Object.fromEntries([...(log?.plan ?? new Map())].map(([k, v]) => [String(k), v]))
    : undefined
  const allDropped = everyEntryDropped(total, [...states.values()])
  for (const s of states.values()) {
    if (s.result.entriesInSource > 0 && s.seenIdentities.size === 0)
      s.result.errorMessages = `None of the ${s.result.entriesInSource} entries became an object: ${droppedCounters(s.result)}`
  }
  return {
    type: 'IMPORT',
    id: input.executionId,
    started: started.toISOString(),
    ended: new Date().toISOString(),
    objectSchemaId: input.objectSchemaId,
    result: allDropped ? 'FAILED' : 'OK',
    status: 'FINISHED',
    infoMessage: infoMessage(total, [...states.values()], input.partialRead === true),
    jobId: input.executionId,
    importSourceId: input.importSourceId,
    populatedObjectTypes: [...states.values()]
      .filter((s) => s.result.entriesInSource > 0)
      .map((s) => s.plan.type.name),
    onlyExecutedForObjectTypes: [],
    objectTypeResultMap,
    ...summaryCounters(objectTypeResultMap),
    errorMessages: allDropped,
    totalNumberEntriesInImport: total,
    dryRun: input.dryRun === true,
    problemCount: log?.problemCount ?? 0,
    ...(plan ? { plan } : {}),
  }
}

function infoMessage(total: number, states: TypeState[], partialRead: boolean): string | null {
  if (partialRead) {
    const read = total === 0 ? 'Nothing changed since the previous run' : `${total} changed entries read`
    return `${read}: an incremental read, missing objects were not processed (start a full read for that)`
  }
  if (total === 0) return 'No data to import'
  const skipped = states.filter((s) => s.missingSkipped).map((s) => s.plan.type.name)
  return skipped.length
    ? `No usable entries for ${skipped.join(', ')}: missing objects of ${skipped.length === 1 ? 'that type' : 'those types'} were not processed`
    : null
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelled()
}
