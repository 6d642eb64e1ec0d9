import { loadConfig } from '../src/config/config.js'
import { listErrors } from '../src/domain/errors.js'
import { buildApp } from '../src/http/app.js'
import { createServices } from '../src/services/services.js'
import { createStore } from '../src/store/create-store.js'

/** The OpenAPI document exactly as /openapi.json serves it. */
export async function renderOpenApi(): Promise<string> {
  const store = createStore({ dialect: 'sqlite', url: ':memory:' })
  const app = await buildApp(createServices(loadConfig({}), store))
  await app.ready()
  const doc = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  await store.close()
  return doc
}

/** docs/errors.md: every stable error code with its HTTP status and meaning. */
export async function renderErrorsMarkdown(): Promise<string> {
  // Importing the modules that define errors registers them.
  await Promise.all([
    import('../src/domain/schema/attribute-errors.js'),
    import('../src/domain/schema/object-errors.js'),
    ...optionalErrorModules().map((m) => import(m).catch(() => undefined)),
  ])
  const rows = listErrors()
    .map((e) => `| \`${e.code}\` | ${e.status} | ${e.description.replace(/\|/g, '\\|')} |`)
    .join('\n')
  return [
    '# Error codes',
    '',
    'Generated from the error registry by `npm run docs:generate`; do not edit by hand.',
    '',
    'Every error answer has this shape (the top level matches the Atlassian gateway, `error.code` is stable):',
    '',
    '```json',
    '{ "code": 404, "message": "Object 7 was not found",',
    '  "error": { "code": "NOT_FOUND", "message": "Object 7 was not found", "details": { "entity": "Object", "id": 7 } },',
    '  "requestId": "…" }',
    '```',
    '',
    '| code | HTTP | meaning |',
    '| --- | --- | --- |',
    rows,
    '',
  ].join('\n')
}

/** Error modules of features that may or may not be present yet. */
function optionalErrorModules(): string[] {
  return [
    '../src/domain/aql/aql-errors.js',
    '../src/domain/mapping/document-errors.js',
    '../src/domain/import-source/import-source-errors.js',
  ]
}
