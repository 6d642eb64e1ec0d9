import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { listErrors } from '../../../src/domain/errors.js'
import { MappingDocumentInvalidError } from '../../../src/domain/mapping/document-errors.js'
import { DOCUMENT_PROBLEM_CODES } from '../../../src/domain/mapping/document-problems.js'

const markdown = readFileSync(new URL('../../../docs/mapping.md', import.meta.url), 'utf8')

/** The "## Problem codes" section of docs/mapping.md (other sections have tables of their own). */
function codesSection(): string {
  const start = markdown.indexOf('\n## Problem codes\n')
  expect(start).toBeGreaterThan(0)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end === -1 ? undefined : end)
}

describe('docs/mapping.md', () => {
  it('lists every problem code with its meaning and example pointer, in the same order', () => {
    const rows = codesSection()
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim().replace(/^`|`$/g, '').replace(/\\\|/g, '|')),
      )
    const expected = Object.entries(DOCUMENT_PROBLEM_CODES).map(([code, info]) => [
      code,
      info.meaning,
      info.example,
    ])
    expect(rows).toEqual(expected)
  })

  it('gives an example of every problem code', () => {
    const start = markdown.indexOf('\n## Problem examples\n')
    const section = markdown.slice(start, markdown.indexOf('\n## ', start + 1))
    const documented = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => /^\| `([A-Z_]+)`/.exec(line)?.[1])
    expect(documented).toEqual(Object.keys(DOCUMENT_PROBLEM_CODES))
  })

  it('uses stable UPPER_SNAKE codes and pointers that start with a slash', () => {
    for (const [code, info] of Object.entries(DOCUMENT_PROBLEM_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/)
      expect(info.example).toMatch(/^\/[A-Za-z]/)
    }
  })
})

describe('MappingDocumentInvalidError', () => {
  it('is a registered 400 carrying the problems', () => {
    const problem = {
      code: 'UNKNOWN_ICON' as const,
      pointer: '/schema/objectSchema/objectTypes/0/iconKey',
      message: 'no icon',
    }
    const error = MappingDocumentInvalidError({ problems: [problem] })
    expect(error.status).toBe(400)
    expect(error.code).toBe('MAPPING_DOCUMENT_INVALID')
    expect(error.details.problems).toEqual([problem])
    expect(error.message).toContain('/schema/objectSchema/objectTypes/0/iconKey')
    expect(MappingDocumentInvalidError({ problems: [problem, problem] }).message).toContain('2 problems')
    expect(listErrors().map((e) => e.code)).toContain('MAPPING_DOCUMENT_INVALID')
  })
})
