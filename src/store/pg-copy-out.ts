import type pg from 'pg'
import { loadPgCopyStreams } from './pg-client.js'

/**
 * `COPY (query) TO STDOUT` in the text format on a client, its rows handed over in pages of fields (text, or null for
 * `\N`): one statement and no per-row protocol message or type parsing, where keyset pages of `select` cost the
 * owned table's read on PostgreSQL 1.7–1.9 µs of the engine's CPU per row and ~5 µs of wall on a loaded machine,
 * against 1.2 and 2.2–3.5 (docs/benchmarks.md, issue 11 eleventh pass — gone). Lines are cut at `\n` bytes (never
 * inside a UTF-8 sequence); a field with a backslash is unescaped as COPY escapes it.
 */
export async function* pgCopyTextRows(
  client: pg.PoolClient,
  query: string,
  pageRows: number,
): AsyncGenerator<(string | null)[][]> {
  const stream = client.query(loadPgCopyStreams().to(`copy (${query}) to stdout`))
  let rest: Buffer | null = null
  let page: (string | null)[][] = []
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buffer: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk
    const end = buffer.lastIndexOf(10)
    if (end < 0) {
      rest = buffer
      continue
    }
    rest = end + 1 < buffer.length ? buffer.subarray(end + 1) : null
    const text = buffer.toString('utf8', 0, end + 1)
    let at = 0
    while (at < text.length) {
      const nl = text.indexOf('\n', at)
      page.push(copyFields(text, at, nl))
      at = nl + 1
    }
    if (page.length >= pageRows) {
      yield page
      page = []
    }
  }
  if (rest && rest.length) throw new Error('COPY TO ended inside a row')
  if (page.length) yield page
}

/** The fields of one line of COPY's text format (`text[from, to)`). */
export function copyFields(text: string, from: number, to: number): (string | null)[] {
  const out: (string | null)[] = []
  let at = from
  for (;;) {
    let tab = text.indexOf('\t', at)
    if (tab < 0 || tab > to) tab = to
    const field = text.slice(at, tab)
    out.push(field === '\\N' ? null : field.includes('\\') ? unescapeCopy(field) : field)
    if (tab === to) return out
    at = tab + 1
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** COPY's text escapes: `\\`, `\b \f \n \r \t \v`, octal `\ooo` and `\xhh` (bytes; COPY TO writes none of the two). */
export function unescapeCopy(field: string): string {
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e.length > 1 || /[0-7]/.test(e)) {
      const code = e[0] === 'x' ? parseInt(e.slice(1), 16) : parseInt(e, 8)
      return String.fromCharCode(code)
    }
    return ESCAPES[e] ?? e
  })
}
