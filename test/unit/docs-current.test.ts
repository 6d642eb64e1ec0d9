import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderErrorsMarkdown, renderOpenApi } from '../../scripts/render-docs.js'

describe('generated docs', () => {
  it('docs/errors.md lists the registry as it is (run npm run docs:generate)', async () => {
    expect(fs.readFileSync('docs/errors.md', 'utf8')).toBe(await renderErrorsMarkdown())
  })

  it('docs/openapi.json is the document the server serves (run npm run docs:generate)', async () => {
    expect(JSON.parse(fs.readFileSync('docs/openapi.json', 'utf8'))).toEqual(
      JSON.parse(await renderOpenApi()),
    )
  })
})
