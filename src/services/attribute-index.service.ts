import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { keepsIndexRows } from '../domain/schema/indexed-attributes.js'
import type { AttributeDef } from '../domain/schema/types.js'
import type { Store } from '../store/create-store.js'
import { attributeIndexRepository as repo } from '../store/repositories/attribute-index.repository.js'
import { toAttribute } from './schema-rows.js'

export interface IndexBuildOptions {
  /** Objects read (building) or rows deleted (dropping) per transaction. */
  readonly batchSize?: number
  /**
   * How long a changed flag is left alone before its rows are touched: writers that read the attribute before
   * the change (an object API request) finish, and so do AQL queries that chose to read an index being dropped.
   */
  readonly settleMs?: number
  /** Stop after this many batches (the caller comes back later). */
  readonly maxBatches?: number
}

/** How far a build got; it starts over when the attribute changed since (`changedAt`). */
interface Progress {
  readonly changedAt: string
  readonly phase: 'clearing' | 'scanning'
  readonly after: number
}

const DEFAULTS = { batchSize: 2000, settleMs: 2000, maxBatches: 50 }

/**
 * Builds and drops attributes' search-index rows in the background (domain/schema/indexed-attributes.ts), in
 * batches of short transactions, so that imports and queries go on meanwhile:
 *
 * - building (flag switched on): writes keep the attribute's rows from the change on; this task first clears
 *   rows a drop may have left, then reads the type's objects in id order and inserts their rows (insert or
 *   ignore), and marks the index ready with its last batch. AQL scans the objects' rows until then. It waits
 *   for executions that may have planned their writes before the change.
 * - dropping (flag switched off): AQL and writers stopped using the rows at the change; after the settling
 *   time, this task deletes them in batches and marks the index none.
 */
export class AttributeIndexService {
  readonly #progress = new Map<number, Progress>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Does up to maxBatches batches of pending work; true when some remains. */
  async runPending(options: IndexBuildOptions = {}): Promise<boolean> {
    const o = { ...DEFAULTS, ...options }
    let batches = 0
    for (;;) {
      const pending = (await repo.pending(this.store.db)).map((row) => ({ row, attribute: toAttribute(row) }))
      const due = pending.filter((p) => this.#settled(p.row.updated_at, o.settleMs))
      if (due.length === 0) return pending.length > 0
      let progressed = false
      for (const { row, attribute } of due) {
        if (batches >= o.maxBatches) return true
        const done =
          attribute.indexState === 'dropping'
            ? await this.#dropBatch(attribute, o.batchSize)
            : await this.#buildBatch(attribute, row.workspace_id, row.updated_at, o.batchSize)
        if (done !== null) {
          batches++
          progressed = true
        }
      }
      // Every due attribute is waiting (for an execution or a writer): try again on the next call.
      if (!progressed) return true
    }
  }

  #settled(changedAt: string, settleMs: number): boolean {
    return Date.parse(changedAt) + settleMs <= Date.parse(isoNow(this.clock))
  }

  /** One batch of a drop; null when nothing could be done now. */
  async #dropBatch(attribute: AttributeDef, batchSize: number): Promise<boolean | null> {
    return this.store.db.transaction().execute(async (trx) => {
      const deleted = await repo.deleteRows(trx, attribute.id, batchSize)
      if (deleted < batchSize) await repo.setState(trx, attribute.id, 'dropping', 'none')
      return deleted < batchSize
    })
  }

  /** One batch of a build; null when it has to wait. */
  async #buildBatch(
    attribute: AttributeDef,
    workspaceId: string,
    changedAt: string,
    batchSize: number,
  ): Promise<boolean | null> {
    const db = this.store.db
    if (await repo.executionsPlannedBefore(db, workspaceId, changedAt)) return null
    const known = this.#progress.get(attribute.id)
    const progress: Progress =
      known?.changedAt === changedAt ? known : { changedAt, phase: 'clearing', after: 0 }
    const next = await db.transaction().execute(async (trx): Promise<Progress | 'done' | 'wait'> => {
      if (!(await repo.fenceWriters(trx, this.store.caps))) return 'wait'
      const current = await repo.find(trx, attribute.id)
      if (current === undefined || current.index_state !== 'building' || current.updated_at !== changedAt)
        return 'done'
      const fresh = toAttribute(current)
      if (!keepsIndexRows(fresh)) return 'done'
      if (progress.phase === 'clearing') {
        // Rows a drop left behind may be stale; the scan below writes every object's rows again.
        const deleted = await repo.deleteRows(trx, fresh.id, batchSize)
        return deleted < batchSize ? { changedAt, phase: 'scanning', after: 0 } : progress
      }
      const last = await repo.indexObjectsAfter(trx, fresh, progress.after, batchSize)
      if (last === null) {
        await repo.setState(trx, fresh.id, 'building', 'ready')
        return 'done'
      }
      return { changedAt, phase: 'scanning', after: last }
    })
    if (next === 'wait') return null
    if (next === 'done') {
      this.#progress.delete(attribute.id)
      return true
    }
    this.#progress.set(attribute.id, next)
    return false
  }
}
