import type { AttributeDef } from '../domain/schema/types.js'
import type { Db } from './create-store.js'
import { attributeIndexRepository as repo } from './repositories/attribute-index.repository.js'

const BATCH = 2000

/**
 * An attribute's index rows written again from its type's objects, and its index marked `ready`, inside the
 * caller's transaction — what the background build (services/attribute-index.service.ts) does in batches of
 * short transactions. The rows a drop may have left are cleared first; rows of objects the caller has not written
 * yet are the caller's own to write. Rolled back with the caller; the background build then goes on as before.
 */
export async function completeIndex(db: Db, attribute: AttributeDef): Promise<void> {
  while ((await repo.deleteRows(db, attribute.id, BATCH)) === BATCH);
  for (let after: number | null = 0; after !== null;)
    after = await repo.indexObjectsAfter(db, attribute, after, BATCH)
  await repo.setState(db, attribute.id, 'building', 'ready')
}
