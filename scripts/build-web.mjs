// Builds the web console (web/) into dist/web: one minified bundle (esbuild), its stylesheet and index.html.
// Run by `npm run build`; the server answers the folder at /console/ (src/http/routes/console.routes.ts).
import fs from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const out = path.join(root, 'dist', 'web')

export async function buildWeb({ minify = true } = {}) {
  fs.rmSync(out, { recursive: true, force: true })
  fs.mkdirSync(out, { recursive: true })
  const result = await build({
    entryPoints: [path.join(root, 'web', 'src', 'main.tsx')],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    minify,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  })
  fs.copyFileSync(path.join(root, 'web', 'index.html'), path.join(out, 'index.html'))
  fs.copyFileSync(path.join(root, 'web', 'styles.css'), path.join(out, 'styles.css'))
  fs.copyFileSync(path.join(root, 'web', 'favicon.svg'), path.join(out, 'favicon.svg'))
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildWeb()
  process.stdout.write(`web console: dist/web/app.js ${(bytes / 1024).toFixed(1)} KiB\n`)
}
