import { describe, expect, it } from 'vitest'
import { occurrence, type Cadence, type RunFrequency } from '../../src/domain/schedule/cadence.js'
import { nextOccurrences } from '../../web/src/schedule-time.js'

/** The console's next runs of a schedule agree with the server's own arithmetic (cadence.ts), DST and month ends included. */
describe('console: next occurrences of a schedule', () => {
  const cases: [RunFrequency, string, string][] = [
    ['DAILY', '2026-03-25T01:30:00Z', 'Europe/Berlin'], // 02:30 local: through the spring-forward gap of March 29
    ['DAILY', '2026-10-22T00:30:00Z', 'Europe/Berlin'], // 02:30 local: through the fall-back overlap of October 25
    ['DAILY', '2026-03-06T07:15:00Z', 'America/New_York'],
    ['WEEKLY', '2026-03-01T14:00:00Z', 'Australia/Sydney'],
    ['MONTHLY', '2027-01-31T09:00:00Z', 'UTC'], // the 31st: February's last day, then the 31st again
    ['MONTHLY', '2028-01-29T23:30:00Z', 'Asia/Kolkata'],
    ['ONCE', '2026-12-24T18:00:00Z', 'Europe/Paris'],
  ]
  for (const [runFrequency, start, timezone] of cases) {
    it(`${runFrequency} from ${start} in ${timezone}`, () => {
      const cadence: Cadence = { runFrequency, startTime: new Date(start), timezone }
      const expected: string[] = []
      for (let n = 0; n < 8; n++) {
        const at = occurrence(cadence, n)
        if (at === null) break
        expected.push(at.toISOString())
      }
      const shown = nextOccurrences(start, start, runFrequency, timezone, 8).map((d) => d.toISOString())
      expect(shown).toEqual(expected)
    })
  }
})
