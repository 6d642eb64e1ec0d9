/** Wall-clock arithmetic in an IANA zone with Intl only, for showing the next occurrences of a schedule. */

interface Wall {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

function wallOf(date: Date, zone: string): Wall {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date)
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  }
}

/** The instant whose wall clock in `zone` is `w` (the earlier one in a DST overlap, moved past a gap). */
function instantOf(w: Wall, zone: string): Date {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  let t = guess
  for (let i = 0; i < 3; i++) {
    const seen = wallOf(new Date(t), zone)
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second)
    t += guess - seenUtc
  }
  return new Date(t)
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * The next `n` runs of a schedule from its next run: DAILY and WEEKLY keep the start's wall-clock time in the
 * zone, MONTHLY runs on the start's day (the month's last day when it has fewer), ONCE has no further run.
 * The server's `nextScheduledTime` is the authority for the first; these follow the rules of docs/schedules.md.
 */
export function nextOccurrences(
  next: string,
  start: string,
  frequency: string,
  zone: string,
  n: number,
): Date[] {
  const first = new Date(next)
  if (Number.isNaN(first.getTime())) return []
  const out = [first]
  if (frequency === 'ONCE') return out
  const startWall = wallOf(new Date(start), zone)
  let wall = wallOf(first, zone)
  while (out.length < n) {
    if (frequency === 'MONTHLY') {
      const month = wall.month === 12 ? 1 : wall.month + 1
      const year = wall.month === 12 ? wall.year + 1 : wall.year
      wall = { ...startWall, year, month, day: Math.min(startWall.day, daysIn(year, month)) }
    } else {
      const step = frequency === 'WEEKLY' ? 7 : 1
      const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + step))
      wall = { ...startWall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
    }
    out.push(instantOf(wall, zone))
  }
  return out
}
