/**
 * The engine benchmark's hardware rows as an .xlsx (file.bench.ts), written with exceljs's streaming
 * WorkbookWriter. Run as a script it writes the file in a process of its own, so that the writer's memory never
 * counts in the RSS of the import measured beside it: `node --import tsx bench/hardware-xlsx.ts <file> <rows>`
 * prints the file's size.
 */
import fs from 'node:fs'
import { pathToFileURL } from 'node:url'
import ExcelJS from 'exceljs'
import { HEADER, row } from './engine/hardware-data.js'

/**
 * Writes n rows, each committed at once and the event loop let through every 1,000 rows so the zip stream drains
 * (a synchronous loop of commits would hold the whole sheet in memory); inline strings, no shared-strings table.
 * The size is a number, the purchase date a date cell (midnight UTC, formatted yyyy-mm-dd), an empty parent an
 * empty cell. Answers the file's size.
 */
export async function writeXlsx(file: string, n: number): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: true,
  })
  const sheet = workbook.addWorksheet('assets')
  sheet.columns = HEADER.map((h) => ({
    header: h,
    key: h,
    ...(h === 'purchase_date' && { style: { numFmt: 'yyyy-mm-dd' } }),
  }))
  const sizeAt = HEADER.indexOf('size')
  const dateAt = HEADER.indexOf('purchase_date')
  for (let i = 0; i < n; i++) {
    const cells: (string | number | Date | null)[] = row(i)
    const [y, m, d] = (cells[dateAt] as string).split('-').map(Number)
    cells[sizeAt] = Number(cells[sizeAt])
    cells[dateAt] = new Date(Date.UTC(y!, m! - 1, d!))
    if (cells[cells.length - 1] === '') cells[cells.length - 1] = null
    sheet.addRow(cells).commit()
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve))
  }
  sheet.commit()
  await workbook.commit()
  return fs.statSync(file).size
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, rows] = process.argv.slice(2)
  const size = await writeXlsx(file!, Number(rows))
  const peak = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1]
  process.stdout.write(`${size} ${peak ? Math.round(Number(peak) / 1024) : ''}\n`)
}
