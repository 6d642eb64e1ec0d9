/**
 * Problem codes of the schema + mapping document, each with its meaning and an example pointer. Codes are
 * stable once released (docs/mapping.md mirrors this table; a unit test keeps the two in step).
 */
import type { DocumentProblem } from './document.types.js'

interface CodeInfo {
  readonly meaning: string
  readonly example: string
}

const OT = '/schema/objectSchema/objectTypes'
const OTM = '/mapping/objectTypeMappings'

export const DOCUMENT_PROBLEM_CODES = {
  // shape
  REQUIRED_FIELD_MISSING: {
    meaning: 'A required member is absent (or null); the pointer names the missing member.',
    example: `${OT}/0/description`,
  },
  INVALID_TYPE: {
    meaning: 'A member has the wrong JSON type (string, boolean, number, array or object expected).',
    example: `${OT}/0/attributes/0/label`,
  },
  EMPTY_STRING: {
    meaning: 'A name, externalId, locator or query is an empty or blank string.',
    example: `${OT}/0/name`,
  },
  EMPTY_ARRAY: {
    meaning: 'An array that needs at least one item is empty (objectTypes on PUT, attributeLocators).',
    example: `${OTM}/0/attributesMapping/0/attributeLocators`,
  },
  INVALID_ENUM_VALUE: {
    meaning: 'A value is not one of the allowed words (status category, extension policies).',
    example: '/schema/statusSchema/statuses/0/category',
  },
  FIELD_NOT_ALLOWED: {
    meaning:
      'A member does not apply here: typeValues off status, a reference target or objectMappingIQL off (unique on) a referenced_object attribute, missingObjects attributeName/value off UPDATE.',
    example: `${OT}/0/attributes/1/typeValues`,
  },
  UNKNOWN_MEMBER: {
    meaning:
      'A member that this object of the document does not have (a typo, or a member of neither Assets format nor Intake); the message names the closest known member.',
    example: `${OTM}/0/attributesMapping/0/externalIdpart`,
  },
  UNSUPPORTED_MEMBER: {
    meaning:
      'A member of the Assets document that Intake does not apply with this value (inheritance: true); the message says why.',
    example: `${OT}/0/inheritance`,
  },
  // externalIds
  EXTERNAL_ID_MISSING: {
    meaning:
      'The document uses externalIds (2023_10_19) but this object type, attribute or mapping entry has none: all or none.',
    example: `${OT}/0/attributes/1/externalId`,
  },
  DUPLICATE_EXTERNAL_ID: {
    meaning: 'The externalId is already used by another object type or attribute of this document.',
    example: `${OT}/1/externalId`,
  },
  EXTERNAL_ID_IN_USE: {
    meaning: 'The externalId is already used by the schema of another import source of the workspace.',
    example: `${OT}/0/externalId`,
  },
  ADOPTED_DEFINITION_MISMATCH: {
    meaning:
      'An adopted type or attribute (externalId of the existing schema) is declared unlike the schema (parent, type, reference target, label, cardinality, unique, status values).',
    example: `${OT}/0/attributes/1/type`,
  },
  // object types and attributes
  INVALID_ATTRIBUTE_TYPE: {
    meaning: 'The attribute type is not one of the 14 Assets types (13 in 2021_09_15, which has no status).',
    example: `${OT}/0/attributes/0/type`,
  },
  DUPLICATE_OBJECT_TYPE_NAME: {
    meaning: 'Two object types of the schema have the same name (compared case-insensitively).',
    example: `${OT}/1/name`,
  },
  DUPLICATE_ATTRIBUTE_NAME: {
    meaning: 'Two attributes of one object type have the same name (compared case-insensitively).',
    example: `${OT}/0/attributes/2/name`,
  },
  MULTIPLE_LABEL_ATTRIBUTES: {
    meaning: 'More than one attribute of the object type is marked as label.',
    example: `${OT}/0/attributes/1/label`,
  },
  MISSING_LABEL_ATTRIBUTE: {
    meaning: 'The object type has no label attribute, and no text attribute that could become it.',
    example: `${OT}/0`,
  },
  INVALID_CARDINALITY: {
    meaning: 'A cardinality is not an integer, minimum below 0, or maximum neither -1 (unlimited) nor ≥ 1.',
    example: `${OT}/0/attributes/0/maximumCardinality`,
  },
  MINIMUM_EXCEEDS_MAXIMUM: {
    meaning: 'minimumCardinality is greater than a limited maximumCardinality.',
    example: `${OT}/0/attributes/0/minimumCardinality`,
  },
  UNKNOWN_REFERENCE_TARGET: {
    meaning: 'The referenced object type is neither in the document nor already in the schema.',
    example: `${OT}/0/attributes/3/referenceObjectTypeExternalId`,
  },
  NAME_MISMATCH: {
    meaning: 'A name given next to an externalId is not the name of what the externalId identifies.',
    example: `${OTM}/0/objectTypeName`,
  },
  DUPLICATE_TYPE_VALUE: {
    meaning: 'A status name appears twice in typeValues.',
    example: `${OT}/0/attributes/2/typeValues/1`,
  },
  UNKNOWN_STATUS: {
    meaning: 'typeValues names a status that is neither in statusSchema nor an existing status.',
    example: `${OT}/0/attributes/2/typeValues/0`,
  },
  // statuses and icons
  INVALID_STATUS_NAME: {
    meaning: 'A status name is not 2–30 characters of letters, digits, spaces and hyphens.',
    example: '/schema/statusSchema/statuses/0/name',
  },
  DUPLICATE_STATUS_NAME: {
    meaning: 'Two statuses of statusSchema have the same name (compared case-insensitively).',
    example: '/schema/statusSchema/statuses/1/name',
  },
  INVALID_ICON_KEY: {
    meaning: 'An icon key is not 1–255 characters.',
    example: '/schema/iconSchema/icons/0/key',
  },
  INVALID_ICON_NAME: {
    meaning: 'An icon name is not 2–30 characters of letters, digits, spaces and hyphens.',
    example: '/schema/iconSchema/icons/0/name',
  },
  INVALID_ICON_IMAGE: {
    meaning: 'png48 is not the base64 of a 48×48 PNG image.',
    example: '/schema/iconSchema/icons/0/png48',
  },
  DUPLICATE_ICON_KEY: {
    meaning: 'Two icons of iconSchema have the same key.',
    example: '/schema/iconSchema/icons/1/key',
  },
  DUPLICATE_ICON_NAME: {
    meaning: 'Two icons have the same name (compared case-insensitively).',
    example: '/schema/iconSchema/icons/1/name',
  },
  UNKNOWN_ICON: {
    meaning: 'iconKey names an icon that is neither in iconSchema nor already present.',
    example: `${OT}/0/iconKey`,
  },
  // mapping
  UNKNOWN_EXTERNAL_ID_MAPPING: {
    meaning:
      'A mapping points at an object type, or an attribute of its type, that the schema does not have (code as in Assets dataValidationErrors).',
    example: `${OTM}/0/attributesMapping/1/attributeExternalId`,
  },
  UNKNOWN_COLUMN: {
    meaning:
      "A locator names a column the source's file does not have (CSV and XLSX sources with a file: the header is known); the message names the closest column.",
    example: `${OTM}/0/attributesMapping/0/attributeLocators/0`,
  },
  DUPLICATE_OBJECT_TYPE_MAPPING: {
    meaning: 'A second mapping for the same object type.',
    example: `${OTM}/2/objectTypeExternalId`,
  },
  DUPLICATE_ATTRIBUTE_MAPPING: {
    meaning: 'The same attribute is mapped twice in one object type mapping.',
    example: `${OTM}/0/attributesMapping/2/attributeExternalId`,
  },
  MISSING_EXTERNAL_ID_PART: {
    meaning:
      'No attribute mapping of the object type mapping has externalIdPart: true (objects need an identity).',
    example: `${OTM}/0/attributesMapping`,
  },
  INVALID_SELECTOR: {
    meaning: 'The selector is not dot-separated non-empty segments (e.g. hardDrives.files).',
    example: `${OTM}/1/selector`,
  },
  INVALID_AQL: {
    meaning: 'selectorQlQuery is not a valid AQL query (the message says why).',
    example: `${OTM}/0/selectorQlQuery`,
  },
  UNKNOWN_MISSING_OBJECTS_ATTRIBUTE: {
    meaning: 'missingObjects.attributeName is not an attribute of the mapped object type.',
    example: `${OTM}/0/missingObjects/attributeName`,
  },
  INVALID_THRESHOLD: {
    meaning: 'missingObjects.threshold is not a non-negative integer.',
    example: `${OTM}/0/missingObjects/threshold`,
  },
  // value shaping (transformations, conditions, default values)
  INVALID_TRANSFORMATION: {
    meaning:
      'A transformation step is not usable: an option out of range, a bad date format or template, too many steps.',
    example: `${OTM}/0/attributesMapping/1/transformations/2/length`,
  },
  INVALID_REGEX: {
    meaning:
      "A replace step's pattern is not a regular expression, or could run away (backreference, lookaround, nested repetition, more than two open-ended quantifiers).",
    example: `${OTM}/0/attributesMapping/1/transformations/0/find`,
  },
  INVALID_CONDITION: {
    meaning:
      "A condition (an object type mapping's condition, a conditional value's when) does not parse or uses what an entry does not have.",
    example: `${OTM}/0/condition`,
  },
  INVALID_VALUE_FOR_TYPE: {
    meaning:
      "A defaultValue or conditional value is not a value of the attribute's type (integer, double, boolean).",
    example: `${OTM}/0/attributesMapping/2/defaultValue`,
  },
  // PATCH
  RENAME_NOT_ALLOWED: {
    meaning: 'PATCH gives an existing object type or attribute (same externalId) another name.',
    example: `${OT}/0/name`,
  },
  ATTRIBUTE_TYPE_CHANGE_NOT_ALLOWED: {
    meaning: 'PATCH gives an existing attribute another type.',
    example: `${OT}/0/attributes/0/type`,
  },
  REFERENCE_TARGET_CHANGE_NOT_ALLOWED: {
    meaning: 'PATCH points an existing referenced_object attribute at another object type.',
    example: `${OT}/0/attributes/0/referenceObjectTypeExternalId`,
  },
  ICON_KEY_CHANGE_NOT_ALLOWED: {
    meaning: 'PATCH declares an existing icon (same name) under a new key; icon keys cannot change.',
    example: '/schema/iconSchema/icons/0/key',
  },
  MOVE_NOT_ALLOWED: {
    meaning:
      'PATCH places an existing object type under another parent, or an existing attribute in another type.',
    example: `${OT}/0/children/0`,
  },
} as const satisfies Record<string, CodeInfo>

export type DocumentProblemCode = keyof typeof DOCUMENT_PROBLEM_CODES

/** RFC 6901: appends reference tokens to a pointer, escaping `~` and `/`. */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>(
    (path, token) => `${path}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`,
    base,
  )
}

/** Collects every problem of one answer, in discovery order, once per code and pointer. */
export class ProblemCollector {
  readonly #problems: DocumentProblem[] = []
  readonly #seen = new Set<string>()

  add(code: DocumentProblemCode, at: string, message: string): void {
    const key = `${code} ${at}`
    if (this.#seen.has(key)) return
    this.#seen.add(key)
    this.#problems.push({ code, pointer: at, message })
  }

  /** Whether a problem was already reported at this pointer (so a follow-up rule stays quiet). */
  has(at: string): boolean {
    return this.#problems.some((problem) => problem.pointer === at)
  }

  get size(): number {
    return this.#problems.length
  }

  list(): DocumentProblem[] {
    return [...this.#problems]
  }
}
