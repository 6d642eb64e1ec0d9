import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedCallback {
  raw: string
  headers: http.IncomingHttpHeaders
  at: number
}

/**
 * A real local HTTP server standing in for an external importer: records each callback and answers the next of
 * the given statuses (204 once they are used up).
 */
export function callbackServer() {
  const received: ReceivedCallback[] = []
  let answers: number[] = []
  let server: http.Server | undefined
  return {
    received,
    answerWith(statuses: number[]): void {
      answers = [...statuses]
    },
    url: (): string => `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`,
    start: (): Promise<void> =>
      new Promise((resolve) => {
        server = http.createServer((req, res) => {
          let raw = ''
          req.on('data', (c: Buffer) => (raw += c.toString('utf8')))
          req.on('end', () => {
            received.push({ raw, headers: req.headers, at: Date.now() })
            res.writeHead(answers.shift() ?? 204).end()
          })
        })
        server.listen(0, '127.0.0.1', () => resolve())
      }),
    stop: (): Promise<void> => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  }
}

/** Polls `check` every 25 ms until it answers a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
