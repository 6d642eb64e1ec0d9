/** Spreadsheet upload jobs (seed 004): the request as accepted, and the job's wire status. */

export const UPLOAD_FILE_TYPES = ['csv', 'xlsx'] as const
export type UploadFileType = (typeof UPLOAD_FILE_TYPES)[number]

/** Job statuses: QUEUED → RUNNING → COMPLETED | FAILED (CANCELLED when the execution was cancelled). */
export const UPLOAD_JOB_STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const
export type UploadJobStatus = (typeof UPLOAD_JOB_STATUSES)[number]

/** One mapped column: its 1-based index, its header, the attribute it fills. */
export interface UploadColumn {
  index: number
  header: string
  attributeId: number
  attribute: string
  kind: string
  /** The column whose value identifies an object (the entity's unique attribute, else its label). */
  identity: boolean
  label: boolean
}

/** What an upload job stores about its request (answered as the job's `payload`). */
export interface UploadRequest {
  type: UploadFileType
  fileName: string
  size: number
  /** Column index (from 1) → property name, as sent. */
  mapping: Record<string, string>
  locale: string | null
  /** Minutes east of UTC of date-times written without an offset (UTC+01:00 = 60). */
  timezoneOffset: number | null
  domain: string | null
  version: string | null
}
