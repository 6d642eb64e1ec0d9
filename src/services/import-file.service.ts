import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { isoNow, systemClock, type Clock } from '../domain/clock.js'
import { NotFoundError } from '../domain/errors.js'
import {
  ImportFileMissingError,
  NotAFileSourceError,
  ServerFileNotFoundError,
  ServerFilesDisabledError,
  ServerPathOutsideError,
  UploadMissingError,
  UploadTooLargeError,
} from '../domain/import-source/file-import-errors.js'
import { isFileSourceType, type ImportSource } from '../domain/import-source/import-source.types.js'
import type { Db } from '../store/create-store.js'
import type { ImportSourceService } from './import-source.service.js'
import { removeStaleTempFiles } from './temp-files.js'

export type FileOrigin = 'upload' | 'server'

/** What `GET …/file` answers: never the content. */
export interface ImportFileInfo {
  origin: FileOrigin
  /** The upload's file name, or the path relative to INTAKE_IMPORT_DIR. */
  name: string
  size: number
  contentType: string | null
  uploaded: string
}

/** The file a run or a discovery reads: its absolute path (confined) and size now. */
export interface ResolvedFile {
  path: string
  size: number
  info: ImportFileInfo
}

export interface ImportFileLimits {
  dataDir: string
  maxUploadBytes: number
  importDir: string | null
}

/** The file of a file import source: uploads under `dataDir/uploads/<source>/`, or a file in INTAKE_IMPORT_DIR. */
export class ImportFileService {
  constructor(
    private readonly db: Db,
    private readonly sources: ImportSourceService,
    private readonly limits: ImportFileLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The source, when it is a file source (csv, json, xlsx); else 400 NOT_A_FILE_SOURCE. */
  async fileSource(workspaceId: string, id: string): Promise<ImportSource> {
    const source = await this.sources.get(workspaceId, id)
    if (!isFileSourceType(source.type)) throw NotAFileSourceError({ importSourceId: id, type: source.type })
    return source
  }

  get maxUploadBytes(): number {
    return this.limits.maxUploadBytes
  }

  /**
   * Streams `body` into the source's upload directory (a temporary name, renamed when complete) and makes it the
   * source's file, replacing the previous one. Past INTAKE_MAX_UPLOAD_BYTES it stops with 413 UPLOAD_TOO_LARGE and
   * keeps the previous file. Refused while the source has an import running.
   */
  async storeUpload(
    workspaceId: string,
    id: string,
    body: Readable,
    meta: { name?: string | null; contentType?: string | null },
  ): Promise<ImportFileInfo> {
    const source = await this.fileSource(workspaceId, id)
    await this.sources.assertNotRunning(workspaceId, id, 'replace its file', { held: false })
    const dir = this.uploadDir(id)
    await fsp.mkdir(dir, { recursive: true })
    const temp = path.join(dir, `.upload-${randomUUID()}.part`)
    const size = await writeLimited(body, temp, this.limits.maxUploadBytes)
    if (size === 0) {
      await fsp.rm(temp, { force: true })
      throw UploadMissingError({ reason: 'the body is empty' })
    }
    const name = safeName(meta.name, source.type)
    const stored = `${randomUUID().slice(0, 8)}-${name}`
    await fsp.rename(temp, path.join(dir, stored)).catch(async (error: unknown) => {
      await fsp.rm(temp, { force: true })
      throw error
    })
    try {
      return await this.record(id, {
        origin: 'upload',
        name,
        path: stored,
        size,
        contentType: meta.contentType ?? null,
      })
    } catch (error) {
      await fsp.rm(path.join(dir, stored), { force: true })
      throw error
    }
  }

  /**
   * Makes a file inside INTAKE_IMPORT_DIR the source's file. The path (relative to the directory, or absolute) is
   * resolved with realpath: anything outside the directory — through `..`, an absolute path elsewhere or a
   * symbolic link pointing out — is refused.
   */
  async useServerFile(workspaceId: string, id: string, requested: string): Promise<ImportFileInfo> {
    await this.fileSource(workspaceId, id)
    await this.sources.assertNotRunning(workspaceId, id, 'replace its file', { held: false })
    const { relative, size } = await this.confine(requested)
    return this.record(id, { origin: 'server', name: relative, path: relative, size, contentType: null })
  }

  async info(workspaceId: string, id: string): Promise<ImportFileInfo> {
    await this.fileSource(workspaceId, id)
    const row = await this.row(id)
    if (!row) throw NotFoundError({ entity: 'File of import source', id })
    return row
  }

  /** The file to read now (server files are confined again: a link may have changed since). */
  async resolve(workspaceId: string, id: string): Promise<ResolvedFile> {
    await this.fileSource(workspaceId, id)
    const info = await this.row(id)
    const stored = await this.db
      .selectFrom('import_source_file')
      .select('path')
      .where('import_source_id', '=', id)
      .executeTakeFirst()
    if (!info || !stored) throw ImportFileMissingError({ importSourceId: id })
    if (info.origin === 'server') {
      const { real, size } = await this.confine(stored.path)
      return { path: real, size, info }
    }
    const file = path.join(this.uploadDir(id), stored.path)
    const stat = await fsp.stat(file).catch(() => null)
    if (!stat?.isFile()) throw ImportFileMissingError({ importSourceId: id })
    return { path: file, size: stat.size, info }
  }

  /** Removes partial uploads and XLSX temp sheets that a crash left behind (see temp-files.ts); answers how many. */
  cleanTempFiles(olderThanMs?: number): Promise<number> {
    return removeStaleTempFiles(this.limits.dataDir, olderThanMs)
  }

  /**
   * Keeps the file a held execution read (mass-delete guard), so that its approval reads the same content even if
   * the source's file is replaced meanwhile: a hard link where possible, else a copy, in the source's upload
   * directory. Answers the kept file's name there.
   */
  async keepForExecution(sourceId: string, executionId: string, file: string): Promise<string> {
    const dir = this.uploadDir(sourceId)
    await fsp.mkdir(dir, { recursive: true })
    const name = `held-${executionId}`
    const target = path.join(dir, name)
    await fsp.rm(target, { force: true })
    await fsp.link(file, target).catch(() => fsp.copyFile(file, target))
    return name
  }

  /** The kept file of a held execution, if it is still there. */
  async keptFile(sourceId: string, name: string): Promise<{ path: string; size: number } | null> {
    const file = path.join(this.uploadDir(sourceId), path.basename(name))
    const stat = await fsp.stat(file).catch(() => null)
    return stat?.isFile() ? { path: file, size: stat.size } : null
  }

  /** Removes the kept file of an execution once it was decided. */
  async dropKept(sourceId: string, name: string): Promise<void> {
    await fsp.rm(path.join(this.uploadDir(sourceId), path.basename(name)), { force: true })
  }

  /** Removes the stored uploads of a source (after the source was deleted). */
  async removeUploads(id: string): Promise<void> {
    await fsp.rm(this.uploadDir(id), { recursive: true, force: true })
  }

  private uploadDir(id: string): string {
    return path.join(this.limits.dataDir, 'uploads', id)
  }

  /**
   * The real path of a file inside INTAKE_IMPORT_DIR that a connection config names (a SQLite database): 403
   * SERVER_FILES_DISABLED without INTAKE_IMPORT_DIR, 403 SERVER_PATH_OUTSIDE_IMPORT_DIR outside it.
   */
  async confineServerFile(requested: string): Promise<string> {
    return (await this.confine(requested)).real
  }

  private async confine(requested: string): Promise<{ real: string; relative: string; size: number }> {
    const configured = this.limits.importDir
    if (configured === null) throw ServerFilesDisabledError({})
    const root = await fsp.realpath(configured).catch(() => {
      throw ServerFileNotFoundError({ path: requested, reason: 'INTAKE_IMPORT_DIR does not exist' })
    })
    const lexical = path.resolve(configured, requested)
    if (!inside(configured, lexical) && !inside(root, lexical))
      throw ServerPathOutsideError({ path: requested })
    let real: string
    try {
      real = await fsp.realpath(lexical)
    } catch {
      throw ServerFileNotFoundError({ path: requested, reason: 'no such file' })
    }
    if (!inside(root, real) || real === root) throw ServerPathOutsideError({ path: requested })
    const stat = await fsp.stat(real)
    if (!stat.isFile()) throw ServerFileNotFoundError({ path: requested, reason: 'it is not a regular file' })
    return { real, relative: path.relative(root, real), size: stat.size }
  }

  private async record(
    id: string,
    file: { origin: FileOrigin; name: string; path: string; size: number; contentType: string | null },
  ): Promise<ImportFileInfo> {
    const uploadedAt = isoNow(this.clock)
    const previous = await this.db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom('import_source_file')
        .select(['origin', 'path'])
        .where('import_source_id', '=', id)
        .executeTakeFirst()
      await trx.deleteFrom('import_source_file').where('import_source_id', '=', id).execute()
      await trx
        .insertInto('import_source_file')
        .values({
          import_source_id: id,
          origin: file.origin,
          name: file.name,
          path: file.path,
          size: file.size,
          content_type: file.contentType,
          uploaded_at: uploadedAt,
        })
        .execute()
      return old
    })
    if (previous?.origin === 'upload' && !(file.origin === 'upload' && previous.path === file.path)) {
      await fsp.rm(path.join(this.uploadDir(id), previous.path), { force: true })
    }
    return {
      origin: file.origin,
      name: file.name,
      size: file.size,
      contentType: file.contentType,
      uploaded: uploadedAt,
    }
  }

  private async row(id: string): Promise<ImportFileInfo | null> {
    const row = await this.db
      .selectFrom('import_source_file')
      .selectAll()
      .where('import_source_id', '=', id)
      .executeTakeFirst()
    if (!row) return null
    return {
      origin: row.origin as FileOrigin,
      name: row.name,
      size: Number(row.size),
      contentType: row.content_type,
      uploaded: row.uploaded_at,
    }
  }
}

/**
 * Streams `body` into a new file at `file`, never holding it in memory; answers its size. Past `limitBytes` it stops
 * with 413 UPLOAD_TOO_LARGE; on any failure the partial file is removed.
 */
export async function writeLimited(body: Readable, file: string, limitBytes: number): Promise<number> {
  let size = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      if (size > limitBytes) done(UploadTooLargeError({ limitBytes }))
      else done(null, chunk)
    },
  })
  const out = fs.createWriteStream(file, { flags: 'wx' })
  try {
    await pipeline(body, counter, out)
  } catch (error) {
    // A refusal can come before the file's open finished: wait until the stream is closed, or the open would
    // create the file again after its removal.
    if (!out.closed) await once(out, 'close').catch(() => undefined)
    await fsp.rm(file, { force: true })
    throw error
  }
  return size
}

function inside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** A file name safe to keep on disk: its last segment, odd characters replaced; a default by source type. */
function safeName(name: string | null | undefined, type: string): string {
  const base = path
    .basename((name ?? '').replace(/\\/g, '/'))
    .replace(/[^\w.\- ]+/g, '_')
    .trim()
  const cleaned = base.replace(/^\.+/, '').slice(0, 200)
  return cleaned === '' ? `upload.${type}` : cleaned
}
