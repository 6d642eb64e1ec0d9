// Builds the web console (web/) into dist/web: one minified bundle (esbuild), its stylesheet and index.html.
// Run by `npm run build`; the server answers the folder at /console/ (src/http/routes/console.routes.ts).
import fs from 'node:fs'
import path from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const out = path.join(root, 'dist', 'web')

/** Each file is written under a temporary name and renamed: a server answering from the folder never reads half a file. */
function put(name, data) {
  const tmp = path.join(out, `.${name}.${process.pid}.tmp`)
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, path.join(out, name))
}

export async function buildWeb({ minify = true } = {}) {
  fs.mkdirSync(out, { recursive: true })
  const result = await build({
    entryPoints: [path.join(root, 'web', 'src', 'main.tsx')],
    outfile: path.join(out, 'app.js'),
    write: false,
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
  for (const file of result.outputFiles) put(path.basename(file.path), file.contents)
  for (const name of ['index.html', 'styles.css', 'favicon.svg'])
    put(name, fs.readFileSync(path.join(root, 'web', name)))
  return result.outputFiles.reduce((n, f) => n + f.contents.length, 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildWeb()
  process.stdout.write(`web console: dist/web/app.js ${(bytes / 1024).toFixed(1)} KiB\n`)
}
