import fs from 'node:fs'
import path from 'node:path'

/**
 * Creates the data directory when it is missing and proves that it can be written (uploads land there), so that a
 * server refuses to start — with the path and the reason in the error — instead of failing at the first upload.
 */
export function ensureWritableDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true })
  const probe = path.join(dir, `.intake-write-check-${process.pid}`)
  fs.writeFileSync(probe, '')
  fs.rmSync(probe, { force: true })
}
