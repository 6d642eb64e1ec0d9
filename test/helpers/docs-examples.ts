import fs from 'node:fs'
import type { Json } from './import-sources.js'

/** The JSON block under "### A first document" in docs/mapping.md: the example a new user copies first. */
export function firstDocumentOfTheDocs(): Json {
  const page = fs.readFileSync('docs/mapping.md', 'utf8')
  const at = page.indexOf('### A first document')
  if (at < 0) throw new Error('docs/mapping.md has no "### A first document" section')
  const block = /```json\n([\s\S]*?)\n```/.exec(page.slice(at))
  if (!block) throw new Error('docs/mapping.md has no JSON block under "### A first document"')
  return JSON.parse(block[1]!) as Json
}
