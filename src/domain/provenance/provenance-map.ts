/**
 * The stored form of provenance (migration 0021): `object.origin_id` for every attribute, except those named in
 * `object.provenance` (JSON `{ "<attributeId>": originId }`).
 */

/** The origin of each attribute named in the stored JSON. */
export function decodeProvenance(text: string | null | undefined): Map<number, number> {
  const out = new Map<number, number>()
  if (!text) return out
  for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, number>))
    out.set(Number(k), Number(v))
  return out
}

/** The stored JSON: entries equal to the object's own origin are left out; null when nothing is left. */
export function encodeProvenance(
  map: ReadonlyMap<number, number>,
  objectOrigin: number | null,
): string | null {
  const entries = [...map].filter(([, o]) => o !== objectOrigin).sort((a, b) => a[0] - b[0])
  return entries.length === 0 ? null : JSON.stringify(Object.fromEntries(entries))
}

/** The origin that last wrote an attribute. */
export function originOf(
  attributeId: number,
  objectOrigin: number | null,
  provenance: ReadonlyMap<number, number>,
): number | null {
  return provenance.get(attributeId) ?? objectOrigin
}

/** Records that `origin` wrote the attributes; answers the new stored JSON. */
export function writeProvenance(
  stored: string | null | undefined,
  objectOrigin: number | null,
  attributeIds: Iterable<number>,
  origin: number,
): string | null {
  const map = decodeProvenance(stored)
  for (const id of attributeIds) map.set(id, origin)
  return encodeProvenance(map, objectOrigin)
}
