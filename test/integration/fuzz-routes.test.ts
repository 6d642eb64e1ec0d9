/**
 * The standing guard (issue 13): every operation of the OpenAPI document gets fast-check generated path and query
 * parameters, headers and bodies, sent to a real listening server. Whatever a client sends, the server answers it —
 * never a 5xx, never after ~5 s — and after the run its file descriptors and memory are back near where they started.
 * Seeded and bounded (FUZZ_RUNS requests per operation; FUZZ_SEED to replay a run), SQLite in full and PostgreSQL on a
 * subset. `scripts/soak.ts` is the long version.
 */
import fs from 'node:fs'
import http from 'node:http'
import fc from 'fast-check'
import { beforeAll, expect, it } from 'vitest'
import { createFileSource, generateAndPutMapping, hostsCsv, putFile } from '../helpers/file-imports.js'
import { seedSource, startExecution } from '../helpers/executions.js'
import {
  operationsOf,
  requestsFor,
  send,
  type FuzzAnswer,
  type FuzzRequest,
  type FuzzTargets,
  type Operation,
} from '../helpers/route-fuzz.js'
import { ADMIN_TOKEN, describeEachDialect, type TestEnv } from '../helpers/test-env.js'

const SEED = Number(process.env.FUZZ_SEED ?? 20261206)
const RUNS: Record<'sqlite' | 'postgres', number> = {
  sqlite: Number(process.env.FUZZ_RUNS ?? 25),
  postgres: Math.max(1, Math.floor(Number(process.env.FUZZ_RUNS ?? 25) / 5)),
}
const SLOW_MS = 5_000

const openFds = (): number => fs.readdirSync('/proc/self/fd').length
const rssMb = (): number => process.memoryUsage().rss / 2 ** 20

/** Operations that end the fuzzed resources (deletes) go last, so the others keep reaching real ones. */
function ordered(operations: Operation[]): Operation[] {
  const ends = (op: Operation) => (op.method === 'DELETE' ? 1 : 0)
  return [...operations].sort((a, b) => ends(a) - ends(b))
}

async function targetsOf(env: TestEnv): Promise<FuzzTargets> {
  const external = await seedSource(env)
  const execution = await startExecution(env, external.id)
  const csv = await createFileSource(env, 'csv')
  expect((await putFile(env, csv.id, hostsCsv(5), { 'content-type': 'text/csv' })).status).toBe(200)
  await generateAndPutMapping(env, csv.id)
  const json = await createFileSource(env, 'json')
  return {
    workspaceId: env.workspaceId,
    token: ADMIN_TOKEN,
    importSourceIds: [external.id, csv.id, json.id],
    executionIds: [execution.executionId ?? execution.result?.id ?? execution.id].filter(Boolean),
    numericIds: [1, 2, 3, Number(external.objectSchemaId ?? 1)],
  }
}

describeEachDialect(
  'fuzzed requests on every route',
  (env) => {
    let targets: FuzzTargets
    let operations: Operation[]

    beforeAll(async () => {
      targets = await targetsOf(env())
      operations = ordered(operationsOf(env().app.swagger() as Record<string, unknown>))
    })

    it('no 5xx, no answer over 5 s, and file descriptors and memory back near their start', async () => {
      expect(operations.length).toBeGreaterThan(40)
      const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })
      const fdsBefore = openFds()
      const rssBefore = rssMb()
      const failures: string[] = []
      const runs = RUNS[env().dialect]
      const subset = env().dialect === 'sqlite' ? operations : operations.filter((_, i) => i % 2 === 0)
      let sent = 0
      const statuses = new Map<number, number>()
      for (const op of subset) {
        const property = fc.asyncProperty(requestsFor(op, targets), async (request: FuzzRequest) => {
          let answer: FuzzAnswer
          try {
            answer = await send(env().baseUrl, agent, request, SLOW_MS * 2)
          } catch (error) {
            throw new Error(`${request.method} ${request.url}: ${(error as Error).message}`)
          }
          sent++
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
          if (answer.status >= 500 || answer.ms > SLOW_MS) {
            throw new Error(
              `${request.method} ${request.url} → ${answer.status} in ${Math.round(answer.ms)} ms: ` +
                `${answer.body.slice(0, 300)} (headers ${JSON.stringify(request.headers)}, body ` +
                `${JSON.stringify(request.body?.toString('utf8').slice(0, 300) ?? null)})`,
            )
          }
        })
        const outcome = await fc.check(property, { numRuns: runs, seed: SEED, endOnFailure: true })
        if (outcome.failed) {
          failures.push(
            `${op.method} ${op.path}: ${(outcome.errorInstance as Error | undefined)?.message ?? 'failed'}`,
          )
        }
      }
      agent.destroy()
      if (process.env.FUZZ_STATS) {
        fs.writeFileSync(
          process.env.FUZZ_STATS,
          JSON.stringify({
            sent,
            statuses: Object.fromEntries(statuses),
          }),
        )
      }
      expect(failures, failures.join('\n\n')).toEqual([])
      expect(sent).toBeGreaterThanOrEqual(subset.length * runs * 0.9)

      // Give closed sockets, streams and the collector a moment, then compare with the start.
      const deadline = Date.now() + 5_000
      while (openFds() > fdsBefore + 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      ;(globalThis as { gc?: () => void }).gc?.()
      expect(openFds()).toBeLessThanOrEqual(fdsBefore + 5)
      expect(rssMb() - rssBefore).toBeLessThan(300)
    }, 120_000)
  },
  // Generated requests include bad credentials: the failed-auth limiter must not turn the rest into 429s.
  { INTAKE_AUTH_FAILURE_LIMIT: '100000' },
)
