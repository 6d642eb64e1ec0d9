/**
 * An object's history as Assets answers it (`GET object/{id}/history`): one entry when the object was created
 * (type 0) and one per attribute whose values a write changed (type 1, with the old and new values as text). The
 * changes come from the imports' change log and from the object API's writes, both in the change log's shape.
 */

export const HISTORY_TYPE = { created: 0, attributeChanged: 1 } as const

export interface HistoryActor {
  key: string
  name: string
  displayName: string
}

/** One write of an object: before/after values of the changed attributes, by attribute id. */
export interface ObjectChange {
  /** Stable id of the write; the entries' ids derive from it. */
  id: string
  created: string
  actor: HistoryActor
  operation: string
  before: Record<string, unknown[]> | null
  after: Record<string, unknown[]> | null
}

export interface HistoryEntry {
  id: string
  objectId: string
  created: string
  actor: HistoryActor
  type: number
  affectedAttribute?: string
  oldValue?: string
  newValue?: string
}

export interface HistoryNaming {
  /** The attribute's name, or undefined for an attribute that no longer exists (its entries are kept, by id). */
  attributeName(attributeId: number): string | undefined
  /** Values as text (references as the target's label). */
  display(attributeId: number, values: readonly unknown[]): string
}

export function historyEntries(
  objectId: number,
  changes: readonly ObjectChange[],
  naming: HistoryNaming,
): HistoryEntry[] {
  const out: HistoryEntry[] = []
  for (const c of changes) {
    const base = { objectId: String(objectId), created: c.created, actor: c.actor }
    if (c.operation === 'create') {
      out.push({ id: c.id, ...base, type: HISTORY_TYPE.created })
      continue
    }
    const ids = [...new Set([...Object.keys(c.before ?? {}), ...Object.keys(c.after ?? {})])].map(Number)
    for (const attributeId of ids.sort((a, b) => a - b)) {
      const before = c.before?.[attributeId] ?? []
      const after = c.after?.[attributeId] ?? []
      out.push({
        id: `${c.id}-${attributeId}`,
        ...base,
        type: HISTORY_TYPE.attributeChanged,
        affectedAttribute: naming.attributeName(attributeId) ?? `#${attributeId}`,
        oldValue: naming.display(attributeId, before),
        newValue: naming.display(attributeId, after),
      })
    }
  }
  return out
}
