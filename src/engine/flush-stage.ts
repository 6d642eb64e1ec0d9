/** The write stage's step after each full batch: decide + write it, stage its references, store its problems. */
import { breathe } from './breathe.js'
import { stagePending } from './references.js'
import type { Run, TypeState, WriteContext } from './run-context.js'
import { flushBatch } from './type-writer.js'

export async function flushType(run: Run, ctx: WriteContext, state: TypeState): Promise<void> {
  const n = state.batch.length
  await flushBatch(ctx, state)
  await stagePending(ctx)
  run.written += n
  await ctx.log.problems(run.problems)
  run.input.onProgress?.({ phase: 'reading', entriesRead: run.total, objectsWritten: run.written })
  await run.afterBatch?.(run.written)
  await breathe()
}
