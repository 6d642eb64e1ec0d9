import type { Static } from '@sinclair/typebox'
import type { ImportStatusFacts } from '../../services/import-status.service.js'
import type { ImportStatusResponse } from '../schemas/import-status.schema.js'
import { presentFileProgress } from './execution.presenter.js'

const LAST_STATUS: Record<string, string> = { DONE: 'successful', FAILED: 'failed', CANCELLED: 'cancelled' }
/** Whole seconds with `Z`, as seed 003 writes times. */
const utc = (iso: string | null): string | null =>
  iso === null ? null : new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Seed 003's columns from the workspace's facts. */
export function presentImportStatus(
  facts: ImportStatusFacts,
  links: { statusUrl: string; createUrl: string },
  canRunImports: boolean,
): Static<typeof ImportStatusResponse> {
  const ranBefore = facts.lastEnded !== null
  const running = facts.running.length > 0
  const percents = facts.running.map((e) => presentFileProgress(e).progressInPercent)
  const progress = running
    ? Math.floor(percents.reduce((a, b) => a + b, 0) / percents.length)
    : ranBefore
      ? 100
      : 0
  const mode = running ? 'running' : !ranBefore ? 'none' : facts.nextRun !== null ? 'scheduled' : 'idle'
  const nextIn =
    facts.nextRun === null
      ? null
      : Math.max(0, Math.ceil((Date.parse(facts.nextRun) - facts.now.getTime()) / 1000))
  return {
    mode,
    can_run_imports: canRunImports,
    import_status_url: links.statusUrl,
    import_create_url: links.createUrl,
    progress,
    last_success_time: utc(facts.lastSuccess),
    last_status: facts.lastEnded ? (LAST_STATUS[facts.lastEnded.status] ?? null) : null,
    last_import_time: utc(facts.lastEnded?.started ?? null),
    last_import_type: ranBefore ? 'complete' : null,
    next_import_time: utc(facts.nextRun),
    next_import_time_in: nextIn,
    next_import_type: facts.nextRun === null ? null : 'complete',
  }
}
