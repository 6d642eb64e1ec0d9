import { defineError } from '../errors.js'

/** Errors of file import sources (CSV, JSON, XLSX): their file, its discovery, and the import's progress. */

export const NotAFileSourceError = defineError<{ importSourceId: string; type: string }>(
  'NOT_A_FILE_SOURCE',
  400,
  ({ importSourceId, type }) =>
    `Import source ${importSourceId} is of type ${type}; only csv, json and xlsx sources read a file`,
  'File, discovery and import/start routes answer only for import sources of type csv, json or xlsx.',
)

export const UploadTooLargeError = defineError<{ limitBytes: number }>(
  'UPLOAD_TOO_LARGE',
  413,
  ({ limitBytes }) =>
    `The uploaded file is larger than the limit of ${limitBytes} bytes (INTAKE_MAX_UPLOAD_BYTES)`,
  'A file sent to PUT …/file exceeds INTAKE_MAX_UPLOAD_BYTES; nothing was stored and the previous file stays.',
)

export const UploadMissingError = defineError<{ reason: string }>(
  'UPLOAD_MISSING',
  400,
  ({ reason }) => `No file was received: ${reason}`,
  'PUT …/file without a body, or a multipart request without a `file` field.',
)

export const ServerFilesDisabledError = defineError<Record<string, never>>(
  'SERVER_FILES_DISABLED',
  403,
  () => 'Server-side files are disabled: INTAKE_IMPORT_DIR is not set; upload the file instead',
  'PUT …/file {"path"} names a server-side file, but the server has no INTAKE_IMPORT_DIR.',
)

export const ServerPathOutsideError = defineError<{ path: string }>(
  'SERVER_PATH_OUTSIDE_IMPORT_DIR',
  403,
  ({ path }) => `The path ${JSON.stringify(path)} resolves outside INTAKE_IMPORT_DIR`,
  'The named file (after resolving `..` and symbolic links) is not inside INTAKE_IMPORT_DIR.',
)

export const ServerFileNotFoundError = defineError<{ path: string; reason: string }>(
  'SERVER_FILE_NOT_FOUND',
  400,
  ({ path, reason }) => `The path ${JSON.stringify(path)} cannot be used: ${reason}`,
  'The named server-side file does not exist inside INTAKE_IMPORT_DIR, or is not a regular file.',
)

export const ImportFileMissingError = defineError<{ importSourceId: string }>(
  'IMPORT_FILE_MISSING',
  409,
  ({ importSourceId }) =>
    `Import source ${importSourceId} has no file yet; PUT …/importsource/{id}/file first`,
  'Discovery or an import needs the source’s file: upload it, or name a file inside INTAKE_IMPORT_DIR.',
)

export const ConnectionFailedError = defineError<{ importSourceId: string; reason: string; cause: string }>(
  'CONNECTION_FAILED',
  400,
  ({ reason }) => `The source cannot be read: ${reason}`,
  'The connector could not open or read the source (details.cause is the connector’s own code).',
)

export const ImportTransitionError = defineError<{ executionId: string; status: string; action: string }>(
  'IMPORT_TRANSITION_NOT_ALLOWED',
  409,
  ({ executionId, status, action }) => `Import ${executionId} is ${status}; it cannot be ${action}`,
  'pause needs PENDING or IN_PROGRESS, resume needs PAUSED, cancel needs PENDING, IN_PROGRESS or PAUSED.',
)

export const NotAPullSourceError = defineError<{ importSourceId: string; type: string }>(
  'NOT_A_PULL_SOURCE',
  400,
  ({ importSourceId, type }) =>
    `Import source ${importSourceId} is of type ${type}: Intake does not read it, its data is pushed (POST …/executions)`,
  'Discovery, connection tests and import/start answer only for sources Intake reads through a connector.',
)
