/**
 * exceljs's streaming WorkbookReader with bounds. Its own `parse()` parks every sheet that comes before the shared
 * strings in the zip (the usual order of files Excel writes) in a file of the system temp directory, never capped
 * and deleted only when the whole parse completes: a small, highly compressible upload could fill a disk, and a read
 * that ended early (an error, a cancel, a pause, a crash) left its files behind. This `parse()` is exceljs's, with
 * three changes:
 * - parked sheets go to `tempDir` (under INTAKE_DATA_DIR), and are deleted when the parse ends, however it ends;
 * - every part that is read is counted as it is decompressed: past `maxBytes` the read stops with
 *   SOURCE_LIMIT_EXCEEDED (an XLSX bomb);
 * - parts nobody reads are drained without being decompressed.
 */
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import ExcelJS from 'exceljs'
import { SourceLimitExceededError } from '../connector-errors.js'

/** The zip parser exceljs itself uses (its own dependency, loaded from exceljs's location). */
const fromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'))
const unzipper = fromExceljs('unzipper') as { Parse(options: { forceStream: true }): NodeJS.ReadWriteStream }

interface ZipEntry extends Readable {
  path: string
  autodrain(): unknown
}

/** The exceljs internals `parse()` calls (not in its typings). */
interface ReaderInternals {
  input: Readable
  stream?: Readable
  sharedStrings?: unknown[]
  workbookRels?: unknown
  _parseRels(entry: Readable): Promise<void>
  _parseWorkbook(entry: Readable): Promise<void>
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>
  _parseStyles(entry: Readable): Promise<void>
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<unknown>
  _parseHyperlinks(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<unknown>
}

export interface WorkbookBounds {
  /** Where sheets are parked while the shared strings are still to come. */
  tempDir: string
  /** Most bytes the parts read may decompress to, all together. */
  maxBytes: number
  /** The configuration variable of `maxBytes`, named in the error. */
  maxBytesSetting: string
}

const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/
const SHEET_RELS = /^xl\/worksheets\/_rels\/sheet(\d+)\.xml\.rels$/

const Base = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (
  input: Readable,
  options: Record<string, unknown>,
) => object

export class BoundedWorkbookReader extends Base {
  #bounds: WorkbookBounds
  #inflated = 0

  constructor(input: Readable, options: Record<string, unknown>, bounds: WorkbookBounds) {
    super(input, options)
    this.#bounds = bounds
  }

  /** Bytes decompressed so far. */
  get inflated(): number {
    return this.#inflated
  }

  /** A pass-through that counts what flows through it against the workbook's budget. */
  #counted(source: Readable): Readable {
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.#inflated += chunk.length
        if (this.#inflated > this.#bounds.maxBytes) {
          done(
            SourceLimitExceededError({
              limit: this.#bounds.maxBytesSetting,
              max: this.#bounds.maxBytes,
              reason: `the workbook decompresses to more than ${this.#bounds.maxBytes} bytes`,
            }),
          )
        } else done(null, chunk)
      },
    })
    source.on('error', (error) => counter.destroy(error))
    return source.pipe(counter)
  }

  async *parse(): AsyncGenerator<{ eventType: string; value: unknown }> {
    const self = this as unknown as ReaderInternals
    const input = (self.stream = self.input)
    const zip = unzipper.Parse({ forceStream: true })
    input.on('error', (error) => (zip as unknown as Readable).destroy(error))
    input.pipe(zip)
    const parked: { sheetNo: string; file: string }[] = []
    const opened: Readable[] = []
    try {
      for await (const item of zip as unknown as AsyncIterable<ZipEntry>) {
        const entry = item
        let match: RegExpMatchArray | null
        switch (entry.path) {
          case 'xl/_rels/workbook.xml.rels':
            await self._parseRels(this.#counted(entry))
            break
          case 'xl/workbook.xml':
            await self._parseWorkbook(this.#counted(entry))
            break
          case 'xl/sharedStrings.xml':
            yield* self._parseSharedStrings(this.#counted(entry)) as AsyncGenerator<{
              eventType: string
              value: unknown
            }>
            break
          case 'xl/styles.xml':
            await self._parseStyles(this.#counted(entry))
            break
          default:
            if ((match = SHEET.exec(entry.path))) {
              const sheetNo = match[1]!
              if (self.sharedStrings && self.workbookRels) {
                yield* self._parseWorksheet(this.#counted(entry), sheetNo) as Generator<{
                  eventType: string
                  value: unknown
                }>
              } else {
                await mkdir(this.#bounds.tempDir, { recursive: true })
                const file = path.join(this.#bounds.tempDir, `xlsx-${randomUUID()}.xml`)
                parked.push({ sheetNo, file })
                await pipeline(this.#counted(entry), createWriteStream(file, { flags: 'wx' }))
              }
            } else if ((match = SHEET_RELS.exec(entry.path))) {
              yield* self._parseHyperlinks(this.#counted(entry), match[1]!) as Generator<{
                eventType: string
                value: unknown
              }>
            } else {
              entry.autodrain() // read by nobody: skipped without decompressing it
              continue
            }
        }
        entry.autodrain()
      }
      for (const { sheetNo, file } of parked) {
        // Counted once already, as it was decompressed into the file. Unlinked as soon as it is open: the disk space
        // comes back when the read stream closes, and a crash from here on leaves nothing behind.
        const sheet = createReadStream(file)
        opened.push(sheet)
        sheet.once('open', () => void rm(file, { force: true }).catch(() => undefined))
        yield* self._parseWorksheet(sheet, sheetNo) as Generator<{
          eventType: string
          value: unknown
        }>
      }
    } finally {
      input.unpipe(zip)
      ;(zip as unknown as Readable).destroy()
      for (const sheet of opened) {
        sheet.on('error', () => undefined) // its file may be gone before a lazy open: nobody reads it any more
        sheet.destroy()
      }
      await Promise.all(parked.map(({ file }) => rm(file, { force: true })))
    }
  }
}
