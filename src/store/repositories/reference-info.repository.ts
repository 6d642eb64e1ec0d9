import type { Db } from '../create-store.js'

/** The links of one object, grouped by the other object's type: queries only. */
export const referenceInfoRepository = {
  /** Distinct objects linked to `objectId` in either direction, counted per object type. */
  linkedObjectsPerType: async (db: Db, objectId: number): Promise<Map<number, number>> => {
    const outbound = db
      .selectFrom('object_reference as r')
      .innerJoin('object as o', 'o.id', 'r.target_object_id')
      .select(['o.id as other_id', 'o.object_type_id as type_id'])
      .where('r.object_id', '=', objectId)
    const inbound = db
      .selectFrom('object_reference as r')
      .innerJoin('object as o', 'o.id', 'r.object_id')
      .select(['o.id as other_id', 'o.object_type_id as type_id'])
      .where('r.target_object_id', '=', objectId)
    const rows = await db
      .selectFrom(outbound.union(inbound).as('x'))
      .select(['x.type_id', (eb) => eb.fn.count<number>('x.other_id').distinct().as('n')])
      .groupBy('x.type_id')
      .execute()
    return new Map(rows.map((r) => [Number(r.type_id), Number(r.n)]))
  },
  /** The attributes that carry the links, with the other object's type and the direction. */
  linkAttributes: async (
    db: Db,
    objectId: number,
  ): Promise<{ attribute_id: number; type_id: number; direction: 'outbound' | 'inbound' }[]> => {
    const [outbound, inbound] = await Promise.all([
      db
        .selectFrom('object_reference as r')
        .innerJoin('object as o', 'o.id', 'r.target_object_id')
        .select(['r.attribute_id', 'o.object_type_id as type_id'])
        .distinct()
        .where('r.object_id', '=', objectId)
        .execute(),
      db
        .selectFrom('object_reference as r')
        .innerJoin('object as o', 'o.id', 'r.object_id')
        .select(['r.attribute_id', 'o.object_type_id as type_id'])
        .distinct()
        .where('r.target_object_id', '=', objectId)
        .execute(),
    ])
    return [
      ...outbound.map((r) => ({
        attribute_id: Number(r.attribute_id),
        type_id: Number(r.type_id),
        direction: 'outbound' as const,
      })),
      ...inbound.map((r) => ({
        attribute_id: Number(r.attribute_id),
        type_id: Number(r.type_id),
        direction: 'inbound' as const,
      })),
    ]
  },
}
