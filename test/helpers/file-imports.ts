import { expect } from 'vitest'
import type { Json } from './import-sources.js'
import { ADMIN_TOKEN, type TestEnv } from './test-env.js'

export const FIXTURES = new URL('../fixtures/', import.meta.url)

/** Creates a csv, json or xlsx import source; answers its resource. */
export async function createFileSource(
  env: TestEnv,
  type: 'csv' | 'json' | 'xlsx',
  body: Json = {},
): Promise<Json> {
  const res = await env.call('POST', `${env.api}/importsource`, {
    body: { name: `${type} ${Math.random().toString(36).slice(2, 8)}`, type, ...body },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as Json
}

/** PUT …/file with a raw body (any content type); answers status and parsed body. */
export async function putFile(
  env: TestEnv,
  sourceId: string,
  body: NonNullable<RequestInit['body']>,
  headers: Record<string, string> = {},
  query = '',
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${env.api}/importsource/${sourceId}/file${query}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

/** A CSV of `rows` hosts: id,name,ip,cpu. */
export function hostsCsv(rows: number, from = 1): string {
  const lines = ['id,name,ip,cpu']
  for (let i = from; i < from + rows; i++)
    lines.push(`h${i},Host ${i},10.0.${Math.floor(i / 250)}.${i % 250},${i % 16}`)
  return lines.join('\n') + '\n'
}

/** discover?generate=true, PUT the proposed document unchanged; answers the document. */
export async function generateAndPutMapping(
  env: TestEnv,
  sourceId: string,
  schemaName?: string,
): Promise<Json> {
  const name = schemaName ?? `Schema ${Math.random().toString(36).slice(2, 8)}`
  const res = await env.call(
    'GET',
    `${env.api}/importsource/${sourceId}/discover?generate=true&objectSchemaName=${encodeURIComponent(name)}`,
  )
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  const put = await env.call('PUT', `${env.api}/importsource/${sourceId}/mapping`, {
    body: res.body.document,
  })
  expect(put.status, JSON.stringify(put.body)).toBe(204)
  return res.body.document as Json
}

export const progressUrl = (env: TestEnv, id: string) => `${env.api}/progress/category/imports/${id}`

/** Polls the progress resource until its status is one of `statuses`. */
export async function waitForStatus(
  env: TestEnv,
  id: string,
  statuses: string[] = ['COMPLETED', 'FAILED', 'CANCELLED'],
  timeoutMs = 30_000,
): Promise<Json> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await env.call('GET', progressUrl(env, id))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    if (statuses.includes(res.body.status)) return res.body as Json
    if (Date.now() > deadline) throw new Error(`import ${id} still ${JSON.stringify(res.body)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** POST import/start; expects 200 and answers the progress resource. */
export async function startImport(env: TestEnv, sourceId: string): Promise<Json> {
  const res = await env.call('POST', `${env.api}/import/start/${sourceId}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as Json
}

/** How many objects the workspace's schema `schemaId` holds. */
export async function objectCount(env: TestEnv, schemaId: number | string): Promise<number> {
  const row = await env.booted.services.store.db
    .selectFrom('object')
    .innerJoin('object_type', 'object_type.id', 'object.object_type_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('object_type.object_schema_id', '=', Number(schemaId))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
