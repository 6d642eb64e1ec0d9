import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { csvConnector, entryBuilder } from '../../../src/connectors/csv/csv.connector.js'
import type { CsvConfig } from '../../../src/connectors/csv/csv.config.js'
import { fixture, readAll, signal, where } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'intake-csv-'))
const connectorModule = new URL('../../../src/connectors/csv/csv.connector.ts', import.meta.url).href
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A CSV file written for one test. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const csv = (path: string, config: Partial<CsvConfig> = {}): CsvConfig => ({
  path: fixture(`csv/${path}`),
  ...config,
})

describe('CSV connector: rows', () => {
  it('reads each data row as an entry keyed by the header, under the rows root', async () => {
    const { entries, problems, batches } = await readAll(csvConnector, csv('basic.csv'))
    expect(problems).toEqual([])
    expect(entries).toHaveLength(3)
    expect(entries[0]).toEqual({
      id: '1',
      name: 'Alpha',
      ip: '10.0.0.1',
      tags: ['web', 'db'],
      price: '9.5',
      active: 'true',
      born: '2001-02-03',
      seen: '2024-05-01T10:00:00Z',
      email: 'alpha@example.com',
      homepage: 'https://alpha.example.com',
    })
    expect(entries[2]!.tags).toBe('')
    expect(batches.at(-1)).toMatchObject({ cursor: '3', bytesRead: statSync(fixture('csv/basic.csv')).size })
  })

  it('splits cells holding the multi-value separator into trimmed parts, dropping empty ones', async () => {
    const { entries } = await readAll(csvConnector, csv('multi-values.csv'))
    expect(entries).toEqual([
      { host: 'web1', addresses: ['10.0.0.1', '10.0.0.2'], owners: ['ann', 'bob'] },
      { host: 'web2', addresses: '10.0.0.3', owners: '' },
    ])
    const custom = await readAll(csvConnector, {
      path: file('custom-separator.csv', 'a,b\nx;y,z\n'),
      multiValueSeparator: ';',
    })
    expect(custom.entries).toEqual([{ a: ['x', 'y'], b: 'z' }])
  })

  it('reads another delimiter, with the delimiter inside a quoted field', async () => {
    const { entries } = await readAll(csvConnector, csv('semicolon.csv', { delimiter: ';' }))
    expect(entries.map((e) => e.city)).toEqual(['Berlin', 'Köln; Innenstadt', 'Hamburg'])
  })

  it('reads another quote and escape character', async () => {
    const path = file('quotes.csv', "id,note\n1,'it\\'s, fine'\n2,plain\n")
    const { entries, problems } = await readAll(csvConnector, { path, quoteChar: "'", escapeChar: '\\' })
    expect(problems).toEqual([])
    expect(entries.map((e) => e.note)).toEqual(["it's, fine", 'plain'])
  })

  it('skips blank lines without counting them as rows', async () => {
    const { entries, problems, batches } = await readAll(csvConnector, csv('blank-lines.csv'))
    expect(problems).toEqual([])
    expect(entries).toEqual([
      { id: '1', name: 'one' },
      { id: '2', name: 'two' },
    ])
    expect(batches.at(-1)!.cursor).toBe('2')
  })

  it('reads a file with only a header as no entries', async () => {
    const { entries, problems } = await readAll(csvConnector, { path: file('header-only.csv', 'id,name\n') })
    expect([entries, problems]).toEqual([[], []])
  })
})

describe('CSV connector: entries made from the header once', () => {
  it('reads columns named like code, numbers, JSON or prototype members as plain keys, in header order', async () => {
    const names = ['id', 'a"b', 'c\\d', '}); throw 1; ({', '0', 'constructor', 'toString', 'é名\u2028x']
    const header = names.map((n) => `"${n.replaceAll('"', '""')}"`).join(',')
    const path = file('code-names.csv', `${header}\n1,2,3,4,5,6,7,8\n`)
    const { entries, problems } = await readAll(csvConnector, { path })
    expect(problems).toEqual([])
    expect(entries).toHaveLength(1)
    expect(Object.entries(entries[0]!)).toEqual(
      [...names.entries()]
        .map(([i, n]) => [n, String(i + 1)])
        .sort(([a], [b]) => (a === '0' ? -1 : b === '0' ? 1 : 0)),
    )
    expect(Object.getPrototypeOf(entries[0])).toBe(Object.prototype)
  })

  it('leaves a "__proto__" column out, as setting the key on an object does (the prototype never changes)', async () => {
    const path = file('proto.csv', 'id,__proto__,name\n1,x,one\n')
    const { entries } = await readAll(csvConnector, { path })
    expect(entries).toEqual([{ id: '1', name: 'one' }])
    expect(Object.getPrototypeOf(entries[0])).toBe(Object.prototype)
    expect(entryBuilder(['id', '__proto__'])).toBeNull()
  })

  it('reads field by field in a node that refuses code generation from strings', () => {
    const path = file('no-codegen.csv', 'id,name,tags\n1,one,a||b\n')
    const script = `
      const { csvConnector } = await import(${JSON.stringify(connectorModule)})
      const rows = []
      for await (const b of csvConnector.read({ path: ${JSON.stringify(path)} }, { batchSize: 10, signal: new AbortController().signal }))
        rows.push(...b.data.rows)
      console.log(JSON.stringify(rows))`
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    )
    expect(JSON.parse(out)).toEqual([{ id: '1', name: 'one', tags: ['a', 'b'] }])
  })

  it('reads a file of more columns than it compiles entries for (300) field by field', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `c${i}`)
    expect(entryBuilder(names)).toBeNull()
    const path = file('wide-header.csv', `${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`)
    const { entries } = await readAll(csvConnector, { path })
    expect(entries[0]!.c299).toBe('299')
    expect(Object.keys(entries[0]!)).toEqual(names)
  })

  it('splits multi-values and counts lines in chunks far into a file, after chunks without any', async () => {
    const plain = Array.from({ length: 20_000 }, (_, i) => `${i},name ${i},x`)
    const path = file(
      'late-multi.csv',
      `id,name,tags\n${plain.join('\n')}\n20000,late,a||b\n20001,"two\nlines",c\n20002,wrong\n`,
    )
    const { entries, problems } = await readAll(csvConnector, { path }, { batchSize: 1000 })
    expect(entries.at(-2)).toEqual({ id: '20000', name: 'late', tags: ['a', 'b'] })
    expect(entries.at(-1)).toEqual({ id: '20001', name: 'two\nlines', tags: 'c' })
    expect(where(problems)).toEqual([`CSV_ROW_FIELDS line ${20_000 + 5}`])
  })

  it('counts a line feed inside an unquoted field of a CRLF file as a line', async () => {
    const path = file('crlf-lone-lf.csv', 'id,name\r\n1,x\ny\r\n2,z,extra\r\n3,w\r\n')
    const { entries, problems } = await readAll(csvConnector, { path })
    expect(entries.map((e) => e.name)).toEqual(['x\ny', 'w'])
    expect(where(problems)).toEqual(['CSV_ROW_FIELDS line 4'])
  })
})

describe('CSV connector: batch size', () => {
  it('ends a batch early when its rows hold more text than the budget (very wide rows)', async () => {
    const wide = 'x'.repeat(200 * 1024)
    const path = file(
      'wide.csv',
      'id,notes\n' + Array.from({ length: 60 }, (_, i) => `${i},${wide}\n`).join(''),
    )
    const { batches, entries } = await readAll(csvConnector, { path }, { batchSize: 5000 })
    expect(entries).toHaveLength(60)
    // 4 MiB of text per batch at most (one row over the budget closes it): 21 rows of 200 KiB.
    expect(batches.length).toBeGreaterThanOrEqual(3)
    for (const b of batches) expect((b.data.rows as unknown[]).length).toBeLessThanOrEqual(21)
    expect(batches.at(-1)!.cursor).toBe('60')
  })
})

describe('CSV connector: encodings', () => {
  const PEOPLE = [
    { id: '1', name: 'José', city: 'Málaga' },
    { id: '2', name: 'Jürgen Groß', city: 'Köln' },
    { id: '3', name: 'Zoë', city: 'Besançon' },
  ]

  it('strips a UTF-8 byte order mark (the first column is "id", not "\\uFEFFid")', async () => {
    const { entries, problems } = await readAll(csvConnector, csv('bom-utf8.csv'))
    expect(problems).toEqual([])
    expect(entries).toEqual(PEOPLE)
  })

  it('detects UTF-16 LE by its byte order mark, whatever the configured encoding', async () => {
    expect((await readAll(csvConnector, csv('utf16le-bom.csv'))).entries).toEqual(PEOPLE)
  })

  it('detects UTF-16 BE by its byte order mark', async () => {
    expect((await readAll(csvConnector, csv('utf16be-bom.csv'))).entries).toEqual(PEOPLE)
  })

  it('reads UTF-16 LE without a byte order mark when configured', async () => {
    expect((await readAll(csvConnector, csv('utf16le.csv', { encoding: 'utf-16le' }))).entries).toEqual(
      PEOPLE,
    )
  })

  it('reads UTF-16 BE without a byte order mark when configured', async () => {
    expect((await readAll(csvConnector, csv('utf16be.csv', { encoding: 'utf-16be' }))).entries).toEqual(
      PEOPLE,
    )
  })

  it('reads ISO-8859-1 as true Latin-1 (é, ß; byte 0x80 is U+0080, not €)', async () => {
    const { entries, problems } = await readAll(csvConnector, csv('latin1.csv', { encoding: 'iso-8859-1' }))
    expect(problems).toEqual([])
    expect(entries).toEqual([
      { id: '1', name: 'Café', note: 'Straße' },
      { id: '2', name: 'Noël', note: '\u0080' },
    ])
  })

  it('reads Windows-1252 (€ and curly quotes, which are not CSV quotes)', async () => {
    const { entries, problems } = await readAll(
      csvConnector,
      csv('windows1252.csv', { encoding: 'windows-1252' }),
    )
    expect(problems).toEqual([])
    expect(entries).toEqual([
      { id: '1', price: '€5', quote: '“hello”' },
      { id: '2', price: '10 €', quote: 'it’s' },
    ])
  })

  it('decodes a character split across two read chunks whole', async () => {
    // 256 KiB chunks: put a two-byte é across the first boundary.
    const filler = 'x'.repeat(256 * 1024 - 'id,text\n1,'.length - 1)
    const path = file('split-char.csv', `id,text\n1,${filler}é\n2,ü\n`)
    const { entries, problems } = await readAll(csvConnector, { path })
    expect(problems).toEqual([])
    expect((entries[0]!.text as string).endsWith('xé')).toBe(true)
    expect(entries[1]).toEqual({ id: '2', text: 'ü' })
  })
})

describe('CSV connector: malformed rows are problems, never a crash', () => {
  it('skips a row with the wrong number of fields and reports its line; the rows around it come through', async () => {
    const { entries, problems } = await readAll(csvConnector, csv('wrong-fields.csv'), { batchSize: 2 })
    expect(entries.map((e) => e.id)).toEqual(['1', '3', '5'])
    expect(where(problems)).toEqual(['CSV_ROW_FIELDS line 3', 'CSV_ROW_FIELDS line 5'])
    expect(problems[0]).toMatchObject({
      objectTypeId: null,
      message: 'line 3 has 2 fields, the header has 3; the row was skipped',
    })
  })

  it('reports an unterminated quote on its line and reads the rows after it', async () => {
    const { entries, problems } = await readAll(csvConnector, csv('unterminated-quote.csv'))
    expect(entries).toEqual([
      { id: '1', name: 'one', note: 'a "quoted" word' },
      { id: '3', name: 'three', note: 'fine' },
      { id: '4', name: 'four', note: 'also fine' },
    ])
    expect(where(problems)).toEqual(['CSV_UNTERMINATED_QUOTE line 3'])
  })

  it('reports an unterminated quote on the last line', async () => {
    const path = file('last-quote.csv', 'id,name\n1,one\n2,"two\n')
    const { entries, problems } = await readAll(csvConnector, { path })
    expect(entries).toEqual([{ id: '1', name: 'one' }])
    expect(where(problems)).toEqual(['CSV_UNTERMINATED_QUOTE line 3'])
  })

  it('reports text after a closing quote', async () => {
    const path = file('invalid-quote.csv', 'id,name\n1,"one"x\n2,two\n')
    const { entries, problems } = await readAll(csvConnector, { path })
    expect(entries).toEqual([{ id: '2', name: 'two' }])
    expect(where(problems)).toEqual(['CSV_INVALID_QUOTE line 2'])
  })

  it('reports a stray quote far before the end of a large file, and reads on', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i + 3},row ${i + 3},"quoted ${i + 3}"`)
    const path = file('stray-quote.csv', `id,name,note\n1,one,x\n2,"two,y\n${rows.join('\n')}\n`)
    const { entries, problems } = await readAll(csvConnector, { path }, { batchSize: 1000 })
    expect(where(problems)).toEqual(['CSV_UNTERMINATED_QUOTE line 3'])
    expect(entries).toHaveLength(30_001)
    expect(entries.at(-1)).toEqual({ id: '30002', name: 'row 30002', note: 'quoted 30002' })
  })

  it('counts physical lines: quoted fields spanning lines, CRLF line ends', async () => {
    const multiline = await readAll(csvConnector, csv('multiline.csv'))
    expect(multiline.entries.map((e) => e.id)).toEqual(['1', '2', '4', '5'])
    expect(multiline.entries[0]!.note).toBe('first line\nsecond line\nthird line')
    expect(where(multiline.problems)).toEqual(['CSV_ROW_FIELDS line 6'])
    const crlf = await readAll(csvConnector, csv('crlf.csv'))
    expect(crlf.entries.map((e) => e.id)).toEqual(['1', '2', '4'])
    expect(crlf.entries[1]!.name).toBe('two\r\nlines')
    expect(where(crlf.problems)).toEqual(['CSV_ROW_FIELDS line 5'])
  })

  it('reports undecodable bytes on their line and keeps the rows around them', async () => {
    const { entries, problems } = await readAll(csvConnector, csv('invalid-utf8.csv'))
    expect(entries.map((e) => e.id)).toEqual(['1', '2', '3'])
    expect(entries[1]!.name).toBe('bad\uFFFD\uFFFDname')
    expect(where(problems)).toEqual(['CSV_UNDECODABLE line 3'])
  })

  it('throws naming an empty header column', async () => {
    await expect(readAll(csvConnector, csv('empty-header.csv'))).rejects.toMatchObject({
      code: 'SOURCE_COLUMN_NAME_EMPTY',
      status: 400,
      details: { column: 2 },
    })
  })

  it('throws naming a repeated header column', async () => {
    await expect(readAll(csvConnector, csv('duplicate-header.csv'))).rejects.toMatchObject({
      code: 'SOURCE_COLUMN_NAME_DUPLICATE',
      details: { name: 'name', columns: [2, 4] },
    })
  })

  it('throws for an empty file (no header row)', async () => {
    await expect(readAll(csvConnector, { path: file('empty.csv', '') })).rejects.toMatchObject({
      code: 'SOURCE_HEADER_MISSING',
    })
  })
})

describe('CSV connector: batches and cursor', () => {
  const numbered = (n: number): string =>
    `id,name\n${Array.from({ length: n }, (_, i) => `${i + 1},name ${i + 1}`).join('\n')}\n`

  it('cuts batches of batchSize entries, the last one shorter, each with the rows consumed as cursor', async () => {
    const { batches } = await readAll(csvConnector, { path: file('25.csv', numbered(25)) }, { batchSize: 10 })
    expect(batches.map((b) => (b.data.rows as unknown[]).length)).toEqual([10, 10, 5])
    expect(batches.map((b) => b.cursor)).toEqual(['10', '20', '25'])
  })

  it('resumes after the cursor without repeating entries or problems', async () => {
    const config = csv('wrong-fields.csv')
    const all = await readAll(csvConnector, config, { batchSize: 2 })
    const first = all.batches[0]!
    expect(first.cursor).toBe('3')
    const rest = await readAll(csvConnector, config, { batchSize: 2, cursor: first.cursor })
    expect(rest.entries.map((e) => e.id)).toEqual(['5'])
    expect(where(rest.problems)).toEqual(['CSV_ROW_FIELDS line 5'])
    const atEnd = await readAll(csvConnector, config, { cursor: all.batches.at(-1)!.cursor })
    expect([atEnd.entries, atEnd.problems]).toEqual([[], []])
  })

  it('rejects a cursor it did not write', async () => {
    await expect(readAll(csvConnector, csv('basic.csv'), { cursor: 'abc' })).rejects.toMatchObject({
      code: 'SOURCE_CURSOR_INVALID',
    })
  })

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController()
    const read = csvConnector.read(
      { path: file('abort.csv', numbered(50)) },
      { batchSize: 10, signal: controller.signal },
    )
    const iterator = read[Symbol.asyncIterator]()
    expect((await iterator.next()).done).toBe(false)
    controller.abort()
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('streams a large file with bounded memory: the first batch arrives long before the file is read', async () => {
    const path = join(dir, 'large.csv')
    const out = createWriteStream(path)
    out.write('id,name,ip,tags,price\n')
    const total = 200_000
    for (let i = 1; i <= total; i += 1000) {
      let block = ''
      for (let j = i; j < i + 1000; j++)
        block += `${j},host ${j},10.0.${(j >> 8) & 255}.${j & 255},a||b,${j / 10}\n`
      if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve) => out.end(() => resolve()))
    const size = statSync(path).size
    let rows = 0
    let firstBytes = -1
    let batches = 0
    for await (const batch of csvConnector.read({ path }, { batchSize: 5000, signal: signal() })) {
      if (firstBytes < 0) firstBytes = batch.bytesRead!
      rows += (batch.data.rows as unknown[]).length
      batches++
    }
    expect(rows).toBe(total)
    expect(batches).toBe(40)
    expect(firstBytes).toBeLessThan(size / 4)
  })
})

describe('CSV connector: connection check and discovery', () => {
  it('answers ok for a readable file with a good header', async () => {
    expect(await csvConnector.testConnection(csv('basic.csv'), signal())).toEqual({ ok: true })
  })

  it('answers friendly codes for a missing file, a directory and a bad header', async () => {
    expect(await csvConnector.testConnection({ path: join(dir, 'nope.csv') }, signal())).toMatchObject({
      ok: false,
      code: 'FILE_NOT_FOUND',
    })
    expect(await csvConnector.testConnection({ path: dir }, signal())).toMatchObject({
      ok: false,
      code: 'FILE_NOT_READABLE',
    })
    const bad = await csvConnector.testConnection(csv('duplicate-header.csv'), signal())
    expect(bad).toMatchObject({ ok: false, code: 'CSV_HEADER_INVALID' })
    expect(bad.ok === false && bad.message).toContain('"name"')
  })

  it('infers a kind per column from the sampled rows', async () => {
    const schema = await csvConnector.discoverSchema(csv('basic.csv'), { sampleSize: 100, signal: signal() })
    expect(schema.roots).toHaveLength(1)
    const [root] = schema.roots
    expect(root!.name).toBe('rows')
    expect(root!.sampledEntries).toBe(3)
    expect(Object.fromEntries(root!.fields.map((f) => [f.name, f.type]))).toEqual({
      id: 'integer',
      name: 'text',
      ip: 'ipaddress',
      tags: 'text',
      price: 'double',
      active: 'boolean',
      born: 'date',
      seen: 'date_time',
      email: 'email',
      homepage: 'url',
    })
    const tags = root!.fields.find((f) => f.name === 'tags')!
    expect(tags).toMatchObject({ multiple: true, empty: 1, samples: ['web', 'db'] })
  })

  it('samples only sampleSize rows, and lists the columns of a file without rows', async () => {
    const path = file('sample.csv', 'n,flag\n1,x\n2,y\n3,z\nnot a number,w\n')
    const schema = await csvConnector.discoverSchema({ path }, { sampleSize: 3, signal: signal() })
    expect(schema.roots[0]).toMatchObject({ sampledEntries: 3, fields: [{ name: 'n', type: 'integer' }, {}] })
    const empty = await csvConnector.discoverSchema(
      { path: file('no-rows.csv', 'a,b\n') },
      { sampleSize: 3, signal: signal() },
    )
    expect(empty.roots[0]!.fields.map((f) => [f.name, f.type])).toEqual([
      ['a', 'text'],
      ['b', 'text'],
    ])
  })
})
