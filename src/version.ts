import { createRequire } from 'node:module'

/**
 * Intake's version, read from package.json — one level up from both src/version.ts (tsx) and dist/version.js
 * (the build), and shipped with both the npm package and the container image.
 */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version
