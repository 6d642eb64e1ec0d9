/**
 * A module imported on first use, once: the drivers of the connectors (exceljs, ldapts, mysql2 …) are loaded by
 * the first import that needs them, not when the server starts — a server that never reads an XLSX file or a
 * directory does not hold their code (~55 MB of RSS for all of them together). A failed import is retried on the
 * next call instead of being remembered.
 */
export function lazyModule<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = null
      throw error
    })
    return loading
  }
}
