import { afterAll, beforeAll, expect } from 'vitest'
import { startBackground, type Background, type BackgroundOptions } from '../../src/main.js'
import { scopeExternalIds } from '../../src/services/file-import.service.js'
import { ensureSeedStatuses, FAST, sourceUrl } from './executions.js'
import { createSource, mappingFixture, submitMapping, type Json } from './import-sources.js'
import type { TestEnv } from './test-env.js'

/** An ISO time `s` seconds from now, in whole seconds as the seed writes it. */
export const inSeconds = (s: number): string =>
  new Date(Date.now() + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** An external source with the seed's mapping under externalIds of its own (any number per workspace). */
export async function mappedExternalSource(env: TestEnv): Promise<Json> {
  await ensureSeedStatuses(env)
  const source = await createSource(env)
  const tag = Math.random().toString(36).slice(2, 8)
  const doc = scopeExternalIds(mappingFixture('seed-put.json'), `${tag}/`) as Json
  doc.schema.objectSchema.name = `Disk Analysis ${tag}`
  await submitMapping(env, source.id, doc)
  return source
}

export const schedulesUrl = (env: TestEnv, sourceId: string) => `${sourceUrl(env, sourceId)}/importschedule`

/** POSTs a schedule and expects 201; answers the body (with callbackSecret). */
export async function createSchedule(env: TestEnv, sourceId: string, body: Json): Promise<Json> {
  const res = await env.call('POST', schedulesUrl(env, sourceId), { body })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body as Json
}

/**
 * Runs the background work of a process for the suite (execution worker, schedule worker and scheduler). The
 * scheduler ticks once at start and then only hourly: tests claim due runs themselves.
 */
export function withBackground(env: () => TestEnv, options: BackgroundOptions = {}): () => Background {
  let background: Background | undefined
  beforeAll(() => {
    background = startBackground(env().booted.services, { ...FAST, schedulerTickMs: 3_600_000, ...options })
  })
  afterAll(async () => {
    await background?.stop()
  })
  return () => background!
}
