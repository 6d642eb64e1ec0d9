/** Builds web/ into dist/web; answers the bytes written by esbuild. */
export function buildWeb(options?: { minify?: boolean }): Promise<number>
