/** The write stage's step after each full batch: decide + write it, stage its references, store its problems. */
import { breathe } from './breathe.js'
import { stagePending } from './references.js'
import { timed } from './result.js'
import type { Run, TypeState, WriteContext } from './run-context.js'
import { flushBatch } from './type-writer.js'

/**
 * Every step is timed into one of the type's phases, so that the phases add up to the execution: staging the
 * batch's references is part of the reference pass (post), storing its problems part of writing, and the pause for
 * the event loop part of reading (a source reads ahead then; see breathe.ts).
 */
export async function flushType(run: Run, ctx: WriteContext, state: TypeState): Promise<void> {
  const n = state.batch.length
  const { result } = state
  state.skippedSinceFlush = 0
  await flushBatch(ctx, state)
  await timed(result, 'postFunctionTimeInMs', () => stagePending(ctx))
  run.written += n
  await timed(result, 'writeInsightDataTimeInMs', () => ctx.log.problems(run.problems))
  run.input.onProgress?.({ phase: 'reading', entriesRead: run.total, objectsWritten: run.written })
  await run.afterBatch?.(run.written)
  await timed(result, 'readExternalDataTimeInMs', breathe)
}
