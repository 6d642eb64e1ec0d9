import type { Static } from '@sinclair/typebox'
import { IMPORT_SOURCE_MODULE_KEYS } from '../../domain/import-source/import-source.types.js'
import { wireTime, type ImportSchedule } from '../../domain/schedule/schedule.types.js'
import type { ImportSourceView } from '../../services/import-source.service.js'
import type { MappingProgress } from '../../services/mapping.service.js'
import type { TokenInfo } from '../../services/token.service.js'
import type { ImportSourceResource, TokenInfoResponse } from '../schemas/import-source.schema.js'
import type { MappingProgressResponse } from '../schemas/mapping.schema.js'

/** An import source as Assets' ImportSourceResponse (where its fields apply) plus Intake's own fields. */
export function presentImportSource(
  s: ImportSourceView,
  schedule: ImportSchedule | null = null,
): Static<typeof ImportSourceResource> {
  const valid = s.mappingVersion > 0
  return {
    workspaceId: s.workspaceId,
    id: s.id,
    name: s.name,
    description: s.description,
    type: s.type,
    importSourceModuleKey: IMPORT_SOURCE_MODULE_KEYS[s.type],
    ...(s.objectSchemaId !== null && { objectSchemaId: String(s.objectSchemaId) }),
    created: s.created,
    updated: s.updated,
    defaultConcatenator: s.settings.defaultConcatenator,
    defaultHandleEmptyValues: s.settings.defaultHandleEmptyValues,
    defaultHandleUnknownValues: s.settings.defaultHandleUnknownValues,
    defaultMatchIdentifierIgnoreCase: s.settings.defaultMatchIdentifierIgnoreCase,
    ...(s.settings.dateFormat !== null && { dateFormat: s.settings.dateFormat }),
    ...(s.settings.dateTimeFormat !== null && { dateTimeFormat: s.settings.dateTimeFormat }),
    zone: s.settings.zone,
    deleteGuard: s.settings.deleteGuard,
    ...(s.settings.precedence !== null && { precedence: s.settings.precedence }),
    importStatus: {
      configurationStatusType: s.enabled ? 'ENABLED' : 'DISABLED',
      validationStatusType: valid ? 'VALID' : 'INVALID_CONFIGURATION',
      ...(!valid && {
        reasonForInvalidity: { MISSING_MAPPING: 'No schema and mapping has been submitted yet' },
      }),
      name: s.enabled ? 'Enabled' : 'Disabled',
    },
    importSpecificConfiguration: JSON.stringify(s.config),
    config: s.config,
    enabled: s.enabled,
    tokenGenerated: s.tokenGenerated,
    configStatus: s.configStatus,
    mappingVersion: s.mappingVersion,
    mappingUpdated: s.mappingUpdatedAt,
    isImportSourceSchedulingEnabled: schedule?.isActive === true,
    ...(schedule !== null && {
      scheduledImportDetails: {
        importScheduleId: schedule.id,
        startTime: wireTime(schedule.startTime),
        runFrequency: schedule.runFrequency,
        nextScheduledTime: wireTime(schedule.nextRunAt),
        createdAt: wireTime(schedule.createdAt),
      },
    }),
  }
}

export function presentTokenInfo(info: TokenInfo | null): Static<typeof TokenInfoResponse> {
  return {
    exists: info !== null,
    created: info?.createdAt ?? null,
    lastUsed: info?.lastUsedAt ?? null,
    prefix: info?.prefix ?? null,
  }
}

export function presentMappingProgress(p: MappingProgress): Static<typeof MappingProgressResponse> {
  return {
    progressStatus: p.progressStatus,
    result: p.result,
    resultMessage: p.resultMessage,
    resourceId: p.resourceId,
    dataValidationErrors: p.dataValidationErrors.map(({ code, pointer, message }) => ({
      code,
      pointer,
      message,
    })),
  }
}
