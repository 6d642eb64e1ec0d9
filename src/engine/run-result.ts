/** The execution's answer (Assets' import result) from the types' states after the run. */
import { droppedCounters, everyEntryDropped } from './dropped-entries.js'
import type { ChangeLog } from './change-log.js'
import type { newTypeResult } from './result.js'
import { finishTimings, summaryCounters, type ImportResult } from './result.js'
import type { Run, TypeState } from './run-context.js'

export function toResult(run: Run, started: Date, log: ChangeLog | undefined): ImportResult {
  const { input, total } = run
  const states = [...run.states.values()]
  const objectTypeResultMap: Record<string, ReturnType<typeof newTypeResult>> = {}
  for (const s of states) {
    finishTimings(s.result)
    objectTypeResultMap[String(s.plan.type.id)] = s.result
  }
  const plan = input.dryRun
    ? Object.fromEntries([...(log?.plan ?? new Map())].map(([k, v]) => [String(k), v]))
    : undefined
  const allDropped = everyEntryDropped(total, states)
  for (const s of states) {
    if (s.result.entriesInSource > 0 && s.accepted === 0)
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
    infoMessage: infoMessage(total, states, input.partialRead === true),
    jobId: input.executionId,
    importSourceId: input.importSourceId,
    populatedObjectTypes: states.filter((s) => s.result.entriesInSource > 0).map((s) => s.plan.type.name),
    onlyExecutedForObjectTypes: [],
    objectTypeResultMap,
    ...summaryCounters(objectTypeResultMap),
    errorMessages: allDropped,
    totalNumberEntriesInImport: total,
    dryRun: input.dryRun === true,
    problemCount: log?.problemCount ?? 0,
    ...(plan ? { plan } : {}),
    ...(input.dryRun && run.guardVerdicts ? { deleteGuard: run.guardVerdicts } : {}),
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
