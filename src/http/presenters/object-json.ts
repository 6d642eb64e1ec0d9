import type { AttributeDef, CanonicalValue, StatusDef } from '../../domain/schema/types.js'
import type { ObjectReading } from '../../services/object-read.service.js'
import type { ObjectView } from '../../services/object.service.js'
import { STATUS_CATEGORY_NUMBER } from './repository.presenter.js'

/**
 * GET object/{id}'s answer written straight to JSON text: byte for byte what presentObject() serialized by the
 * ObjectResource response schema makes (test/unit/http/object-json.test.ts compares the two for every kind of
 * value), without the resource objects in between and their serialization by schema. Keys come in the schema's
 * order, optional ones after the required ones, as the schema serializer writes them.
 */
export function objectJson(ws: string, reading: ObjectReading, selfUrl: string): string {
  const { object: o, type: t, attributes, statuses } = reading
  // Ids are integers, whose text needs no escape: JSON text with an id in it is put together around the escaped
  // workspace id (`wsOpen`: its JSON string without the closing quote), which escapes exactly as the whole would.
  const id = String(o.id)
  const idJson = `"${id}"`
  const w = str(ws)
  const wsOpen = w.slice(0, -1)
  const objectGlobalId = `${wsOpen}:${id}"`
  let out =
    `{"workspaceId":${w},"globalId":${objectGlobalId},"id":${idJson},"label":${str(o.label)},` +
    `"objectKey":${str(o.objectKey)},"avatar":{"workspaceId":${w},"globalId":${objectGlobalId},"url16":"",` +
    `"url48":"","url72":"","url144":"","url288":"","objectId":${idJson}},` +
    `"objectType":{"workspaceId":${w},"globalId":${wsOpen}:${t.id}","id":"${t.id}",` +
    `"name":${str(t.name)},"description":${str(t.description)},"externalId":${strOrNull(t.externalId)},` +
    `"iconKey":${strOrNull(t.iconKey)},"icon":{"id":${str(t.iconKey ?? '')},"name":${str(t.iconKey ?? '')},` +
    `"url16":"","url48":""},"position":${int(t.position)},"created":${str(t.created)},` +
    `"updated":${str(t.updated)},"objectCount":${int(t.objectCount)},` +
    `"objectSchemaId":"${t.objectSchemaId}",` +
    `"inherited":false,"abstractObjectType":false,"parentObjectTypeInherited":false` +
    // Optional keys come after the required ones, as the schema serializer writes them.
    (t.parentObjectTypeId !== null ? `,"parentObjectTypeId":"${t.parentObjectTypeId}"},` : '},') +
    `"created":${str(o.created)},"updated":${str(o.updated)},"hasAvatar":false,` +
    `"timestamp":${int(Date.parse(o.updated))},"importSourceId":${strOrNull(o.importSourceId)},"attributes":[`
  let first = true
  for (const a of attributes) {
    const values = o.values.get(a.id)
    if (!values || values.length === 0) continue
    out +=
      `${first ? '' : ','}{"workspaceId":${w},"globalId":${wsOpen}:${id}:${a.id}",` +
      `"id":"${id}-${a.id}","objectTypeAttributeId":"${a.id}","objectId":${idJson},` +
      `"objectAttributeValues":[`
    for (let i = 0; i < values.length; i++) {
      out += (i === 0 ? '' : ',') + valueJson(a, values[i]!, o, statuses)
    }
    out += ']}'
    first = false
  }
  return `${out}],"_links":{"self":${str(selfUrl)}}}`
}

/** One value as presentValue() makes it. */
function valueJson(a: AttributeDef, v: CanonicalValue, o: ObjectView, statuses: StatusDef[]): string {
  const text = str(String(v))
  if (a.kind === 'referenced_object') {
    const target = o.referenced.get(Number(v))
    if (!target) return `{"value":${text},"displayValue":${text},"searchValue":${text},"referencedType":true}`
    return (
      `{"value":${text},"displayValue":${str(target.label)},"searchValue":${str(target.objectKey)},` +
      `"referencedType":true,"referencedObject":{"id":"${target.id}","label":${str(target.label)},` +
      `"objectKey":${str(target.objectKey)},"objectTypeId":"${target.objectTypeId}"}}`
    )
  }
  if (a.kind === 'status') {
    const name = String(v).toLowerCase()
    const s = statuses.find((x) => x.name.toLowerCase() === name)
    return (
      `{"value":${text},"displayValue":${text},"searchValue":${text},"referencedType":false` +
      (s
        ? `,"status":{"id":"${s.id}","name":${str(s.name)},"category":${int(STATUS_CATEGORY_NUMBER[s.category])}}}`
        : '}')
    )
  }
  // A string value's JSON is its text's.
  const value = typeof v === 'string' ? text : scalar(v)
  return `{"value":${value},"displayValue":${text},"searchValue":${text},"referencedType":false}`
}

/** A character JSON.stringify writes escaped: a quote, a backslash, a control character or half a surrogate pair. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

/**
 * A string as JSON text: JSON.stringify's own answer. Most strings here (ids, keys, dates, names) need no escape,
 * and quoting them directly skips a call into the runtime's JSON writer, which costs twice the test — about 60
 * strings per object, the largest part of writing an answer.
 */
export const jsonString = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`)
const str = jsonString
const strOrNull = (s: string | null): string => (s === null ? 'null' : str(s))

/** An integer as the schema serializer writes one: fractions truncated; not a number is refused, as it refuses. */
function int(n: number): string {
  if (Number.isInteger(n)) return String(n)
  const truncated = Math.trunc(n)
  if (Number.isFinite(truncated)) return String(truncated)
  throw new Error(`The value "${n}" cannot be converted to an integer.`)
}

/** A value of string | number | boolean as the schema serializer writes it (a number that is not finite: null). */
function scalar(v: CanonicalValue): string {
  if (typeof v === 'string') return str(v)
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null'
  return v ? 'true' : 'false'
}
