import type { EntryProblem } from './engine-types.js'
import type { ImportTx } from './ports.js'
import type { PlanSink } from './plan-sink.js'
import type { PlannedChange } from './result.js'

export interface ChangeRecord {
  objectId: number
  key: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  /**
   * A removed object's row besides its values (label, identity) and the references other objects had to it
   * (`[referrer id, attribute id, position]`, removed with it): what re-creating it needs.
   */
  object?: { label: string; identity: string | null; inbound?: [number, number, number][] }
  /** An update that changed the label: `[before, after]` (a revert puts the label back). */
  label?: [string, string]
}

const json = (v: ChangeRecord['before']): string => JSON.stringify(v)

const BATCH = 500
/** Id ranges per change_batch row of created objects at most (one row per execution and type, as a rule). */
const RANGES = 1000
/**
 * Characters of change_batch rows held before they are written, in one statement. A row per statement cost a round
 * trip (two on PostgreSQL, for a COPY) per 500 changes: at 100,000 rows of a first load on PostgreSQL, 201 COPYs of
 * the reference changes took 1.8 s on a loaded machine, for 0.07 s of the server's CPU.
 */
const PENDING_CHARS = 4 << 20

/** The operation of a change_batch row that lists created objects as id ranges: `[[first, last], …]`. */
export const CREATE_RANGE = 'create-range'

/**
 * The change log of one execution, written in batches inside the execution's transaction, and its entry problems.
 * Created objects are logged as id ranges (one `create-range` row per type, `[[first, last], …]`): their values are
 * their rows, and reverting the creations is deleting those ids. Updates, removals and reference changes of objects
 * the execution did not create are logged with their before-images (`{objectId, key, before, after}`, at most 500 per
 * row). In a dry run it also keeps the first `planLimit` changes per type as the plan.
 */
export class ChangeLog {
  #seq = 0
  #problemSeq = 0
  readonly #buffers = new Map<string, { typeId: number; operation: string; changes: string[] }>()
  /** Created objects per type, as id ranges [first, last] (ids come in blocks: one range per batch or fewer). */
  readonly #created = new Map<number, { ranges: [number, number][]; count: number }>()
  readonly plan = new Map<number, PlannedChange[]>()
  /** Rows made but not written yet (their characters in #pendingChars). */
  #pending: unknown[][] = []
  #pendingChars = 0

  constructor(
    private readonly tx: ImportTx,
    private readonly executionId: string,
    private readonly planLimit: number,
    /** Receives every change (plan → apply); without it only the first `planLimit` per type are kept. */
    private readonly sink?: PlanSink,
  ) {}

  get problemCount(): number {
    return this.#problemSeq
  }

  async record(
    typeId: number,
    operation: PlannedChange['operation'],
    change: ChangeRecord,
    planned?: () => PlannedChange,
  ): Promise<void> {
    if (planned) await this.#plan(typeId, change.objectId, planned)
    const key = `${typeId}:${operation}`
    let buffer = this.#buffers.get(key)
    if (!buffer) {
      buffer = { typeId, operation, changes: [] }
      this.#buffers.set(key, buffer)
    }
    // Serialised now: the buffer holds one string per change instead of its value objects.
    buffer.changes.push(
      `{"objectId":${change.objectId},"key":${JSON.stringify(change.key)},"before":${json(change.before)},"after":${json(change.after)}${change.object ? `,"object":${JSON.stringify(change.object)}` : ''}${change.label ? `,"label":${JSON.stringify(change.label)}` : ''}}`,
    )
    if (buffer.changes.length >= BATCH) await this.#flushBuffer(key)
  }

  /**
   * record with the before-image already JSON text (a removal's stored values as the row holds them, with its
   * references spliced in: removals.ts): written as is, where record parsed it into values and serialised them again.
   */
  async recordJson(
    typeId: number,
    operation: PlannedChange['operation'],
    change: Omit<ChangeRecord, 'before'> & { before: string },
    planned?: () => PlannedChange,
  ): Promise<void> {
    if (planned) await this.#plan(typeId, change.objectId, planned)
    const key = `${typeId}:${operation}`
    let buffer = this.#buffers.get(key)
    if (!buffer) {
      buffer = { typeId, operation, changes: [] }
      this.#buffers.set(key, buffer)
    }
    buffer.changes.push(
      `{"objectId":${change.objectId},"key":${JSON.stringify(change.key)},"before":${change.before},"after":${json(change.after)}${change.object ? `,"object":${JSON.stringify(change.object)}` : ''}${change.label ? `,"label":${JSON.stringify(change.label)}` : ''}}`,
    )
    if (buffer.changes.length >= BATCH) await this.#flushBuffer(key)
  }

  /** A change that is not logged (the references of a created object, part of its creation): only planned. */
  async planOnly(typeId: number, objectId: number, planned: () => PlannedChange): Promise<void> {
    await this.#plan(typeId, objectId, planned)
  }

  /**
   * A created object: only its id, merged into the type's id ranges. Its values are not logged: they are the
   * object's row, and what a later execution changes is logged there with its before-image.
   */
  async recordCreate(typeId: number, objectId: number, planned?: () => PlannedChange): Promise<void> {
    if (planned) await this.#plan(typeId, objectId, planned)
    await this.recordCreates(typeId, [objectId])
  }

  /** Created objects, without a plan: recordCreate for each id, in one call (no await per object). */
  async recordCreates(typeId: number, objectIds: readonly number[]): Promise<void> {
    if (objectIds.length === 0) return
    let created = this.#created.get(typeId)
    if (!created) this.#created.set(typeId, (created = { ranges: [], count: 0 }))
    const { ranges } = created
    for (const objectId of objectIds) {
      const last = ranges[ranges.length - 1]
      if (last && last[1] + 1 === objectId) last[1] = objectId
      else ranges.push([objectId, objectId])
    }
    created.count += objectIds.length
    if (ranges.length >= RANGES) await this.#flushCreated(typeId)
  }

  async problems(problems: EntryProblem[]): Promise<void> {
    if (problems.length === 0) return
    const rows = problems.map((p) => [
      this.executionId,
      ++this.#problemSeq,
      p.objectTypeId,
      p.location,
      p.code,
      p.message,
      p.attribute ?? null,
      p.value ?? null,
    ])
    problems.length = 0
    await this.tx.insertProblems(rows)
  }

  async flush(): Promise<void> {
    for (const typeId of [...this.#created.keys()]) await this.#flushCreated(typeId)
    for (const key of [...this.#buffers.keys()]) await this.#flushBuffer(key)
    await this.#writePending()
  }

  /** Queues one change_batch row; the queue is written once it holds PENDING_CHARS characters (and by flush). */
  async #add(row: unknown[], chars: number): Promise<void> {
    this.#pending.push(row)
    this.#pendingChars += chars
    if (this.#pendingChars >= PENDING_CHARS) await this.#writePending()
  }

  async #writePending(): Promise<void> {
    if (this.#pending.length === 0) return
    const rows = this.#pending
    this.#pending = []
    this.#pendingChars = 0
    await this.tx.insertChangeBatches(rows)
  }

  async #plan(typeId: number, objectId: number, planned: () => PlannedChange): Promise<void> {
    const list = this.plan.get(typeId) ?? []
    const change = list.length < this.planLimit || this.sink ? planned() : null
    if (change && list.length < this.planLimit) {
      list.push(change)
      this.plan.set(typeId, list)
    }
    if (change && this.sink) await this.sink.add(typeId, objectId, change)
  }

  async #flushCreated(typeId: number): Promise<void> {
    const created = this.#created.get(typeId)
    if (!created || created.count === 0) return
    this.#created.delete(typeId)
    const ranges = JSON.stringify(created.ranges)
    await this.#add(
      [this.executionId, ++this.#seq, typeId, CREATE_RANGE, created.count, ranges],
      ranges.length,
    )
  }

  async #flushBuffer(key: string): Promise<void> {
    const buffer = this.#buffers.get(key)
    if (!buffer || buffer.changes.length === 0) return
    const changes = `[${buffer.changes.join(',')}]`
    const row = [
      this.executionId,
      ++this.#seq,
      buffer.typeId,
      buffer.operation,
      buffer.changes.length,
      changes,
    ]
    buffer.changes = []
    await this.#add(row, changes.length)
  }
}
