import fsp from 'node:fs/promises'
import path from 'node:path'

/**
 * Temporary files Intake writes under INTAKE_DATA_DIR: partial uploads (`uploads/<source>/.upload-*.part`) and the
 * sheets an XLSX read parks on disk (`tmp/xlsx-*`). Each is deleted when its work ends, however it ends; what a
 * crash left behind is removed at the next start.
 */
export const PARTIAL_UPLOAD = /^\.upload-.*\.part$/
export const XLSX_TEMP = /^xlsx-.*\.xml$/

/** The directory for XLSX temp sheets. */
export const tempDir = (dataDir: string): string => path.join(dataDir, 'tmp')

/**
 * A temp file younger than this may belong to another process sharing the data directory (a `serve` and its
 * `worker`s): it is left alone at start. Every such file is written continuously while in use, and the server's
 * timeouts end a stalled upload well before this age.
 */
export const STALE_TEMP_MS = 10 * 60 * 1000

/**
 * Removes the crash leftovers under `dataDir`: partial uploads and XLSX temp sheets not modified for
 * `olderThanMs`. Answers how many files it removed.
 */
export async function removeStaleTempFiles(
  dataDir: string,
  olderThanMs = STALE_TEMP_MS,
  now = Date.now(),
): Promise<number> {
  let removed = 0
  const sweep = async (dir: string, pattern: RegExp): Promise<void> => {
    const names = await fsp.readdir(dir).catch(() => [] as string[])
    for (const name of names) {
      if (!pattern.test(name)) continue
      const file = path.join(dir, name)
      const stat = await fsp.stat(file).catch(() => null)
      if (!stat?.isFile() || now - stat.mtimeMs < olderThanMs) continue
      await fsp.rm(file, { force: true })
      removed++
    }
  }
  const uploads = path.join(dataDir, 'uploads')
  const sources = await fsp.readdir(uploads, { withFileTypes: true }).catch(() => [])
  for (const entry of sources)
    if (entry.isDirectory()) await sweep(path.join(uploads, entry.name), PARTIAL_UPLOAD)
  await sweep(tempDir(dataDir), XLSX_TEMP)
  return removed
}
