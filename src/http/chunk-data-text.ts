/**
 * A push chunk's `data` as the client sent it, kept with the parsed body (json-scan.ts finds it while checking the
 * depth): the chunk route stores this text instead of serialising the parsed entries again. A symbol property, so
 * it goes with the body, and validation and serialisation never see it.
 */
const DATA_TEXT = Symbol('data as sent')

export function keepDataText(body: unknown, text: string): void {
  if (body !== null && typeof body === 'object') Object.defineProperty(body, DATA_TEXT, { value: text })
}

export function dataTextOf(body: unknown): string | undefined {
  return body !== null && typeof body === 'object' ? (body as { [DATA_TEXT]?: string })[DATA_TEXT] : undefined
}
