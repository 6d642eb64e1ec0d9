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

const wallMs = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
/** The zone's offset from UTC at instant `t`, in ms. */
const MINUTE = 60_000
const offsetAt = (t: number, zone: string) =>
  Math.round((wallMs(wallOf(new Date(t), zone)) - t) / MINUTE) * MINUTE

/**
 * The instant whose wall clock in `zone` is `w`: the earlier one when it exists twice (fall back), the first
 * instant after the gap when it does not exist (spring forward) — the rules of src/domain/schedule/cadence.ts.
 */
function instantOf(w: Wall, zone: string): Date {
  const target = wallMs(w)
  const day = 86_400_000
  const before = target - offsetAt(target - day, zone)
  const after = target - offsetAt(target + day, zone)
  const fits = [before, after]
    .filter((t) => wallMs(wallOf(new Date(t), zone)) === target)
    .sort((a, b) => a - b)
  if (fits.length > 0) return new Date(fits[0]!)
  // In the gap: the transition lies between the two readings (whole minutes); find its first minute.
  let lo = Math.min(before, after)
  let hi = Math.max(before, after)
  const first = offsetAt(lo, zone)
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE
    if (offsetAt(mid, zone) === first) lo = mid
    else hi = mid
  }
  return new Date(hi)
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
