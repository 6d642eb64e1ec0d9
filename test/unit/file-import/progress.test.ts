import { describe, expect, it } from 'vitest'
import {
  canTransition,
  isActive,
  type Execution,
  type FileImportProgress,
} from '../../../src/domain/execution/execution.types.js'
import { presentProgress } from '../../../src/http/presenters/execution.presenter.js'
import { scopeExternalIds } from '../../../src/services/file-import.service.js'

const base: Execution = {
  id: 'e1',
  workspaceId: 'w',
  importSourceId: 's',
  kind: 'file',
  status: 'PROCESSING',
  scheduled: false,
  dryRun: false,
  created: '2026-01-01T00:00:00.000Z',
  started: null,
  completed: null,
  finished: null,
  chunkCount: 0,
  totalBytes: 0,
  clientProgress: null,
  progress: null,
  result: null,
  failureReason: null,
  actor: 'token:t1',
}
const at = (p: Partial<FileImportProgress>): FileImportProgress => ({
  step: 5,
  description: 'Importing objects',
  phase: 'reading',
  entriesRead: 0,
  objectsWritten: 0,
  bytesRead: 0,
  totalBytes: 1000,
  ...p,
})

describe('the progress resource of a file import', () => {
  it('names the engine phase that runs once the whole file is read', () => {
    const finishing = presentProgress({
      ...base,
      progress: at({ phase: 'references', bytesRead: 1000 }),
    })
    expect(finishing).toMatchObject({
      currentStep: 5,
      progressInPercent: 95,
      currentWorkDescription: 'Resolving references',
    })
    expect(presentProgress({ ...base, progress: at({ bytesRead: 500 }) }).currentWorkDescription).toBe(
      'Importing objects',
    )
  })

  it('is PENDING until the worker reports, then follows the steps and the bytes read', () => {
    expect(presentProgress(base)).toMatchObject({
      status: 'PENDING',
      currentStep: 1,
      numberOfSteps: 6,
      progressInPercent: 0,
      actor: 'token:t1',
      category: 'imports',
      resourceId: 'e1',
      executionUUID: 'e1',
      endDate: null,
    })
    expect(
      presentProgress({ ...base, progress: at({ step: 3, description: 'Reading the header' }) }),
    ).toMatchObject({
      status: 'IN_PROGRESS',
      currentStep: 3,
      stepDescription: 'Schema discovery',
      currentWorkDescription: 'Reading the header',
      progressInPercent: 10,
      currentWorkUnits: 0,
    })
    expect(presentProgress({ ...base, progress: at({ bytesRead: 500, entriesRead: 40 }) })).toMatchObject({
      currentStep: 5,
      currentWorkUnits: 500,
      currentStepTotalWorkUnits: 1000,
      totalWorkUnits: 1000,
      progressInPercent: 57,
    })
    expect(
      presentProgress({ ...base, progress: at({ bytesRead: 1000, phase: 'references' }) }),
    ).toMatchObject({
      progressInPercent: 95,
    })
  })

  it('answers PAUSED, COMPLETED, FAILED and CANCELLED at their steps', () => {
    expect(presentProgress({ ...base, status: 'PAUSED' })).toMatchObject({ status: 'PAUSED', currentStep: 1 })
    const finished = '2026-01-01T00:01:00.000Z'
    expect(
      presentProgress({ ...base, status: 'DONE', finished, progress: at({ step: 6, bytesRead: 1000 }) }),
    ).toMatchObject({ status: 'COMPLETED', currentStep: 6, progressInPercent: 100, endDate: finished })
    expect(
      presentProgress({ ...base, status: 'FAILED', failureReason: 'FILE_NOT_FOUND: gone' }),
    ).toMatchObject({
      status: 'FAILED',
      currentWorkDescription: 'FILE_NOT_FOUND: gone',
    })
    expect(presentProgress({ ...base, status: 'CANCELLED' }).status).toBe('CANCELLED')
  })

  it('lets PROCESSING pause and PAUSED resume or end cancelled; PAUSED counts as running', () => {
    expect(canTransition('PROCESSING', 'PAUSED')).toBe(true)
    expect(canTransition('PAUSED', 'PROCESSING')).toBe(true)
    expect(canTransition('PAUSED', 'CANCELLED')).toBe(true)
    expect(canTransition('PAUSED', 'DONE')).toBe(false)
    expect(canTransition('INGESTING', 'PAUSED')).toBe(false)
    expect(isActive('PAUSED')).toBe(true)
  })
})

describe('scopeExternalIds', () => {
  it('prefixes every externalId of a document once', () => {
    const doc = {
      schema: {
        objectSchema: {
          objectTypes: [{ externalId: 'object-type/rows', attributes: [{ externalId: 'a' }] }],
        },
      },
      mapping: {
        objectTypeMappings: [
          {
            objectTypeExternalId: 'object-type/rows',
            selector: 'rows',
            attributesMapping: [{ attributeExternalId: 'a', attributeLocators: ['id'] }],
          },
        ],
      },
    }
    const scoped = scopeExternalIds(doc, 'source-1/') as typeof doc
    expect(scoped.schema.objectSchema.objectTypes[0]!.externalId).toBe('source-1/object-type/rows')
    expect(scoped.schema.objectSchema.objectTypes[0]!.attributes[0]!.externalId).toBe('source-1/a')
    expect(scoped.mapping.objectTypeMappings[0]!.objectTypeExternalId).toBe('source-1/object-type/rows')
    expect(scoped.mapping.objectTypeMappings[0]!.attributesMapping[0]!.attributeExternalId).toBe('source-1/a')
    expect(scoped.mapping.objectTypeMappings[0]!.selector).toBe('rows')
    expect(scopeExternalIds(scoped, 'source-1/')).toEqual(scoped)
  })
})
