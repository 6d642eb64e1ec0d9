/**
 * `npm run bench` — Intake's benchmark. SQLite always (in a temp directory); PostgreSQL too when DATABASE_URL
 * points at a server (scratch databases are created beside it and dropped). Each scenario gets a fresh database.
 *
 *   --rows=N        engine rows, and entries pushed over HTTP (default 1,000,000)   --only=engine,http,aql,repository,file,shaping,sql,ldap,layouts,objectapi,revert
 *   http: --server=process (default: node as package.json's `start` script runs it, a child process; build
 *                   first) or --server=inproc (booted in the benchmark's process)
 *   objectapi (see objectapi.bench.ts): --rows objects pushed to a server process, then GET object/{id}, POST
 *                   object/aql and POST object/create under autocannon   --duration=S --connections=C --cpu-prof
 *   shaping (no database): mapping with five transformation steps per attribute, over min(--rows, 100,000) rows
 *   --objects=N     objects stored for the AQL queries (default 1,000,000)
 *   --repository=N  objects written through the API service (default 5,000)
 *   --db=sqlite,postgres  run only on these databases (default: SQLite, and PostgreSQL when DATABASE_URL is set)
 *   file (see file.bench.ts): the --rows CSV and an XLSX through upload + import/start, and a large CSV's peak RSS
 *   --xlsx-rows=N   rows of the XLSX (default --rows)
 *   --gib-rows=N    rows of the large CSV (default 1,000,000), padded with a notes column to --gib-bytes=B
 *                   (default 1 GiB − 1 MiB)
 *   --file-parts=csv,xlsx,gib  which file scenarios run (default all)
 *   sql (see sql.bench.ts): the --rows hardware rows from a PostgreSQL table and a MariaDB table through a `sql`
 *   source, against the engine's first load   --sql-sources=postgres,mariadb  (default both)
 *   ldap (see ldap.bench.ts): --ldap-entries=N people (default 100,000) from a throwaway slapd through an `ldap`
 *   source, against the engine's first load of the same rows
 *
 *   revert (see revert.bench.ts): --revert-rows=N hardware rows (default 100,000): the revert of a first load, and
 *   of a re-import with 10 % changed
 *   layouts (see layouts/layouts.bench.ts): storage-layout prototypes A/B/C on --rows hardware rows
 *   (--layout-reps=R, default 2), for docs/decisions/0006-object-storage-layout.md
 *
 * The Markdown tables print to stdout and go to bench/out/latest.md; copy the figures into docs/benchmarks.md.
 */
import fs from 'node:fs'
import os from 'node:os'
import { aqlTable, benchAql, type AqlBenchRow } from './aql/aql.bench.js'
import { benchEngine, engineTable, type EngineBenchRow } from './engine/engine.bench.js'
import { benchFile, fileTable, type FileBenchRow, type FilePart } from './file.bench.js'
import { benchHttp, httpTable, type HttpBenchRow } from './http.bench.js'
import { benchObjectApi, objectApiOptions, objectApiTable, type ObjectApiRow } from './objectapi.bench.js'
import { benchRepository, repositoryTable, type RepositoryRow } from './repository.bench.js'
import { benchShaping, shapingTable } from './engine/shaping.bench.js'
import { benchLdap, ldapTable, type LdapBenchRow } from './ldap.bench.js'
import {
  benchLayouts,
  layoutsTable,
  type LayoutBaseline,
  type LayoutBenchRow,
} from './layouts/layouts.bench.js'
import { benchSql, sqlTable, type SqlBenchRow, type SqlSourceKind } from './sql.bench.js'
import { benchRevert, revertTable, type RevertBenchRow } from './revert.bench.js'
import { scratchDatabases } from './scratch.js'

const arg = (name: string, fallback: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.split('=')[1]
  ?.split(',')
const wanted = (part: string): boolean => !only || only.includes(part)
const databases = process.argv
  .find((a) => a.startsWith('--db='))
  ?.split('=')[1]
  ?.split(',')
const log = (line: string): void => void process.stderr.write(`${line}\n`)

const engineRows: EngineBenchRow[] = []
const httpRows: HttpBenchRow[] = []
const aqlRows: AqlBenchRow[] = []
const repositoryRows: RepositoryRow[] = []
const fileRows: FileBenchRow[] = []
const sqlRows: SqlBenchRow[] = []
const ldapRows: LdapBenchRow[] = []
const layoutRows: LayoutBenchRow[] = []
const layoutBaselines: LayoutBaseline[] = []
const objectApiRows: ObjectApiRow[] = []
const revertRows: RevertBenchRow[] = []
const rowsN = arg('rows', 1_000_000)
const objectsN = arg('objects', 1_000_000)

const parts: [string, (engine: 'sqlite' | 'postgres', env: Record<string, string>) => Promise<void>][] = [
  [
    'repository',
    async (e, env) => void repositoryRows.push(...(await benchRepository(e, env, arg('repository', 5000)))),
  ],
  ['engine', async (e, env) => void engineRows.push(...(await benchEngine(e, env, rowsN, log)))],
  [
    'http',
    async (e, env) =>
      void httpRows.push(
        ...(await benchHttp(
          e,
          env,
          rowsN,
          log,
          process.argv.includes('--server=inproc') ? 'inproc' : 'process',
        )),
      ),
  ],
  [
    'objectapi',
    async (e, env) =>
      void objectApiRows.push(...(await benchObjectApi(e, env, rowsN, log, objectApiOptions()))),
  ],
  ['aql', async (e, env) => void aqlRows.push(...(await benchAql(e, env, objectsN, log)))],
  [
    'file',
    async (e, env) =>
      void fileRows.push(
        ...(await benchFile(
          e,
          env,
          {
            rows: rowsN,
            xlsxRows: arg('xlsx-rows', rowsN),
            gibRows: arg('gib-rows', 1_000_000),
            gibBytes: arg('gib-bytes', 2 ** 30 - 2 ** 20),
            parts: (process.argv
              .find((a) => a.startsWith('--file-parts='))
              ?.split('=')[1]
              ?.split(',') ?? ['csv', 'xlsx', 'gib']) as FilePart[],
          },
          log,
        )),
      ),
  ],
  [
    'sql',
    async (e, env) =>
      void sqlRows.push(
        ...(await benchSql(
          e,
          env,
          rowsN,
          (process.argv
            .find((a) => a.startsWith('--sql-sources='))
            ?.split('=')[1]
            ?.split(',') ?? ['postgres', 'mariadb']) as SqlSourceKind[],
          log,
        )),
      ),
  ],
  [
    'ldap',
    async (e, env) => void ldapRows.push(...(await benchLdap(e, env, arg('ldap-entries', 100_000), log))),
  ],
  [
    'revert',
    async (e, env) => void revertRows.push(...(await benchRevert(e, env, arg('revert-rows', 100_000), log))),
  ],
  [
    'layouts',
    async (e, env) => {
      const { rows, baseline } = await benchLayouts(e, env, rowsN, log, { reps: arg('layout-reps', 2) })
      layoutRows.push(...rows)
      layoutBaselines.push(baseline)
    },
  ],
]
for (const [part, fn] of parts) {
  if (!wanted(part)) continue
  for (const db of await scratchDatabases(process.env.DATABASE_URL)) {
    if (databases && !databases.includes(db.name)) {
      await db.drop()
      continue
    }
    log(`== ${part} on ${db.name}`)
    try {
      await fn(db.name, db.env)
    } finally {
      await db.drop()
    }
  }
}

const shaping = wanted('shaping') ? benchShaping(Math.min(rowsN, 100_000)) : null

const cpu = os.cpus()
const out = [
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  ...(repositoryRows.length ? ['', '### Repository service', '', repositoryTable(repositoryRows)] : []),
  ...(engineRows.length ? ['', '### Import engine', '', engineTable(engineRows)] : []),
  ...(shaping ? ['', '### Value shaping (mapping only)', '', shapingTable(shaping)] : []),
  ...(httpRows.length ? ['', '### Push over HTTP', '', httpTable(httpRows)] : []),
  ...(aqlRows.length ? ['', '### AQL', '', aqlTable(objectsN, aqlRows)] : []),
  ...(objectApiRows.length ? ['', '### Object API under load', '', objectApiTable(objectApiRows)] : []),
  ...(fileRows.length ? ['', '### File imports', '', fileTable(fileRows)] : []),
  ...(sqlRows.length ? ['', '### Database sources', '', sqlTable(sqlRows)] : []),
  ...(ldapRows.length ? ['', '### LDAP sources', '', ldapTable(ldapRows)] : []),
  ...(layoutRows.length ? ['', '### Storage layouts', '', layoutsTable(layoutRows, layoutBaselines)] : []),
  ...(revertRows.length ? ['', '### Revert an execution', '', revertTable(revertRows)] : []),
].join('\n')
fs.mkdirSync('bench/out', { recursive: true })
fs.writeFileSync('bench/out/latest.md', out + '\n')
process.stdout.write(out + '\n')
