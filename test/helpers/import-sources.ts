import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { ADMIN_TOKEN, type TestEnv } from './test-env.js'

export type Json = Record<string, any>

const FIXTURES = new URL('../fixtures/mapping/', import.meta.url)

/** A fixture document of test/fixtures/mapping, parsed fresh each time. */
export function mappingFixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json
}

/** Creates an external import source through the API; answers its resource. */
export async function createSource(
  env: TestEnv,
  body: Json = {},
  options: { token?: string; api?: string } = {},
): Promise<Json> {
  const res = await env.call('POST', `${options.api ?? env.api}/importsource`, {
    body: { name: `Source ${Math.random().toString(36).slice(2, 8)}`, type: 'external', ...body },
    ...(options.token !== undefined && { token: options.token }),
  })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as Json
}

/** PUTs (or PATCHes) a mapping synchronously and expects 204. */
export async function submitMapping(
  env: TestEnv,
  sourceId: string,
  document: unknown,
  method: 'PUT' | 'PATCH' = 'PUT',
  options: { token?: string; api?: string } = {},
): Promise<void> {
  const res = await env.call(method, `${options.api ?? env.api}/importsource/${sourceId}/mapping`, {
    body: document,
    ...(options.token !== undefined && { token: options.token }),
  })
  expect(res.status, JSON.stringify(res.body)).toBe(204)
}

/** A request that does not follow redirects (to see a 303 and its Location). */
export async function callManual(
  method: string,
  url: string,
  body: unknown,
  token: string = ADMIN_TOKEN,
): Promise<{ status: number; location: string | null; body: any }> {
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    location: res.headers.get('location'),
    body: text === '' ? null : JSON.parse(text),
  }
}

/** Polls a progress resource until it is FINISHED. */
export async function waitForProgress(env: TestEnv, url: string, token?: string): Promise<Json> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await env.call('GET', url, token === undefined ? {} : { token })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    if (res.body.progressStatus === 'FINISHED') return res.body as Json
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`progress ${url} did not finish`)
}

/** A second workspace with its own admin token; answers its API base and the token. */
export async function otherWorkspace(env: TestEnv, id: string): Promise<{ api: string; token: string }> {
  const { services } = env.booted
  await services.workspaces.ensureDefault(id)
  const { token } = await services.tokens.createWorkspaceToken({
    workspaceId: id,
    name: 'admin',
    scopes: ['admin'],
  })
  return { api: `${env.baseUrl}/jsm/assets/workspace/${id}/v1`, token }
}

/** The object types of a schema (flat, parents first) and each one's attributes, through the read API. */
export async function readSchema(
  env: TestEnv,
  schemaId: string,
  options: { token?: string; api?: string } = {},
): Promise<{ types: Json[]; attributes: Map<string, Json[]> }> {
  const api = options.api ?? env.api
  const extra = options.token !== undefined ? { token: options.token } : {}
  const flat = await env.call('GET', `${api}/objectschema/${schemaId}/objecttypes/flat`, extra)
  expect(flat.status).toBe(200)
  const attributes = new Map<string, Json[]>()
  for (const type of flat.body as Json[]) {
    const res = await env.call('GET', `${api}/objecttype/${type.id}/attributes`, extra)
    expect(res.status).toBe(200)
    attributes.set(type.name as string, res.body as Json[])
  }
  return { types: flat.body as Json[], attributes }
}
