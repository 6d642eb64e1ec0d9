import { defineError } from '../errors.js'

/** Errors of spreadsheet upload jobs (`POST /api/v1/entities/:entity/import`, `GET /api/v1/job/:id`). */

export const UploadMappingInvalidError = defineError<{ field: string; reason: string; value?: unknown }>(
  'UPLOAD_MAPPING_INVALID',
  400,
  ({ field, reason }) => `${field}: ${reason}`,
  'The `mapping` of an upload names a column the file lacks, a property the entity lacks, or leaves out the identity column; `details.field` names the entry.',
)

export const UploadTypeMismatchError = defineError<{ type: string; reason: string }>(
  'UPLOAD_TYPE_MISMATCH',
  400,
  ({ type, reason }) => `The file is not a ${type.toUpperCase()} file: ${reason}`,
  'The upload’s `type` (csv or xlsx) does not match the content of its `file`.',
)

export const UploadFileEmptyError = defineError<Record<string, never>>(
  'UPLOAD_FILE_EMPTY',
  400,
  () => 'The uploaded file is empty',
  'The `file` of an upload has no content (0 bytes).',
)

export const EntityAmbiguousError = defineError<{ entity: string; objectTypeIds: number[] }>(
  'ENTITY_AMBIGUOUS',
  400,
  ({ entity, objectTypeIds }) =>
    `Several object types are named "${entity}" (ids ${objectTypeIds.join(', ')}); name the entity by its id`,
  'The `:entity` of an upload names several object types (in different object schemas); use the id.',
)
