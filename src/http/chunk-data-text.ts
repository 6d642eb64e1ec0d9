/** A push chunk's `data` as the client sent it, and, when it was not parsed, the keys of its object. */
export interface SentData {
  text: string
  /** Set when `data` was checked without being parsed (plain-json.ts): the keys of the object it is. */
  keys?: string[]
}

/**
 * A push chunk's `data` as the client sent it, kept with the parsed body (json-scan.ts finds it while checking the
 * depth, plain-json.ts while checking the body): the chunk route stores this text instead of serialising the parsed
 * entries again. A symbol property, so it goes with the body, and validation and serialisation never see it.
 */
const SENT_DATA = Symbol('data as sent')

export function keepDataText(body: unknown, text: string): void {
  if (body !== null && typeof body === 'object') Object.defineProperty(body, SENT_DATA, { value: { text } })
}

/**
 * Leaves `body.data` unparsed: `text` was checked to be a JSON object with these `keys` (plain-json.ts), and is
 * parsed the first time `body.data` is read — the chunk route stores it without reading it, so a chunk's data is
 * parsed once, by the engine. Every other reader of the body sees the parsed value, as before.
 */
export function deferData(body: unknown, text: string, keys: string[]): void {
  if (body === null || typeof body !== 'object') return
  Object.defineProperty(body, SENT_DATA, { value: { text, keys } })
  Object.defineProperty(body, 'data', {
    configurable: true,
    enumerable: true,
    get(): unknown {
      const data: unknown = JSON.parse(text)
      Object.defineProperty(body, 'data', {
        value: data,
        configurable: true,
        enumerable: true,
        writable: true,
      })
      return data
    },
    set(value: unknown) {
      Object.defineProperty(body, 'data', { value, configurable: true, enumerable: true, writable: true })
    },
  })
}

export function sentDataOf(body: unknown): SentData | undefined {
  return body !== null && typeof body === 'object'
    ? (body as { [SENT_DATA]?: SentData })[SENT_DATA]
    : undefined
}
