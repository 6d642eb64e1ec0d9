/**
 * externalIds for documents in the 2021_09_15 format, which have none. Assets generates
 * `cmdb::externalId/<uuid>` for them; Intake does the same, deterministically: a UUID v5 (RFC 9562) of the
 * import source id and the names, so the same document for the same source always gets the same ids, and two
 * sources never collide. GET then answers them, and a document PATCHed back with them is matched by id.
 */
import { createHash } from 'node:crypto'
import { GENERATED_EXTERNAL_ID_PREFIX } from './document.types.js'

/** Intake's namespace for generated externalIds (a fixed random UUID). */
const NAMESPACE = '6f1c2a4e-8b0d-4c3f-9e57-2d6a1b9c7e30'

export function generatedExternalId(importSourceId: string, ...names: string[]): string {
  const namespace = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex')
  const hash = createHash('sha1')
    .update(namespace)
    .update(JSON.stringify([importSourceId, ...names]), 'utf8')
    .digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  return `${GENERATED_EXTERNAL_ID_PREFIX}${uuid}`
}
