/** Executions (push and file imports): statuses, the transitions between them and the client-facing shapes. */

/** PAUSED is reached only by file imports (`progress/category/imports/{id}/pause`). */
export const EXECUTION_STATUSES = [
  'INGESTING',
  'PROCESSING',
  'PAUSED',
  'DONE',
  'CANCELLED',
  'FAILED',
  'HELD',
] as const
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number]

/** Statuses in which the execution still counts as running for its source (configstatus RUNNING, 409s). */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['INGESTING', 'PROCESSING', 'PAUSED']

/**
 * Statuses in which the source counts as busy: no new execution starts (409 IN_PROGRESS), configstatus answers
 * RUNNING. A HELD execution (mass-delete guard) waits for an approval that re-runs it on the source.
 */
export const BUSY_STATUSES: readonly ExecutionStatus[] = [...ACTIVE_STATUSES, 'HELD']

const TRANSITIONS: Record<ExecutionStatus, readonly ExecutionStatus[]> = {
  INGESTING: ['PROCESSING', 'CANCELLED', 'FAILED'],
  PROCESSING: ['DONE', 'CANCELLED', 'FAILED', 'PAUSED', 'HELD'],
  PAUSED: ['PROCESSING', 'CANCELLED'],
  DONE: [],
  CANCELLED: [],
  FAILED: [],
  HELD: ['PROCESSING', 'CANCELLED'],
}

export function canTransition(from: ExecutionStatus, to: ExecutionStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

export function isActive(status: ExecutionStatus): boolean {
  return ACTIVE_STATUSES.includes(status)
}

/** Assets' `failureReason` limit for `history/failed`. */
export const MAX_FAILURE_REASON_LENGTH = 1024

/** The client's own progress report (PUT …/progress); both parts optional. */
export interface ClientProgress {
  steps?: { total?: number; current?: number; description?: string }
  objects?: { total?: number; processed?: number }
}

/** The engine's live progress while processing. */
export interface LiveProgress {
  phase: string
  entriesRead: number
  objectsWritten: number
}

/**
 * Execution kinds: pushed by a client, read from the source's file by the worker, a spreadsheet upload job
 * (POST /api/v1/entities/:entity/import) read from its own file, the revert of another execution, or the apply of a
 * dry run's plan (docs/plan-apply.md).
 */
export const EXECUTION_KINDS = ['external', 'file', 'upload', 'revert', 'apply'] as const
export type ExecutionKind = (typeof EXECUTION_KINDS)[number]

/** The six steps of a file import (seed 000): validation … completion. */
export const IMPORT_STEPS = [
  'Validation',
  'Connection',
  'Schema discovery',
  'Mapping',
  'Processing',
  'Completion',
] as const

/** The live progress of a file import: the engine's, plus the step and the bytes of the file read so far. */
export interface FileImportProgress extends LiveProgress {
  /** 1 … 6, see IMPORT_STEPS. */
  step: number
  description: string
  bytesRead: number
  totalBytes: number
}

export function isFileImportProgress(p: LiveProgress | null): p is FileImportProgress {
  return p !== null && typeof (p as Partial<FileImportProgress>).step === 'number'
}

export interface Execution {
  id: string
  workspaceId: string
  importSourceId: string
  kind: string
  status: ExecutionStatus
  scheduled: boolean
  dryRun: boolean
  created: string
  started: string | null
  completed: string | null
  finished: string | null
  chunkCount: number
  totalBytes: number
  clientProgress: ClientProgress | null
  progress: LiveProgress | null
  result: Record<string, unknown> | null
  failureReason: string | null
  /** Who started it (file imports: `token:<id>` or `cli`); null for push executions. */
  actor: string | null
  /** A revert (kind 'revert'): the execution it takes back. */
  revertsExecutionId?: string | null
  /** The revert that took this execution back, if any. */
  revertedBy?: string | null
  /** The mass-delete guard's hold (execution-hold.ts): set when the execution was held, kept after the decision. */
  hold?: ExecutionHold | null
}

/** A hold of the mass-delete guard: the numbers per type, and the operators' decisions. */
export interface ExecutionHold {
  /** When the execution was (last) held. */
  heldAt: string
  /** The guard that held it. */
  guard: { maxPercent?: number; maxObjects?: number; minObjects?: number }
  /** Per mapped type with missing-objects handling: owned before, to remove, to mark missing, the limit. */
  types: HeldTypeNumbers[]
  /** Approvals and the rejection, oldest first. */
  decisions: HoldDecision[]
  /** File sources: the copy of the file the held execution read (relative to the data directory). */
  keptFile?: string | null
}

export interface HeldTypeNumbers {
  objectTypeId: number
  objectTypeName: string
  owned: number
  toRemove: number
  toMark: number
  /** The most the guard lets through (null: the type is not guarded). */
  limit: number | null
  /** The approved number that raised the limit, if any. */
  approved: number | null
  over: boolean
}

export interface HoldDecision {
  action: 'approved' | 'rejected'
  by: string
  at: string
  reason?: string | null
  /** Approved: per object type id, the objects the re-run may remove or mark missing. */
  limits?: Record<string, number>
}

export interface ChunkView {
  seq: number
  clientGeneratedId: string | null
  size: number
  created: string
  /** The submitted data; null once purged by retention (or for a completion-only request). */
  data: unknown
}
