import { describe, expect, it } from 'vitest'
import { Scheduler } from '../../../src/jobs/scheduler.js'

/** A claimer whose claims finish only when released. */
function slowClaimer() {
  let calls = 0
  const pending: (() => void)[] = []
  return {
    get calls() {
      return calls
    },
    releaseAll: () => pending.splice(0).forEach((r) => r()),
    claimDue: () => {
      calls++
      return new Promise<number>((resolve) => pending.push(() => resolve(1)))
    },
  }
}

describe('Scheduler', () => {
  it('ticks at start, never overlaps a tick in progress, and stops after the running one', async () => {
    const claimer = slowClaimer()
    const scheduler = new Scheduler({ claimer, everyMs: 5 })
    scheduler.start()
    expect(claimer.calls).toBe(1)
    await new Promise((r) => setTimeout(r, 30))
    expect(claimer.calls).toBe(1)
    const second = scheduler.tick()
    claimer.releaseAll()
    expect(await second).toBe(1)
    await new Promise((r) => setTimeout(r, 30))
    expect(claimer.calls).toBeGreaterThan(1)
    const stopping = scheduler.stop()
    claimer.releaseAll()
    await stopping
    const after = claimer.calls
    await new Promise((r) => setTimeout(r, 30))
    expect(claimer.calls).toBe(after)
    expect(await scheduler.tick()).toBe(0)
  })

  it('reports a failed claim and goes on ticking', async () => {
    const warnings: string[] = []
    let calls = 0
    const scheduler = new Scheduler({
      claimer: {
        claimDue: async () => {
          calls++
          if (calls === 1) throw new Error('database down')
          return 0
        },
      },
      everyMs: 5,
      log: { info: () => undefined, error: () => undefined, warn: (_o, msg) => warnings.push(msg) },
    })
    expect(await scheduler.tick()).toBe(0)
    expect(warnings).toEqual(['claiming due schedule runs failed'])
    expect(await scheduler.tick()).toBe(0)
    expect(calls).toBe(2)
    await scheduler.stop()
  })
})
