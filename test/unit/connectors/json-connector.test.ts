import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { jsonConnector } from '../../../src/connectors/json/json.connector.js'
import { fixture, readAll, signal } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'intake-json-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const inventory = { path: fixture('json/inventory.json') }

describe('JSON connector: reading', () => {
  it('yields the elements of each top-level array in batches of one root, at most batchSize each', async () => {
    const { batches } = await readAll(jsonConnector, inventory, { batchSize: 2 })
    expect(batches.map((b) => Object.keys(b.data))).toEqual([
      ['hardDrives'],
      ['hardDrives'],
      ['version'],
      ['operatingSystems'],
    ])
    expect((batches[0]!.data.hardDrives as { id: string }[]).map((d) => d.id)).toEqual(['HD-1', 'HD-2'])
    expect((batches[1]!.data.hardDrives as { id: string }[]).map((d) => d.id)).toEqual(['HD-3'])
    expect(batches[0]!.data.hardDrives).toMatchObject([
      {
        dimensions: { width: 70, height: 7 },
        ips: ['10.0.0.1', '10.0.0.2'],
        files: [{ path: '/etc/hosts' }],
      },
      {},
    ])
    expect(batches.map((b) => b.cursor)).toEqual(['2', '3', '4', '6'])
    expect(batches.every((b) => b.problems.length === 0)).toBe(true)
    expect(batches.at(-1)!.bytesRead).toBe(statSync(inventory.path).size)
  })

  it('yields a top-level value that is not an array as is, for the engine to report like a push chunk', async () => {
    const { batches } = await readAll(jsonConnector, inventory)
    expect(batches.find((b) => 'version' in b.data)!.data).toEqual({ version: 3 })
    const objects = await readAll(jsonConnector, {
      path: file('object-root.json', '{"a":{"b":[1]},"c":[{"x":1}]}'),
    })
    expect(objects.batches.map((b) => b.data)).toEqual([{ a: { b: [1] } }, { c: [{ x: 1 }] }])
  })

  it('resumes after the cursor', async () => {
    const { batches } = await readAll(jsonConnector, inventory, { batchSize: 2 })
    const rest = await readAll(jsonConnector, inventory, { batchSize: 2, cursor: batches[0]!.cursor })
    expect(rest.batches.map((b) => b.data)).toEqual(batches.slice(1).map((b) => b.data))
    const middle = await readAll(jsonConnector, inventory, { batchSize: 10, cursor: '4' })
    expect(middle.batches.map((b) => b.data)).toEqual([
      {
        operatingSystems: [
          { name: 'Linux', vendor: 'Various' },
          { name: 'Windows', vendor: 'Microsoft' },
        ],
      },
    ])
  })

  it('fails on malformed JSON with the byte position, after yielding what came before', async () => {
    const seen: string[] = []
    const read = async () => {
      for await (const batch of jsonConnector.read(
        { path: fixture('json/malformed.json.txt') },
        { batchSize: 1, signal: signal() },
      )) {
        seen.push(...(batch.data.hardDrives as { id: string }[]).map((d) => d.id))
      }
    }
    await expect(read()).rejects.toMatchObject({
      code: 'SOURCE_JSON_MALFORMED',
      status: 400,
      details: { position: 52 },
    })
    expect(seen).toEqual(['HD-1', 'HD-2'])
  })

  it('fails on a truncated file and on a top level that is not an object', async () => {
    await expect(
      readAll(jsonConnector, { path: file('truncated.json', '{"a":[{"x":1},') }),
    ).rejects.toMatchObject({
      code: 'SOURCE_JSON_MALFORMED',
    })
    await expect(
      readAll(jsonConnector, { path: fixture('json/top-level-array.json') }),
    ).rejects.toMatchObject({
      code: 'SOURCE_JSON_MALFORMED',
      details: { position: 0 },
    })
    await expect(readAll(jsonConnector, { path: file('empty.json', '') })).rejects.toMatchObject({
      code: 'SOURCE_JSON_MALFORMED',
    })
  })

  it('streams a large file: the first batch arrives long before the file is read', async () => {
    const path = join(dir, 'large.json')
    const out = createWriteStream(path)
    const total = 100_000
    out.write('{"items":[')
    for (let i = 0; i < total; i += 1000) {
      const block: string[] = []
      for (let j = i; j < i + 1000; j++)
        block.push(JSON.stringify({ id: j, name: `item ${j}`, tags: ['a', 'b'] }))
      if (!out.write((i === 0 ? '' : ',') + block.join(',')))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve) => out.end(']}', () => resolve()))
    const size = statSync(path).size
    let entries = 0
    let firstBytes = -1
    for await (const batch of jsonConnector.read({ path }, { batchSize: 1000, signal: signal() })) {
      if (firstBytes < 0) firstBytes = batch.bytesRead!
      entries += (batch.data.items as unknown[]).length
    }
    expect(entries).toBe(total)
    expect(firstBytes).toBeLessThan(size / 4)
  })
})

describe('JSON connector: batch size', () => {
  it('ends a batch early when its entries hold more text than the budget', async () => {
    const wide = 'y'.repeat(300 * 1024)
    const path = file(
      'wide.json',
      JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: i, notes: wide })) }),
    )
    const { batches } = await readAll(jsonConnector, { path }, { batchSize: 5000, root: 'items' })
    const sizes = batches.map((b) => (b.data.items as unknown[]).length)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(14)
  })
})

describe('JSON connector: connection check and discovery', () => {
  it('checks the file and that it parses', async () => {
    expect(await jsonConnector.testConnection(inventory, signal())).toEqual({ ok: true })
    expect(
      await jsonConnector.testConnection({ path: fixture('json/malformed.json.txt') }, signal()),
    ).toMatchObject({
      ok: false,
      code: 'JSON_MALFORMED',
    })
    expect(await jsonConnector.testConnection({ path: join(dir, 'missing.json') }, signal())).toMatchObject({
      ok: false,
      code: 'FILE_NOT_FOUND',
    })
  })

  it('discovers each root, nested objects as dotted paths, arrays of scalars as multiple', async () => {
    const schema = await jsonConnector.discoverSchema(inventory, { sampleSize: 10, signal: signal() })
    expect(schema.roots.map((r) => [r.name, r.sampledEntries])).toEqual([
      ['hardDrives', 3],
      ['hardDrives.files', 3],
      ['operatingSystems', 2],
    ])
    const drives = Object.fromEntries(schema.roots[0]!.fields.map((f) => [f.name, f]))
    expect(Object.fromEntries(Object.entries(drives).map(([name, f]) => [name, f.type]))).toEqual({
      id: 'text',
      label: 'text',
      sizeGb: 'integer',
      ratio: 'double',
      ssd: 'boolean',
      bought: 'date',
      checked: 'date_time',
      ips: 'ipaddress',
      'dimensions.width': 'integer',
      'dimensions.height': 'integer',
    })
    expect(drives.ips).toMatchObject({
      multiple: true,
      empty: 1,
      samples: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    })
    expect(drives.sizeGb).toMatchObject({ multiple: false, empty: 0 })
    expect(schema.roots[1]!.fields.map((f) => [f.name, f.type])).toEqual([
      ['path', 'text'],
      ['size', 'integer'],
    ])
  })

  it('samples at most sampleSize entries per root', async () => {
    const schema = await jsonConnector.discoverSchema(inventory, { sampleSize: 1, signal: signal() })
    expect(schema.roots.map((r) => [r.name, r.sampledEntries])).toEqual([
      ['hardDrives', 1],
      ['hardDrives.files', 1],
      ['operatingSystems', 1],
    ])
  })
})
