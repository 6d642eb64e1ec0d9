/**
 * Regenerates docs/openapi.json (from the route schemas) and docs/errors.md (from the error registry).
 * Run with `npm run docs:generate`; a unit test fails when the committed files are stale.
 */
import fs from 'node:fs'
import path from 'node:path'
import { renderErrorsMarkdown, renderOpenApi } from './render-docs.js'

const docs = path.resolve('docs')
fs.mkdirSync(docs, { recursive: true })
fs.writeFileSync(path.join(docs, 'openapi.json'), await renderOpenApi())
fs.writeFileSync(path.join(docs, 'errors.md'), await renderErrorsMarkdown())
process.stdout.write('wrote docs/openapi.json and docs/errors.md\n')
