/**
 * The canonical description of a change, shared by a plan and its apply (docs/plan-apply.md): what it is about
 * (`key`: type, operation, the object's id — or, for an object the execution creates, its identity, since a create
 * gets a new id and key in each run — and the attributes of a reference change) and a digest of the key and the
 * change's differences, with the ids of objects created in the same execution replaced by their identity.
 */
import { createHash } from 'node:crypto'
import type { PlannedChange } from '../engine/result.js'

export interface DescribedChange {
  objectTypeId: number
  operation: PlannedChange['operation']
  /** The existing object changed; null when the execution creates it. */
  objectId: number | null
  objectKey: string | null
  identity: string | null
  differences: PlannedChange['differences']
  key: string
  digest: string
}

/** Sums are kept modulo 2^60: `digest_sum` is an order-independent aggregate of a set of digests. */
const MASK = (1n << 60n) - 1n

export class PlanDigester {
  /** Objects created by the execution: id → `<typeId>:<identity>`. */
  readonly #created = new Map<number, { typeId: number; identity: string }>()
  count = 0
  #sum = 0n

  get sum(): string {
    return this.#sum.toString()
  }

  describe(objectTypeId: number, objectId: number, change: PlannedChange): DescribedChange {
    let subject: string
    let existing: number | null = objectId
    let identity = change.identity
    if (change.operation === 'create') {
      identity = change.identity ?? ''
      this.#created.set(objectId, { typeId: objectTypeId, identity })
      subject = `new:${objectTypeId}:${identity}`
      existing = null
    } else {
      const created = this.#created.get(objectId)
      if (created) {
        subject = `new:${created.typeId}:${created.identity}`
        existing = null
        identity = created.identity
      } else subject = `id:${objectId}`
    }
    const names = Object.keys(change.differences).sort()
    const key =
      change.operation === 'references'
        ? `references|${objectTypeId}|${subject}|${names.join(',')}`
        : `${change.operation}|${objectTypeId}|${subject}`
    const canonical: Record<string, { before: unknown; after: unknown }> = {}
    for (const name of names) {
      const d = change.differences[name]!
      canonical[name] =
        change.operation === 'references'
          ? { before: this.#targets(d.before), after: this.#targets(d.after) }
          : { before: d.before, after: d.after }
    }
    const digest = createHash('sha256')
      .update(key)
      .update('\n')
      .update(JSON.stringify(canonical))
      .digest('hex')
    this.count++
    this.#sum = (this.#sum + BigInt(`0x${digest.slice(0, 15)}`)) & MASK
    return {
      objectTypeId,
      operation: change.operation,
      objectId: existing,
      objectKey: change.operation === 'create' ? null : change.objectKey,
      identity,
      differences: change.differences,
      key,
      digest: digest.slice(0, 40),
    }
  }

  /** Reference targets with the ids of objects created here replaced by their identity. */
  #targets(value: unknown): unknown {
    if (!Array.isArray(value)) return value
    return value.map((id) => {
      const created = typeof id === 'number' ? this.#created.get(id) : undefined
      return created ? `new:${created.typeId}:${created.identity}` : id
    })
  }
}
