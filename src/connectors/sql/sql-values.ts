/** A root's high-water mark: the column and the highest value a completed read saw. */
export interface Watermark {
  column: string
  value: string | number
}

/** A driver's value as an entry value: dates as ISO text, bytes as base64, big integers as text. */
export function rowValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  // Naive timestamps as the server writes them (`2024-05-01 10:00:00`): ISO form, read in the source's zone.
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(value))
    return value.replace(' ', 'T')
  return value
}

const INTEGER = /^-?\d+$/

/** Whether `value` (a driver's value) is after the stored mark: numbers and integer text numerically, dates by time. */
export function isLater(value: unknown, mark: string | number): boolean {
  if (value instanceof Date) return value.getTime() > Date.parse(String(mark))
  if (typeof value === 'number' && typeof mark === 'number') return value > mark
  const text = String(value)
  const other = String(mark)
  if (INTEGER.test(text) && INTEGER.test(other)) return BigInt(text) > BigInt(other)
  if (typeof value === 'number' || typeof mark === 'number') return Number(text) > Number(other)
  return text > other
}
