/**
 * Provenance of objects (docs/provenance.md): the manual origins of object API writes, and who last wrote each
 * attribute of an object, for `GET object/{id}?include=provenance`.
 */
import { decodeProvenance, writeProvenance } from '../domain/provenance/provenance-map.js'
import type { Db } from '../store/create-store.js'
import { provenanceRepository as repo } from '../store/repositories/provenance.repository.js'

export interface AttributeProvenance {
  objectTypeAttributeId: number
  /** The import source, or null when written through the object API ("manual"). */
  source: { id: string; name: string | null } | null
  executionId: string | null
  /** For manual writes: who wrote (`token:<id>`). */
  actor: string | null
  writtenAt: string
}

/** A write_origin for one write through the object API (no execution); answers its id. */
export function manualOrigin(
  db: Db,
  workspaceId: string,
  input: { actor: string | null; importSourceId: string | null; now: string },
): Promise<number> {
  return repo.createOrigin(db, {
    workspace_id: workspaceId,
    import_source_id: input.importSourceId,
    execution_id: null,
    actor: input.actor,
    created_at: input.now,
  })
}

/** Records that `origin` wrote the attributes of an existing object. */
export async function recordWrite(
  db: Db,
  objectId: number,
  attributeIds: number[],
  origin: number,
): Promise<void> {
  if (attributeIds.length === 0) return
  const stored = (await repo.provenanceOf(db, [objectId])).get(objectId)
  if (!stored) return
  // An object written before provenance existed takes this origin for the attributes nobody is known to have written.
  const objectOrigin = stored.origin ?? origin
  await repo.setProvenance(
    db,
    objectId,
    objectOrigin,
    writeProvenance(stored.provenance, objectOrigin, attributeIds, origin),
  )
}

/**
 * Who last wrote each of `attributeIds` of the object (the caller has checked the object is in the workspace);
 * attributes without a known writer (objects from before provenance) are left out.
 */
export async function provenanceOfObject(
  db: Db,
  objectId: number,
  attributeIds: Iterable<number>,
): Promise<AttributeProvenance[]> {
  const stored = (await repo.provenanceOf(db, [objectId])).get(objectId)
  if (!stored) return []
  const named = decodeProvenance(stored.provenance)
  const ids = [...new Set([...attributeIds, ...named.keys()])].sort((a, b) => a - b)
  const originIds = new Set<number>(named.values())
  if (stored.origin !== null) originIds.add(stored.origin)
  const origins = new Map((await repo.origins(db, [...originIds])).map((o) => [o.id, o]))
  const out: AttributeProvenance[] = []
  for (const id of ids) {
    const o = origins.get(named.get(id) ?? stored.origin ?? -1)
    if (!o) continue
    out.push({
      objectTypeAttributeId: id,
      source: o.import_source_id === null ? null : { id: o.import_source_id, name: o.source_name },
      executionId: o.execution_id,
      actor: o.actor,
      writtenAt: o.created_at,
    })
  }
  return out
}
