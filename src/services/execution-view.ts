import type {
  ClientProgress,
  ExecutionHold,
  Execution,
  ExecutionStatus,
  LiveProgress,
} from '../domain/execution/execution.types.js'
import type { ExecutionRow } from '../store/repositories/execution.repository.js'

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T))

export function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    importSourceId: row.import_source_id,
    kind: row.kind,
    status: row.status as ExecutionStatus,
    scheduled: row.scheduled === 1,
    dryRun: row.dry_run === 1,
    created: row.created_at,
    started: row.started_at,
    completed: row.completed_at,
    finished: row.finished_at,
    chunkCount: Number(row.chunk_count),
    totalBytes: Number(row.total_bytes),
    clientProgress: parse<ClientProgress>(row.client_progress),
    progress: parse<LiveProgress>(row.progress),
    result: parse<Record<string, unknown>>(row.result),
    failureReason: row.failure_reason,
    actor: row.actor,
    revertsExecutionId: row.reverts_execution_id ?? null,
    revertedBy: row.reverted_by ?? null,
    hold: parse<ExecutionHold>(row.hold ?? null),
  }
}
