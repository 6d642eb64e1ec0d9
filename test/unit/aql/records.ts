import { prepareAql } from '../../../src/domain/aql/aql.js'
import { matchesAql } from '../../../src/domain/aql/evaluate-memory.js'
import type { AqlRecord } from '../../../src/domain/aql/record.js'
import { createRecordResolver } from '../../../src/domain/aql/record.js'
import {
  CATALOG,
  DEPARTMENT,
  EMPLOYEE,
  LAPTOP,
  MISC,
  NOW,
  record,
  SERVER,
  VIRTUAL_SERVER,
} from './fixtures.js'

/**
 * Employees 1 Ann Smith (→ department 5), 2 Bob (→ 6), 3 Carl; departments 5 HR (manager Bob), 6 IT;
 * servers 10 web-01 (owner Ann), 11 db-01 (owners Ann, Bob), 12 without label or values (owner 99 dangles);
 * laptop 20 lap-1 (owner Carl); virtual server 30 vm-1; Misc 40 and 41 with a text "Cores".
 */
export const RECORDS: readonly AqlRecord[] = [
  record({
    id: 1,
    type: EMPLOYEE,
    label: 'Ann Smith',
    attrs: { 200: ['Ann Smith'], 201: ['ann@example.com'], 202: [5], 203: [34] },
  }),
  record({ id: 2, type: EMPLOYEE, label: 'Bob', attrs: { 200: ['Bob'], 202: [6], 203: [51] } }),
  record({ id: 3, type: EMPLOYEE, label: 'Carl', attrs: { 200: ['Carl'] } }),
  record({ id: 5, type: DEPARTMENT, label: 'HR', attrs: { 300: ['HR'], 301: ['hr-01'], 302: [2] } }),
  record({ id: 6, type: DEPARTMENT, label: 'IT', attrs: { 300: ['IT'], 302: [] } }),
  record({
    id: 10,
    type: SERVER,
    key: 'ITSM-10',
    label: 'web-01',
    created: '2024-05-15T08:00:00.000Z',
    attrs: {
      100: ['web-01'],
      101: ['SN-ABC'],
      102: [1999.5],
      103: [8],
      104: [true],
      105: ['2024-05-01'],
      106: ['2024-05-15T09:00:00.000Z'],
      107: ['02:30:00'],
      108: ['Gold'],
      109: ['Running'],
      110: [1],
      111: ['linux', 'Web', 'prod'],
      112: ['https://web-01.example.com/Status'],
      113: ['10.0.0.1'],
    },
  }),
  record({
    id: 11,
    type: SERVER,
    label: 'db-01',
    created: '2024-05-14T12:00:00.000Z',
    attrs: {
      100: ['DB-01'],
      102: [12000],
      103: [32],
      104: [false],
      105: ['2023-12-31'],
      106: ['2024-05-14T23:59:59.999Z'],
      107: ['23:00:00'],
      108: ['silver'],
      110: [1, 2],
      111: ['linux', 'db'],
    },
  }),
  record({ id: 12, type: SERVER, label: '', attrs: { 100: [''], 110: [99] } }),
  record({ id: 20, type: LAPTOP, label: 'lap-1', attrs: { 100: ['lap-1'], 103: [4], 110: [3] } }),
  record({ id: 30, type: VIRTUAL_SERVER, label: 'vm-1', attrs: { 100: ['vm-1'], 103: [2] } }),
  record({ id: 40, type: MISC, label: 'misc ten', attrs: { 400: ['10'] } }),
  record({ id: 41, type: MISC, label: 'misc five', attrs: { 400: ['5'] } }),
]

export const RESOLVER = createRecordResolver(RECORDS, CATALOG)

/** Ids of the records matching `query`, checked with the fixed clock (and a type / zone when given). */
export function matching(
  query: string,
  options: { objectTypeId?: number; zone?: string; records?: readonly AqlRecord[] } = {},
): number[] {
  const { records = RECORDS, ...rest } = options
  const bound = prepareAql(query, { catalog: CATALOG, now: NOW, ...rest })
  return records.filter((r) => matchesAql(bound, r, RESOLVER)).map((r) => r.id)
}

export const ALL_IDS = RECORDS.map((r) => r.id)
export const except = (...ids: number[]): number[] => ALL_IDS.filter((id) => !ids.includes(id))
