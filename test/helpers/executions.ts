import { afterAll, beforeAll, expect } from 'vitest'
import {
  startExecutionWorker,
  type ExecutionWorker,
  type ExecutionWorkerOptions,
} from '../../src/jobs/execution-worker.js'
import type { Services } from '../../src/services/services.js'
import { createSource, mappingFixture, submitMapping, type Json } from './import-sources.js'
import type { TestEnv } from './test-env.js'
import { numberOf } from '../../src/store/repositories/id-number.repository.js'

/** Seed 001's data chunk, verbatim. */
export const SEED_CHUNK = {
  data: {
    hardDrives: [
      { id: 'Hard drive ID', label: 'Hard drive label', files: [{ path: '/file/path', size: 123456 }] },
    ],
  },
  clientGeneratedId: 'a-unique-id',
  completed: true,
}

export const FAST: ExecutionWorkerOptions = { pollMs: 10, heartbeatMs: 100, reapEveryMs: 60_000 }

/** Runs an execution worker for the suite (started after the environment, stopped before it closes). */
export function withWorker(env: () => TestEnv, options: ExecutionWorkerOptions = {}): () => ExecutionWorker {
  let worker: ExecutionWorker | undefined
  beforeAll(() => {
    worker = startExecutionWorker(env().booted.services, { ...FAST, ...options })
  })
  afterAll(async () => {
    await worker?.stop()
  })
  return () => worker!
}

/** Creates the seed's two global statuses (the seed mapping's status attribute names them); repeats are fine. */
export async function ensureSeedStatuses(env: TestEnv): Promise<void> {
  for (const name of ['Schema Scope Status', 'Global Scope Status']) {
    const res = await env.call('POST', `${env.api}/status/create`, { body: { name, category: 'active' } })
    expect([201, 409], JSON.stringify(res.body)).toContain(res.status)
  }
}

/** An external source with the seed's PUT mapping (its schema is named uniquely per call). */
export async function seedSource(env: TestEnv, settings: Json = {}): Promise<Json> {
  await ensureSeedStatuses(env)
  const source = await createSource(env, { settings })
  const doc = mappingFixture('seed-put.json')
  doc.schema.objectSchema.name = `Disk Analysis ${Math.random().toString(36).slice(2, 8)}`
  await submitMapping(env, source.id, doc)
  return env.call('GET', `${env.api}/importsource/${source.id}`).then((r) => r.body as Json)
}

export const sourceUrl = (env: TestEnv, sourceId: string) => `${env.api}/importsource/${sourceId}`

/** POST executions; expects 200 and answers the body (links, result, executionId). */
export async function startExecution(env: TestEnv, sourceId: string, body?: unknown): Promise<Json> {
  const res = await env.call(
    'POST',
    `${sourceUrl(env, sourceId)}/executions`,
    body === undefined ? {} : { body },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body as Json
}

/** Polls …/status until the execution leaves INGESTING and PROCESSING. */
export async function waitForEnd(env: TestEnv, statusUrl: string, timeoutMs = 20_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await env.call('GET', statusUrl)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    if (res.body.status !== 'INGESTING' && res.body.status !== 'PROCESSING') return res.body as Json
    if (Date.now() > deadline) throw new Error(`execution still ${res.body.status}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Objects of a type by label, through the repository read API (AQL). */
export async function objectsOf(services: Services, workspaceId: string, schemaId: number) {
  return services.store.db
    .selectFrom('object')
    .innerJoin('object_type', 'object_type.id', 'object.object_type_id')
    .select(['object.label', 'object_type.name as type', 'object.attribute_values'])
    .where('object_type.object_schema_id', '=', schemaId)
    .where('object.workspace_no', '=', numberOf(workspaceId))
    .orderBy('object.id')
    .execute()
}
