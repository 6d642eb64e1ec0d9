import { describe, expect, it } from 'vitest'
import { explainStartupFailure } from '../../../src/cli/startup-failure.js'
import { DataDirectoryError } from '../../../src/store/data-dir.js'

const sysError = (props: Record<string, unknown>) => Object.assign(new Error(String(props.code)), props)

describe('explainStartupFailure', () => {
  it('explains the listen failures with the setting to change', () => {
    expect(
      explainStartupFailure(
        sysError({ code: 'EADDRNOTAVAIL', syscall: 'listen', address: '10.9.9.9', port: 80 }),
      ),
    ).toMatch(/cannot listen on 10\.9\.9\.9:80.*set HOST/)
    expect(
      explainStartupFailure(sysError({ code: 'EACCES', syscall: 'listen', address: '0.0.0.0', port: 80 })),
    ).toMatch(/ports below 1024.*set PORT/)
  })

  it('finds a refused connection inside an aggregate (dual-stack connect) and a cause', () => {
    const aggregate = Object.assign(
      new AggregateError([sysError({ code: 'ECONNREFUSED', address: '::1', port: 5432 })]),
      {
        code: 'ECONNREFUSED',
      },
    )
    expect(explainStartupFailure(aggregate)).toMatch(/cannot reach PostgreSQL at ::1:5432/)
    expect(
      explainStartupFailure(new Error('wrapped', { cause: sysError({ code: '28P01', message: 'x' }) })),
    ).toMatch(/refused the login.*DATABASE_URL/)
  })

  it('explains the data directory error and leaves unknown errors alone', () => {
    expect(explainStartupFailure(new DataDirectoryError('/srv/data', sysError({ code: 'EROFS' })))).toMatch(
      /data directory \/srv\/data \(EROFS\).*INTAKE_DATA_DIR/,
    )
    expect(
      explainStartupFailure(sysError({ code: 'EACCES', syscall: 'open', path: '/home/me/hosts.csv' })),
    ).toBeNull()
    expect(explainStartupFailure(new TypeError('a defect'))).toBeNull()
  })
})
