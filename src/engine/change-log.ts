import type { EntryProblem } from './engine-types.js'
import type { ImportTx } from './ports.js'
import type { PlannedChange } from './result.js'

/** JSON text already serialised elsewhere (a created object's encoded values), inserted into the log as is. */
export class RawJson {
  constructor(readonly json: string) {}
}

export interface ChangeRecord {
  objectId: number
  key: string
  before: Record<string, unknown> | RawJson | null
  after: Record<string, unknown> | RawJson | null
}

const json = (v: ChangeRecord['before']): string => (v instanceof RawJson ? v.json : JSON.stringify(v))

const BATCH = 500

/**
 * The change log of one execution, written in batches inside the execution's transaction, and its entry problems.
 * In a dry run it also keeps the first `planLimit` changes per type as the plan.
 */
export class ChangeLog {
  #seq = 0
  #problemSeq = 0
  readonly #buffers = new Map<string, { typeId: number; operation: string; changes: string[] }>()
  readonly plan = new Map<number, PlannedChange[]>()

  constructor(
    private readonly tx: ImportTx,
    private readonly executionId: string,
    private readonly planLimit: number,
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
    if (planned) {
      const list = this.plan.get(typeId) ?? []
      if (list.length < this.planLimit) {
        list.push(planned())
        this.plan.set(typeId, list)
      }
    }
    const key = `${typeId}:${operation}`
    let buffer = this.#buffers.get(key)
    if (!buffer) {
      buffer = { typeId, operation, changes: [] }
      this.#buffers.set(key, buffer)
    }
    // Serialised now: the buffer holds one string per change instead of its value objects.
    buffer.changes.push(
      `{"objectId":${change.objectId},"key":${JSON.stringify(change.key)},"before":${json(change.before)},"after":${json(change.after)}}`,
    )
    if (buffer.changes.length >= BATCH) await this.#flushBuffer(key)
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
    for (const key of [...this.#buffers.keys()]) await this.#flushBuffer(key)
  }

  async #flushBuffer(key: string): Promise<void> {
    const buffer = this.#buffers.get(key)
    if (!buffer || buffer.changes.length === 0) return
    const row = [
      this.executionId,
      ++this.#seq,
      buffer.typeId,
      buffer.operation,
      buffer.changes.length,
      `[${buffer.changes.join(',')}]`,
    ]
    buffer.changes = []
    await this.tx.insertChangeBatches([row])
  }
}
