import { beforeAll, expect, it } from 'vitest'
import { describeEachDialect } from '../helpers/test-env.js'
import { type Json } from '../helpers/import-sources.js'
import { seedSource, startExecution, waitForEnd, withWorker } from '../helpers/executions.js'
import { numberOf } from '../../src/store/repositories/id-number.repository.js'

/** `n` hard drives with one file each, numbered from `from`. */
const drives = (from: number, n: number) => ({
  hardDrives: Array.from({ length: n }, (_, i) => ({
    id: `HD-${from + i}`,
    label: `drive ${from + i}`,
    files: [{ path: `/f/${from + i}`, size: i }],
  })),
})

describeEachDialect('execution: processing', (env) => {
  withWorker(env)
  let source: Json

  beforeAll(async () => {
    source = await seedSource(env())
  })

  const objectCount = async () => {
    const row = await env()
      .booted.services.store.db.selectFrom('object')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('import_source_no', '=', numberOf(source.id))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  it('cancel while processing aborts the engine: CANCELLED and nothing of it is written', async () => {
    const before = await objectCount()
    const e = await startExecution(env(), source.id)
    for (let c = 0; c < 12; c++) {
      const res = await env().call('POST', e.links.submitResults, { body: { data: drives(c * 5000, 5000) } })
      expect(res.status).toBe(200)
    }
    await env().call('POST', e.links.submitResults, { body: { completed: true } })
    // Wait until the engine reports progress (it is inside its transaction), then cancel.
    for (;;) {
      const s = await env().call('GET', e.links.getExecutionStatus)
      if (s.body.status !== 'PROCESSING' || s.body.progressResult.engineProgress) break
      await new Promise((r) => setTimeout(r, 5))
    }
    const running = await env().call('GET', e.links.getExecutionStatus)
    expect(running.body.status).toBe('PROCESSING')
    expect(running.body.progressResult.engineProgress).toMatchObject({ phase: expect.any(String) })
    expect((await env().call('DELETE', e.links.cancel)).status).toBe(200)
    const status = await waitForEnd(env(), e.links.getExecutionStatus)
    expect(status.status).toBe('CANCELLED')
    expect(await objectCount()).toBe(before)
    const config = await env().call('GET', `${env().api}/importsource/${source.id}/configstatus`)
    expect(config.body).toEqual({ status: 'IDLE' })
  }, 60_000)

  it('keeps answering status polls through every phase of processing, not only between chunks', async () => {
    // One object the execution below does not see: its missing-objects pass reads every owned object, in pages.
    // (An execution that sees every owned object reads none: its end would be over before a poll could see it.)
    const earlier = await startExecution(env(), source.id)
    await env().call('POST', earlier.links.submitResults, { body: { data: drives(0, 1), completed: true } })
    expect((await waitForEnd(env(), earlier.links.getExecutionStatus)).status).toBe('DONE')
    const e = await startExecution(env(), source.id)
    for (let c = 0; c < 12; c++) {
      const res = await env().call('POST', e.links.submitResults, {
        body: { data: drives(100_000 + c * 5000, 5000) },
      })
      expect(res.status).toBe(200)
    }
    await env().call('POST', e.links.submitResults, { body: { completed: true } })
    const phases = new Set<string>()
    let slowest = 0
    for (;;) {
      const asked = performance.now()
      const s = await env().call('GET', e.links.getExecutionStatus)
      slowest = Math.max(slowest, performance.now() - asked)
      const phase = s.body.progressResult?.engineProgress?.phase
      if (s.body.status === 'PROCESSING' && phase) phases.add(phase)
      if (s.body.status !== 'PROCESSING' && s.body.status !== 'INGESTING') break
      await new Promise((r) => setTimeout(r, 5))
    }
    // The end of an import (index moves, missing objects, references) used to hold the event loop on SQLite.
    expect(
      [...phases].some((p) => p !== 'reading'),
      [...phases].join(),
    ).toBe(true)
    expect(slowest).toBeLessThan(3000)
  }, 60_000)

  it('feeds the chunks to the engine in their order: the first entry of a repeated identity wins', async () => {
    const e = await startExecution(env(), source.id)
    for (let c = 0; c < 30; c++) {
      await env().call('POST', e.links.submitResults, {
        body: {
          data: {
            hardDrives: [{ id: 'SAME', label: `version ${c}`, files: [] }, ...drives(c * 10, 10).hardDrives],
          },
        },
      })
    }
    await env().call('POST', `${e.links.cancel}/history/completed`)
    const status = await waitForEnd(env(), e.links.getExecutionStatus)
    expect(status.status).toBe('DONE')
    const hd = Object.values(status.progressResult.objectTypeResultMap as Record<string, Json>).find(
      (t) => t.objectTypeName === 'Hard Drive',
    )!
    expect(hd).toMatchObject({ entriesInSource: 330, duplicateEnries: 29 })
    const first = await env()
      .booted.services.store.db.selectFrom('object')
      .select('attribute_values')
      .where('identity', '=', 'SAME')
      .executeTakeFirstOrThrow()
    // The first entry wins (duplicates after it are counted, not applied): chunks were read in order.
    expect(first.attribute_values).toContain('"version 0"')
    expect(first.attribute_values).not.toContain('"version 1"')
  })
})
