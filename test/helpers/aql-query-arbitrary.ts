import fc from 'fast-check'
import { quoteAql } from '../../src/domain/aql/print.js'
import { TAGS, TEXTS } from './aql-repository.js'

/**
 * Random AQL texts over the repository of aql-repository.ts: every operator on every kind of value, dot paths,
 * built-ins, having, objectTypeAndChildren, AND / OR / NOT, and order by. Values come from the stored pools (so
 * that queries match something), their case variants and fragments, and strings made to break escaping.
 */

type Kind = 'text' | 'number' | 'boolean' | 'date' | 'date_time' | 'time' | 'ref' | 'mixed' | 'id'

const PATHS: readonly (readonly [string, Kind])[] = [
  ['Name', 'text'],
  ['"Nick names"', 'text'],
  ['Age', 'number'],
  ['Email', 'text'],
  ['Price', 'number'],
  ['Active', 'boolean'],
  ['Bought', 'date'],
  ['"Last seen"', 'date_time'],
  ['Backup', 'time'],
  ['Vendor', 'text'],
  ['State', 'text'],
  ['Tags', 'text'],
  ['IP', 'text'],
  ['Site', 'text'],
  ['Owner', 'ref'],
  ['"Used by"', 'ref'],
  ['Devices', 'ref'],
  ['Parent', 'ref'],
  ['Cores', 'mixed'],
  ['label', 'text'],
  ['Key', 'text'],
  ['objectId', 'id'],
  ['objectTypeId', 'id'],
  ['Created', 'date_time'],
  ['Updated', 'date_time'],
  ['Owner.Name', 'text'],
  ['Owner.Age', 'number'],
  ['"Used by".Email', 'text'],
  ['Devices.Owner.Name', 'text'],
  ['Parent.Parent.label', 'text'],
  ['Devices.Vendor', 'text'],
  ['Owner.label', 'text'],
  ['Devices.Price', 'number'],
  ['Devices.Owner', 'ref'],
  ['Parent.Cores', 'text'],
  ['Devices.Cores', 'number'],
  ['Devices."Last seen"', 'date_time'],
]

const ORDERABLE = PATHS.filter(([, kind]) => kind !== 'mixed').map(([path]) => path)

const textValue = fc.oneof(
  fc.constantFrom(...TEXTS),
  fc.constantFrom(...TAGS),
  fc
    .tuple(fc.constantFrom(...TEXTS), fc.nat(8), fc.nat(8))
    .map(([t, a, b]) => [...t].slice(Math.min(a, b), Math.max(a, b) + 1).join('')),
  fc.constantFrom(...TEXTS).map((t) => t.toUpperCase()),
  fc.constantFrom('', '%', '_', '\\', "'", '"', 'a', 'x', 'É', 'ß', 'ss', 'i̇', 'σ', ' ', '-'),
  fc.constantFrom('Dell', 'lenovo', 'äpfel', 'running', 'RETIRED', 'ann@example.com', 'bob@example.com'),
  fc.constantFrom('10.0.0.1', '10.0.0', '::1', 'https://example.com/a', 'example', '2024-05-31'),
  fc.integer({ min: 1, max: 40 }).map((n) => `AG${n % 2 ? 'A' : 'B'}-${n}`),
  fc.integer({ min: 1, max: 40 }).map((n) => `aga-${n}`),
)
const numberValue = fc.oneof(
  fc.constantFrom('-5', '0', '1', '2', '9', '10', '10.5', '100', '1000000', '-0.25', '4', '16', '1e6'),
  fc.integer({ min: -3, max: 20 }).map(String),
)
const idValue = fc.integer({ min: 1, max: 60 }).map(String)
const booleanValue = fc.constantFrom('true', 'false', 'TRUE', 'False')
const dateValue = fc.oneof(
  fc.constantFrom('2020-02-29', '2023-12-31', '2024-01-01', '2024-05-31', '1999-07-04', '2024-05-30'),
  fc.constantFrom(
    'now()',
    'startOfDay()',
    'now(-900d)',
    'startOfYear(-3)',
    'endOfMonth(-20)',
    'startOfWeek()',
  ),
)
const dateTimeValue = fc.oneof(
  fc.constantFrom('2024-05-31T23:59:59.999Z', '2024-06-01T00:00:00Z', '2023-01-01T12:00:00Z', '2024-05-31'),
  fc.constantFrom('2024-05-31T06:30:00Z', '2024-05-31 08:30', 'now()', 'startOfDay()', 'now(-2h 15m)'),
)
const timeValue = fc.constantFrom('00:00:00', '08:30', '8:30', '23:59:59', '12:00:01', '12:00')

const FUNCTION = /^\w+\(.*\)$/u
const written = (value: string): string => (FUNCTION.test(value) ? value : quoteAql(value))

function valueOf(kind: Kind): fc.Arbitrary<string> {
  switch (kind) {
    case 'text':
    case 'ref':
      return textValue
    case 'number':
    case 'mixed':
      return numberValue
    case 'id':
      return idValue
    case 'boolean':
      return booleanValue
    case 'date':
      return dateValue
    case 'date_time':
      return dateTimeValue
    case 'time':
      return timeValue
  }
}

const TEXT_OPS = ['=', '==', '!=', 'like', 'not like', 'startswith', 'endswith', '<', '>', '<=', '>=']
const ORDER_OPS = ['=', '==', '!=', '<', '>', '<=', '>=']

function operatorOf(kind: Kind): fc.Arbitrary<string> {
  if (kind === 'text' || kind === 'ref') return fc.constantFrom(...TEXT_OPS)
  if (kind === 'boolean') return fc.constantFrom('=', '!=')
  return fc.constantFrom(...ORDER_OPS)
}

const comparison = fc.constantFrom(...PATHS).chain(([path, kind]) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(operatorOf(kind), valueOf(kind)).map(([op, v]) => `${path} ${op} ${written(v)}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('in', 'not in'), fc.array(valueOf(kind), { maxLength: 3 }))
        .map(([op, vs]) => `${path} ${op} (${vs.map(written).join(', ')})`),
    },
    { weight: 2, arbitrary: fc.constantFrom('is EMPTY', 'is not EMPTY').map((e) => `${path} ${e}`) },
  ),
)

function builtins(schemaName: string): fc.Arbitrary<string> {
  const type = fc.constantFrom('Person', 'Device', 'Laptop', 'Rack', 'device')
  return fc.oneof(
    type.map((t) => `objectType = ${t}`),
    type.map((t) => `objectType != ${quoteAql(t)}`),
    fc.uniqueArray(type, { minLength: 1, maxLength: 3 }).map((ts) => `objectType in (${ts.join(', ')})`),
    fc.constantFrom('Device', 'Rack').map((t) => `objectType in objectTypeAndChildren(${quoteAql(t)})`),
    fc.constantFrom('Device', 'Person').map((t) => `objectType not in objectTypeAndChildren(${t})`),
    fc.constant(`objectSchema = ${quoteAql(schemaName)}`),
    fc.constantFrom('Dev', 'o', 'ack').map((part) => `objectType like ${part}`),
  )
}

/** A random query (condition, optionally with order by) for the repository whose schema is `schemaName`. */
export function aqlQueryArb(schemaName: string): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string; leaf: string }>((tie) => ({
    leaf: fc.oneof(
      { weight: 8, arbitrary: comparison },
      { weight: 2, arbitrary: builtins(schemaName) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom('having', 'not having'),
            fc.constantFrom('inboundReferences', 'outboundReferences', 'inR', 'outR'),
            fc.option(tie('expr'), { nil: undefined, freq: 3 }),
          )
          .map(([having, fn, inner]) => `object ${having} ${fn}(${inner ?? ''})`),
      },
    ),
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: tie('leaf') },
      { weight: 1, arbitrary: tie('expr').map((e) => `NOT (${e})`) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(tie('expr'), fc.constantFrom('AND', 'OR', 'and', 'or'), tie('expr'))
          .map(([a, op, b]) => `(${a}) ${op} (${b})`),
      },
    ),
  }))
  const order = fc.option(
    fc
      .tuple(fc.constantFrom(...ORDERABLE), fc.constantFrom('', ' asc', ' desc', ' DESC'))
      .map(([path, dir]) => ` order by ${path}${dir}`),
    { nil: '', freq: 2 },
  )
  return fc.tuple(expr, order).map(([e, o]) => `${e}${o}`)
}
