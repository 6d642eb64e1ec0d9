import { describe, expect, it } from 'vitest'
import { historyEntries, type ObjectChange } from '../../../src/domain/schema/object-history.js'

const actor = { key: 'token:1', name: 'token:1', displayName: 'Object API' }
const naming = {
  attributeName: (id: number) => ({ 1: 'Name', 2: 'IP' })[id],
  display: (_id: number, values: readonly unknown[]) => values.map(String).join(', '),
}

describe('object history entries', () => {
  it('turns a create into one type-0 entry and an update into one type-1 entry per changed attribute, in attribute order', () => {
    const changes: ObjectChange[] = [
      {
        id: 'a',
        created: '2026-01-01T00:00:00.000Z',
        actor,
        operation: 'create',
        before: null,
        after: { 1: ['x'] },
      },
      {
        id: 'b',
        created: '2026-01-02T00:00:00.000Z',
        actor,
        operation: 'update',
        before: { 2: [], 1: ['x'] },
        after: { 2: ['10.0.0.1', '10.0.0.2'], 1: ['y'] },
      },
    ]
    expect(historyEntries(7, changes, naming)).toEqual([
      { id: 'a', objectId: '7', created: '2026-01-01T00:00:00.000Z', actor, type: 0 },
      {
        id: 'b-1',
        objectId: '7',
        created: '2026-01-02T00:00:00.000Z',
        actor,
        type: 1,
        affectedAttribute: 'Name',
        oldValue: 'x',
        newValue: 'y',
      },
      {
        id: 'b-2',
        objectId: '7',
        created: '2026-01-02T00:00:00.000Z',
        actor,
        type: 1,
        affectedAttribute: 'IP',
        oldValue: '',
        newValue: '10.0.0.1, 10.0.0.2',
      },
    ])
  })

  it('keeps the entries of an attribute that no longer exists, named by its id', () => {
    const changes: ObjectChange[] = [
      {
        id: 'c',
        created: 't',
        actor,
        operation: 'missing-update',
        before: { 9: ['a'] },
        after: { 9: ['b'] },
      },
    ]
    expect(historyEntries(1, changes, naming)[0]).toMatchObject({
      affectedAttribute: '#9',
      oldValue: 'a',
      newValue: 'b',
    })
  })
})
