import { describe, expect, it } from 'vitest'
import type { Execution } from '../../../src/domain/execution/execution.types.js'
import { progressResult } from '../../../src/http/presenters/execution.presenter.js'

const execution = (patch: Partial<Execution>): Execution => ({
  id: 'e1',
  workspaceId: 'w',
  importSourceId: 's',
  kind: 'external',
  status: 'PROCESSING',
  scheduled: false,
  dryRun: false,
  created: '2026-12-06T10:00:00.000Z',
  started: null,
  completed: null,
  finished: null,
  chunkCount: 1,
  totalBytes: 10,
  clientProgress: null,
  progress: null,
  result: null,
  failureReason: null,
  actor: null,
  ...patch,
})

const type = (counts: Record<string, number>) => ({
  entriesInSource: 0,
  objectsCreated: 0,
  objectsUpdated: 0,
  emptyExternalIdEntries: 0,
  emptyLabelEntries: 0,
  duplicateEnries: 0,
  objectsFilteredWithQlQuery: 0,
  ...counts,
})

describe('progressResult summary sums (entriesProcessed / Created / Updated / Failed)', () => {
  it('are sums over the types of a stored result, also one stored before they existed', () => {
    const result = {
      objectTypeResultMap: {
        '1': type({
          entriesInSource: 5,
          objectsCreated: 2,
          objectsUpdated: 1,
          duplicateEnries: 1,
          emptyLabelEntries: 1,
        }),
        '2': type({
          entriesInSource: 3,
          objectsCreated: 1,
          emptyExternalIdEntries: 1,
          objectsFilteredWithQlQuery: 1,
        }),
      },
    }
    expect(progressResult(execution({ status: 'DONE', result }))).toMatchObject({
      entriesProcessed: 8,
      entriesCreated: 3,
      entriesUpdated: 1,
      entriesFailed: 3,
    })
    expect(
      progressResult(execution({ status: 'FAILED', result, failureReason: 'every entry dropped' })),
    ).toMatchObject({
      objectTypeResultMap: result.objectTypeResultMap,
      entriesProcessed: 8,
    })
  })

  it('are null while the execution runs, but entriesProcessed, which counts the entries read so far', () => {
    const running = progressResult(
      execution({
        progress: { phase: 'reading', entriesRead: 42, objectsWritten: 0 } as Execution['progress'],
      }),
    )
    expect(running).toMatchObject({
      entriesProcessed: 42,
      entriesCreated: null,
      entriesUpdated: null,
      entriesFailed: null,
    })
  })
})
