import type { Static } from '@sinclair/typebox'
import type { AttributeProvenance } from '../../services/provenance.service.js'
import type { AttributeProvenanceResource } from '../schemas/provenance.schema.js'

export function presentProvenance(p: AttributeProvenance): Static<typeof AttributeProvenanceResource> {
  return {
    objectTypeAttributeId: String(p.objectTypeAttributeId),
    source: p.source === null ? 'manual' : { id: p.source.id, name: p.source.name },
    executionId: p.executionId,
    ...(p.source === null && p.actor !== null && { actor: p.actor }),
    writtenAt: p.writtenAt,
  }
}
