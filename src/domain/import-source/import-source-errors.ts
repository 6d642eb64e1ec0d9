import { defineError } from '../errors.js'

/** Errors of import sources and their schema + mapping (the document's own problems: mapping/document-errors.ts). */

export const ImportSourceTypeNotAvailableError = defineError<{ type: string; available: readonly string[] }>(
  'IMPORT_SOURCE_TYPE_NOT_AVAILABLE',
  400,
  ({ type, available }) =>
    `Import sources of type ${type} are not available yet; the types that can be created are: ${available.join(', ')}`,
  'The import source type is known but its connector has not arrived yet; only the listed types can be created.',
)

export const MappingExistsError = defineError<{ importSourceId: string }>(
  'MAPPING_EXISTS',
  409,
  () =>
    'A mapping already exists for this import; change it with PATCH on the same URL (PUT only submits the first one)',
  'PUT of a schema + mapping for a source that already has one; change it with PATCH.',
)

export const MappingNotFoundError = defineError<{ importSourceId: string }>(
  'MAPPING_NOT_FOUND',
  404,
  ({ importSourceId }) => `Import source ${importSourceId} has no schema and mapping yet; PUT one first`,
  'GET or PATCH of the schema + mapping of a source that has none yet.',
)

export const MappingChangedError = defineError<{ importSourceId: string }>(
  'MAPPING_CHANGED',
  409,
  ({ importSourceId }) =>
    `The mapping of import source ${importSourceId} was changed by another request meanwhile; nothing was applied, try again`,
  'Two changes of one mapping raced; the later one was not applied.',
)

export const ImportSourceRunningError = defineError<{ importSourceId: string; action: string }>(
  'IMPORT_SOURCE_RUNNING',
  409,
  ({ importSourceId, action }) =>
    `Import source ${importSourceId} has an import running; cannot ${action} now`,
  'The import source has an execution ingesting or processing; deleting it or changing its mapping must wait.',
)

export const ObjectSchemaNameInUseError = defineError<{ name: string }>(
  'OBJECT_SCHEMA_NAME_IN_USE',
  409,
  ({ name }) =>
    `An object schema named "${name}" already exists in this workspace; choose another objectSchema.name`,
  'The schema + mapping would create an object schema whose name another schema of the workspace has.',
)

export const ContainerTokenRequiredError = defineError<Record<string, never>>(
  'CONTAINER_TOKEN_REQUIRED',
  403,
  () => 'This endpoint answers only to the container token of an import source',
  'imports/info resolves the import source from its container token; a workspace token cannot use it.',
)
