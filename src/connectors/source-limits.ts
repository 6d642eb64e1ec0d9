import os from 'node:os'
import path from 'node:path'

/**
 * The bounds a connector keeps while reading a source file, so that one file cannot exhaust the server's memory,
 * disk or event loop. Each comes from a configuration variable (named in the error when it is passed).
 */
export interface SourceLimits {
  /** Where connectors park temporary files (XLSX sheets); under INTAKE_DATA_DIR in a server. */
  readonly tempDir: string
  /** INTAKE_XLSX_MAX_BYTES: most bytes the parts of a workbook that are read may decompress to. */
  readonly xlsxMaxBytes: number
  /** INTAKE_XLSX_MAX_CELLS: most cells (rows × columns spanned) in the sheets of a workbook. */
  readonly xlsxMaxCells: number
  /** INTAKE_SOURCE_MAX_COLUMNS: most columns of a CSV or XLSX header (and keys of a JSON entry in discovery). */
  readonly maxColumns: number
  /** INTAKE_DISCOVER_MAX_SAMPLE_CHARS: a discovery sample longer than this is cut (marked with …). */
  readonly sampleMaxChars: number
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = Object.freeze({
  tempDir: path.join(os.tmpdir(), 'intake'),
  xlsxMaxBytes: 1024 ** 3,
  xlsxMaxCells: 50_000_000,
  maxColumns: 2_000,
  sampleMaxChars: 200,
})
