import { decodeValues, indexRows } from '../domain/schema/stored-values.js'
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
  let after = 0
  for (;;) {
    const objects = await repo.objectsWithKey(db, attribute.objectTypeId, attribute.id, after, BATCH)
    const rows = objects.flatMap((object) =>
      indexRows(Number(object.id), attribute, decodeValues(object.attribute_values).get(attribute.id) ?? []),
    )
    await repo.insertRows(db, rows)
    if (objects.length < BATCH) break
    after = Number(objects[objects.length - 1]!.id)
  }
  await repo.setState(db, attribute.id, 'building', 'ready')
}
