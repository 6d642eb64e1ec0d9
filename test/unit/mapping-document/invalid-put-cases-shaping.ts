import type { InvalidCase } from './invalid-put-cases.js'
import { OTM, host, mapping } from './invalid-put-cases.js'
import { list } from './helpers.js'

const nameMapping = (d: Parameters<InvalidCase['change']>[0]) =>
  list(mapping(d, 0), 'attributesMapping')[0] as Record<string, unknown>

/** Value shaping: transformations, conditions and default values; same contract as INVALID_PUT_CASES. */
export const INVALID_PUT_CASES_SHAPING: InvalidCase[] = [
  {
    name: 'pad step of length 0',
    change: (d) => (nameMapping(d)['transformations'] = [{ type: 'trim' }, { type: 'pad', length: 0 }]),
    code: 'INVALID_TRANSFORMATION',
    pointer: `${OTM}/0/attributesMapping/0/transformations/1/length`,
  },
  {
    name: 'replace step with a nested quantifier',
    change: (d) => (nameMapping(d)['transformations'] = [{ type: 'replace', find: '(a+)+$', regex: true }]),
    code: 'INVALID_REGEX',
    pointer: `${OTM}/0/attributesMapping/0/transformations/0/find`,
  },
  {
    name: 'condition without a value after =',
    change: (d) => (mapping(d, 0)['condition'] = "state = 'active' AND size >"),
    code: 'INVALID_CONDITION',
    pointer: `${OTM}/0/condition`,
  },
  {
    name: 'defaultValue of an integer attribute that is no integer',
    change: (d) => {
      list(host(d), 'attributes').push({
        externalId: 'attr/host-cpu',
        name: 'CPU',
        description: '',
        type: 'integer',
      })
      list(mapping(d, 0), 'attributesMapping').push({
        attributeExternalId: 'attr/host-cpu',
        attributeName: 'CPU',
        attributeLocators: ['cpu'],
        defaultValue: 'many',
      })
    },
    code: 'INVALID_VALUE_FOR_TYPE',
    pointer: `${OTM}/0/attributesMapping/3/defaultValue`,
  },
]
