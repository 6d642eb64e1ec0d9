/** Time as the repository stores it: ISO 8601 UTC text with milliseconds, sortable as text. */
export type Clock = () => Date

export const systemClock: Clock = () => new Date()

export function isoNow(clock: Clock = systemClock): string {
  return clock().toISOString()
}
