import { describe, expect, it } from 'vitest'
import { connectorConfigProblems, type AnyConnector } from '../../../src/services/file-connectors.js'
import { sqlConnector } from '../../../src/connectors/sql/sql.connector.js'
import { isLater, rowValue } from '../../../src/connectors/sql/sql-values.js'

const problems = (config: Record<string, unknown>) =>
  connectorConfigProblems(sqlConnector as unknown as AnyConnector, config, 'body.config')
const base = { driver: 'postgres', host: 'db', database: 'inv', roots: { hosts: { table: 'hosts' } } }

describe('sql source config', () => {
  it('accepts a table root and a query root, and defaults the timeout', () => {
    expect(problems(base)).toEqual([])
    expect(
      problems({ ...base, roots: { owners: { query: 'WITH x AS (select 1) select * from x;' } } }),
    ).toEqual([])
  })

  it('names the field: both or neither of table and query, not a SELECT, a bad table name, no place to connect', () => {
    expect(problems({ ...base, roots: { hosts: { table: 't', query: 'select 1' } } })[0]).toMatchObject({
      field: 'body.config.roots.hosts',
    })
    expect(problems({ ...base, roots: { hosts: { query: 'delete from hosts' } } })[0]).toMatchObject({
      field: 'body.config.roots.hosts.query',
    })
    expect(problems({ ...base, roots: { hosts: { table: 'hosts; drop table x' } } })[0]?.field).toBe(
      'body.config.roots.hosts.table',
    )
    expect(problems({ driver: 'mysql', roots: base.roots })[0]?.field).toBe('body.config.host')
    expect(problems({ driver: 'sqlite', roots: base.roots })[0]?.field).toBe('body.config.database')
    expect(problems({ ...base, driver: 'sqlite' }).map((p) => p.field)).toEqual(['body.config.host'])
  })

  it('never echoes a secret in a problem', () => {
    const found = problems({ ...base, password: 12345, url: 'ftp://user:hunter2@x/db' })
    expect(found.map((p) => p.field)).toContain('body.config.password')
    expect(JSON.stringify(found)).not.toContain('12345')
    const url = problems({ ...base, url: 'ftp://user:hunter2@x/db' })
    expect(url[0]?.field).toBe('body.config.url')
    expect(JSON.stringify(url)).not.toContain('hunter2')
  })
})

describe('sql values', () => {
  it('turns driver values into entry values', () => {
    expect(rowValue(new Date('2024-05-01T10:00:00Z'))).toBe('2024-05-01T10:00:00.000Z')
    expect(rowValue('2024-05-01 10:00:00.123')).toBe('2024-05-01T10:00:00.123')
    expect(rowValue(Buffer.from('hi'))).toBe('aGk=')
    expect(rowValue(12n)).toBe('12')
    expect(rowValue({ a: 1 })).toEqual({ a: 1 })
    expect(rowValue(null)).toBeNull()
  })

  it('compares high-water marks by their kind: big integers numerically, dates by time, text by order', () => {
    expect(isLater('10', '9')).toBe(true)
    expect(isLater('9007199254740993', '9007199254740992')).toBe(true)
    expect(isLater(10, 9)).toBe(true)
    expect(isLater(new Date('2024-01-02T00:00:00Z'), '2024-01-01T23:00:00.000Z')).toBe(true)
    expect(isLater('2024-01-01 10:00:00.5', '2024-01-01 10:00:00.123')).toBe(true)
    expect(isLater('2024-01-01 10:00:00', '2024-01-01 10:00:00.1')).toBe(false)
  })
})
