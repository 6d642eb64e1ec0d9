import type { AttributeDef } from '../domain/schema/types.js'
import type { Db } from '../store/create-store.js'
import { referenceInfoRepository as repo } from '../store/repositories/reference-info.repository.js'
import type { ObjectSchemaService, ObjectTypeView } from './object-schema.service.js'
import type { ObjectService } from './object.service.js'

/** The links of an object with the objects of one type (Assets ObjectReferenceTypeInfo). */
export interface ReferenceTypeInfo {
  objectType: ObjectTypeView
  /** Distinct objects of the type linked to this one, inbound or outbound. */
  numberOfReferencedObjects: number
  /** The reference attributes that carry the links, with their direction as seen from this object. */
  links: { attribute: AttributeDef; direction: 'outbound' | 'inbound' }[]
}

/** `GET object/{id}/referenceinfo`: the object's references and the references to it, per object type. */
export class ObjectLinksService {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectService,
    private readonly schemas: ObjectSchemaService,
  ) {}

  async referenceInfo(workspaceId: string, objectId: number): Promise<ReferenceTypeInfo[]> {
    await this.objects.get(workspaceId, objectId)
    const [counts, links] = await Promise.all([
      repo.linkedObjectsPerType(this.db, objectId),
      repo.linkAttributes(this.db, objectId),
    ])
    const types = await this.schemas.viewTypes(workspaceId, [...counts.keys()])
    const attributes = await Promise.all(
      [...new Set(links.map((l) => l.attribute_id))].map((id) =>
        this.schemas.attributes.get(workspaceId, id),
      ),
    )
    return types.map((objectType) => ({
      objectType,
      numberOfReferencedObjects: counts.get(objectType.id) ?? 0,
      links: links
        .filter((l) => l.type_id === objectType.id)
        .map((l) => ({
          attribute: attributes.find((a) => a.id === l.attribute_id)!,
          direction: l.direction,
        })),
    }))
  }
}
