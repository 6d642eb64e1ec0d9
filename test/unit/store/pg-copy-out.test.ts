import { describe, expect, it } from 'vitest'
import { copyFields, unescapeCopy } from '../../../src/store/pg-copy-out.js'

describe('COPY TO text rows (pg-copy-out.ts)', () => {
  it('splits a line into fields, `\\N` as null and escaped characters put back', () => {
    const line = '12\ta\\tb\\nc\\\\d\t\\N\t\tlast'
    expect(copyFields(`x\n${line}\n`, 2, 2 + line.length)).toEqual(['12', 'a\tb\nc\\d', null, '', 'last'])
  })

  it('unescapes every escape COPY writes, and the octal and hex ones it reads', () => {
    expect(unescapeCopy('\\b\\f\\n\\r\\t\\v\\\\')).toBe('\b\f\n\r\t\v\\')
    expect(unescapeCopy('\\101\\x42\\N')).toBe('ABN')
  })
})
