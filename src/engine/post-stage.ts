/**
 * The phases after every entry is written: the staged value-index rows moved into place, missing objects, then
 * references, then the change log's last rows.
 */
import { breathe } from './breathe.js'
import { guardActive, ImportHeld, judge } from './delete-guard.js'
import { handleMissing } from './missing-objects.js'
import { resolveReferences, type AqlResolver } from './references.js'
import { timed } from './result.js'
import type { Run, WriteContext } from './run-context.js'

export async function finishPhases(
  run: Run,
  ctx: WriteContext,
  resolveAql: AqlResolver | null,
  checkCancelled: () => void,
): Promise<void> {
  const { input, states } = run
  // One statement per attribute moves the staged index rows; its time counts once, on the first type.
  const first = states.values().next().value
  if (first) await timed(first.result, 'writeInsightDataTimeInMs', () => ctx.tx.applyIndex(breathe))
  // Missing objects before references: a reference to an object this run removes is then reported as
  // unresolved, instead of resolving and vanishing with its target.
  input.onProgress?.({ phase: 'missing', entriesRead: run.total, objectsWritten: run.written })
  if (!input.partialRead) for (const state of states.values()) await handleMissing(ctx, state)
  checkCancelled()
  checkDeleteGuard(run, ctx)
  input.onProgress?.({ phase: 'references', entriesRead: run.total, objectsWritten: run.written })
  await resolveReferences(ctx, states, {
    types: run.catalog.types,
    attributesByType: run.catalog.attributesByType,
    resolveAql,
    problems: run.problems,
  })
  if (ctx.provenance) {
    run.problems.push(...ctx.provenance.problems())
    for (const [typeId, n] of ctx.provenance.keptByType) {
      const result = states.get(typeId)?.result
      if (result) result.attributesKeptByPrecedence = n
    }
  }
  // The change log's last rows and the problems: writes, counted (as the staged index) on the first type.
  const flushLog = async (): Promise<void> => {
    await ctx.log.problems(run.problems)
    await ctx.log.flush()
  }
  if (first) await timed(first.result, 'writeInsightDataTimeInMs', flushLog)
  else await flushLog()
  checkCancelled()
  input.onProgress?.({ phase: 'finishing', entriesRead: run.total, objectsWritten: run.written })
}

/** Over the mass-delete guard in any type: ImportHeld (the transaction rolls back); a dry run keeps the numbers. */
function checkDeleteGuard(run: Run, ctx: WriteContext): void {
  const guard = ctx.deleteGuard
  if (!guard || !guardActive(guard.setting)) return
  const verdicts = [...run.states.values()]
    .filter((s) => s.guardCount !== undefined)
    .map((s) =>
      judge(guard, { objectTypeId: s.plan.type.id, objectTypeName: s.plan.type.name, ...s.guardCount! }),
    )
  run.guardVerdicts = verdicts
  if (!ctx.dryRun && verdicts.some((v) => v.over)) throw new ImportHeld(verdicts)
}
