import type { ImportSourceSettings } from '../domain/import-source/import-source.types.js'
import { concatenatorText } from '../domain/import-source/settings.js'
import type { EngineSettings, EntryProblemPolicy } from './engine-types.js'

/** The engine's settings from an import source's settings. */
export function engineSettingsFrom(
  settings: ImportSourceSettings,
  entryProblems: EntryProblemPolicy = 'SKIP_VALUE',
): EngineSettings {
  return {
    // The text it stands for: a quoted concatenator ("\s") loses its quotes, and \s is a space.
    concatenator: concatenatorText(settings.defaultConcatenator),
    emptyValues: settings.defaultHandleEmptyValues,
    unknownValues: settings.defaultHandleUnknownValues,
    matchIdentifierIgnoreCase: settings.defaultMatchIdentifierIgnoreCase,
    ...(settings.dateFormat ? { dateFormat: settings.dateFormat } : {}),
    ...(settings.dateTimeFormat ? { dateTimeFormat: settings.dateTimeFormat } : {}),
    zone: settings.zone,
    entryProblems,
    precedence: settings.precedence,
  }
}
