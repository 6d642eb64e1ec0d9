/** Assets-style paging: startAt (0-based) and maxResults, answered with total and isLast. */
export interface PageRequest {
  startAt: number
  maxResults: number
}

export interface Page<T> {
  startAt: number
  maxResults: number
  total: number
  isLast: boolean
  values: T[]
}

export function pageOf<T>(req: PageRequest, total: number, values: T[]): Page<T> {
  return {
    startAt: req.startAt,
    maxResults: req.maxResults,
    total,
    isLast: req.startAt + values.length >= total,
    values,
  }
}
