import { objectBatches, type Obj, type Values } from './objects.js'

/**
 * What every storage prototype implements, and the import algorithm they share (the engine's, reduced to storage):
 * a first load into an empty type writes each object once with no lookups; a re-import reads identity + hash for
 * each batch, writes nothing for an unchanged object, reads the stored state of a changed one to write only what
 * differs, and removes the objects it did not see at the end.
 */

/** B-lean: B without the object row's foreign keys to workspace, schema and type, nor object_reference's to attribute. */
export type LayoutName = 'A' | 'B' | 'B-lean' | 'B+GIN' | 'C'

/** Drops the foreign keys the services can keep instead (B-lean); object_reference keeps its two to object. */
export const withoutSchemaForeignKeys = (ddl: string): string =>
  ddl
    .replace(/ references workspace\(id\) on delete cascade/g, '')
    .replace(/ references object_schema\(id\)/g, '')
    .replace(/ references object_type\(id\)/g, '')
    .replace(/ references attribute\(id\) on delete cascade/g, '')

export interface Stored {
  id: number
  hash: string
}

/** The stored state of an object about to change. */
export interface Old {
  values: Values
  parent: number | null
}

export interface Insert {
  id: number
  key: string
  obj: Obj
  parent: number | null
}

export interface Update {
  id: number
  obj: Obj
  old: Old
  parent: number | null
}

export interface Counts {
  created: number
  updated: number
  unchanged: number
  removed: number
}

/** The storage operations of one layout on one database, all inside the transaction begin() opened. */
export interface Writer {
  begin(): Promise<void>
  commit(): Promise<void>
  /** The largest object id (0 when empty). */
  maxId(): Promise<number>
  lookup(identities: string[]): Promise<Map<string, Stored>>
  /** Ids of objects by identity (reference targets). */
  idsOf(identities: string[]): Promise<Map<string, number>>
  readOld(ids: number[]): Promise<Map<number, Old>>
  write(inserts: Insert[], updates: Update[]): Promise<void>
  /** Ids of every object of the type the source owns. */
  ownedIds(): Promise<number[]>
  remove(ids: number[]): Promise<void>
}

export interface LayoutQuery {
  name: string
  run: () => Promise<number>
}

export interface SchemaChange {
  /** Adding an (unindexed) attribute to the loaded type. */
  addAttributeMs: number
  /** Flagging an existing attribute `indexed`: building its index over the loaded objects. */
  indexAttributeMs: number
  /** Adding an object type. */
  addTypeMs: number
  /** What a schema change does to an import running at the same time, when measured. */
  concurrent?: string
}

export interface LayoutStore {
  readonly writer: Writer
  /** A first load written another way than the shared algorithm (PostgreSQL: COPY into staging + merge). */
  stagedFirstLoad?: (csv: string) => Promise<void>
  queries(): LayoutQuery[]
  schemaChange(): Promise<SchemaChange>
  /** Bytes on disk of the object storage. */
  bytes(): Promise<number>
  close(): Promise<void>
}

const BATCH = 2000

export const objectKey = (id: number): string => `HW-${id}`

/** A first load into an empty type: ids in order, references resolved from the identities already written. */
export async function firstLoad(w: Writer, csv: string): Promise<number> {
  await w.begin()
  let id = await w.maxId()
  const ids = new Map<string, number>()
  let n = 0
  for await (const batch of objectBatches(csv, BATCH)) {
    const inserts: Insert[] = []
    for (const obj of batch) {
      id++
      ids.set(obj.identity, id)
      inserts.push({
        id,
        key: objectKey(id),
        obj,
        parent: obj.parent === null ? null : (ids.get(obj.parent) ?? null),
      })
    }
    await w.write(inserts, [])
    n += batch.length
  }
  await w.commit()
  return n
}

/** A re-import: compare by hash, write what changed, create what is new, remove what was not seen. */
export async function reimport(w: Writer, csv: string): Promise<Counts> {
  await w.begin()
  let next = await w.maxId()
  const seen = new Set<number>()
  const counts: Counts = { created: 0, updated: 0, unchanged: 0, removed: 0 }
  for await (const batch of objectBatches(csv, BATCH)) {
    const stored = await w.lookup(batch.map((o) => o.identity))
    const changed: { id: number; obj: Obj }[] = []
    const fresh: Obj[] = []
    for (const obj of batch) {
      const s = stored.get(obj.identity)
      if (!s) fresh.push(obj)
      else {
        seen.add(s.id)
        if (s.hash === obj.hash) counts.unchanged++
        else changed.push({ id: s.id, obj })
      }
    }
    if (!changed.length && !fresh.length) continue
    const targets = [
      ...new Set([...changed.map((c) => c.obj), ...fresh].flatMap((o) => (o.parent ? [o.parent] : []))),
    ]
    const parentIds = await w.idsOf(targets)
    const old = await w.readOld(changed.map((c) => c.id))
    const parentOf = (o: Obj) => (o.parent === null ? null : (parentIds.get(o.parent) ?? null))
    const inserts = fresh.map((obj) => {
      const id = ++next
      seen.add(id)
      return { id, key: objectKey(id), obj, parent: parentOf(obj) }
    })
    const updates = changed.map(({ id, obj }) => ({ id, obj, old: old.get(id)!, parent: parentOf(obj) }))
    await w.write(inserts, updates)
    counts.created += inserts.length
    counts.updated += updates.length
  }
  const gone = (await w.ownedIds()).filter((id) => !seen.has(id))
  await w.remove(gone)
  counts.removed = gone.length
  await w.commit()
  return counts
}

/** Milliseconds of fn. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}
