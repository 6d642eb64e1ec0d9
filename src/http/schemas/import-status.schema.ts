import { Type } from '@sinclair/typebox'

const nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()])

export const ImportStatusQuery = Type.Object(
  {
    run: Type.Optional(
      Type.Boolean({ description: 'true starts an import of every enabled pull source of the workspace' }),
    ),
  },
  { additionalProperties: false },
)

/** Seed 003's columns, every one always present (null where there is nothing to say yet). */
export const ImportStatusResponse = Type.Object({
  mode: Type.Union(
    [Type.Literal('none'), Type.Literal('running'), Type.Literal('scheduled'), Type.Literal('idle')],
    {
      description:
        'none: no import ever ran; running: one is queued, running or paused; scheduled: idle with a next ' +
        'scheduled import; idle: otherwise',
    },
  ),
  can_run_imports: Type.Boolean({ description: 'Whether this token may start imports (?run=true)' }),
  import_status_url: Type.String({ description: 'Web address of this API' }),
  import_create_url: Type.String({ description: 'Web address of the import sources' }),
  progress: Type.Integer({
    minimum: 0,
    maximum: 100,
    description: 'Percent of the running import (the mean over its sources); 100 when idle after an import',
  }),
  last_success_time: nullable(Type.String({ description: 'ISO 8601 UTC' })),
  last_status: nullable(
    Type.String({ description: 'Of the last ended import: successful, failed or cancelled' }),
  ),
  last_import_time: nullable(
    Type.String({ description: 'When the last ended import started (ISO 8601 UTC)' }),
  ),
  last_import_type: nullable(Type.String({ description: 'complete: Intake always reads a whole source' })),
  next_import_time: nullable(Type.String({ description: 'The next scheduled import of a pull source' })),
  next_import_time_in: nullable(Type.Integer({ description: 'Seconds until next_import_time' })),
  next_import_type: nullable(Type.String({ description: 'complete, or null without a next import' })),
  started: Type.Optional(
    Type.Array(Type.Object({ importSourceId: Type.String(), executionId: Type.String() }), {
      description: '?run=true: the imports it started',
    }),
  ),
  skipped: Type.Optional(
    Type.Array(Type.Object({ importSourceId: Type.String(), name: Type.String(), reason: Type.String() }), {
      description: '?run=true: the enabled pull sources it could not start, each with the reason',
    }),
  ),
})
