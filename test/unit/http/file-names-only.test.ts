import { describe, expect, it } from 'vitest'
import { fileNamesOnly } from '../../../src/domain/file-names-only.js'

describe('fileNamesOnly', () => {
  it('replaces absolute POSIX and Windows paths with their file name', () => {
    expect(
      fileNamesOnly("ENOENT: no such file or directory, open '/srv/intake/data/uploads/3f/hosts.csv'"),
    ).toBe("ENOENT: no such file or directory, open 'hosts.csv'")
    expect(fileNamesOnly('C:\\intake\\uploads\\x\\book.xlsx is damaged')).toBe('book.xlsx is damaged')
  })

  it('leaves URLs, fractions and bare slashes alone', () => {
    for (const text of ['see http://host/a/b/c', 'ratio 1/2/3', 'a / b', 'objectType = "Host"']) {
      expect(fileNamesOnly(text)).toBe(text)
    }
  })
})
