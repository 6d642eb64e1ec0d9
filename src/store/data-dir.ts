import fs from 'node:fs'
import path from 'node:path'

/** The data directory cannot be created or written; `code` is the file system's reason (EACCES, ENOTDIR, …). */
export class DataDirectoryError extends Error {
  readonly dir: string
  readonly reason: string
  constructor(dir: string, cause: unknown) {
    const reason = String((cause as { code?: unknown }).code ?? (cause as Error).message)
    super(`cannot create or write the data directory ${dir} (${reason})`, { cause })
    this.name = 'DataDirectoryError'
    this.dir = dir
    this.reason = reason
  }
}

/**
 * Creates the data directory when it is missing and proves that it can be written (uploads land there), so that a
 * server refuses to start — with the path and the reason — instead of failing at the first upload.
 */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
    const probe = path.join(dir, `.intake-write-check-${process.pid}`)
    fs.writeFileSync(probe, '')
    fs.rmSync(probe, { force: true })
  } catch (error) {
    throw new DataDirectoryError(dir, error)
  }
}
