import type { ComponentChildren } from 'preact'
import type { PointerProblem } from '../api'
import {
  ATTRIBUTE_TYPES,
  attributeMappingIndex,
  fieldId,
  setAt,
  typeViews,
  type Json,
  type TypeView,
} from '../mapping-doc'

type Placed = Map<string, PointerProblem[]>
type SetDoc = (doc: Json) => void

/** The problems placed at `pointer`, under its control. */
function Errors({ pointer, placed }: { pointer: string; placed: Placed }) {
  const list = placed.get(pointer)
  if (!list?.length) return null
  return (
    <ul class="field-error" id={`${fieldId(pointer)}-error`}>
      {list.map((p, i) => (
        <li key={i}>
          {p.message} ({p.code})
        </li>
      ))}
    </ul>
  )
}

const described = (pointer: string, placed: Placed) =>
  placed.get(pointer)?.length ? { 'aria-describedby': `${fieldId(pointer)}-error`, 'aria-invalid': true } : {}

function Text({
  pointer,
  label,
  value,
  onValue,
  placed,
  hideLabel = false,
  placeholder,
}: {
  pointer: string
  label: string
  value: string
  onValue: (v: string) => void
  placed: Placed
  hideLabel?: boolean
  placeholder?: string
}) {
  const id = fieldId(pointer)
  return (
    <div class="field">
      <label for={id} class={hideLabel ? 'sr-only' : undefined}>
        {label}
      </label>
      <input
        id={id}
        value={value}
        placeholder={placeholder}
        onInput={(e) => onValue(e.currentTarget.value)}
        {...described(pointer, placed)}
      />
      <Errors pointer={pointer} placed={placed} />
    </div>
  )
}

function Check({
  pointer,
  label,
  checked,
  onValue,
  placed,
  hideLabel = true,
}: {
  pointer: string
  label: string
  checked: boolean
  onValue: (v: boolean) => void
  placed: Placed
  hideLabel?: boolean
}) {
  const id = fieldId(pointer)
  return (
    <div class="field check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onValue(e.currentTarget.checked)}
        {...described(pointer, placed)}
      />
      <label for={id} class={hideLabel ? 'sr-only' : undefined}>
        {label}
      </label>
      <Errors pointer={pointer} placed={placed} />
    </div>
  )
}

/** Problems at a whole object (a type, an attribute) rather than one of its fields. */
function Group({
  pointer,
  placed,
  children,
}: {
  pointer: string
  placed: Placed
  children: ComponentChildren
}) {
  return (
    <div id={`${fieldId(pointer)}-group`} tabIndex={-1}>
      <Errors pointer={pointer} placed={placed} />
      {children}
    </div>
  )
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'x'

export function MappingForm({ doc, setDoc, placed }: { doc: Json; setDoc: SetDoc; placed: Placed }) {
  const views = typeViews(doc)
  const addType = () => {
    const n = views.length + 1
    const name = `Type ${n}`
    const externalId = `object-type/${slug(name)}-${Date.now().toString(36)}`
    const types = [...(doc.schema?.objectSchema?.objectTypes ?? [])]
    types.push({
      externalId,
      name,
      description: '',
      attributes: [
        {
          externalId: `${externalId}/attribute/name`,
          name: 'Name',
          description: '',
          type: 'text',
          label: true,
        },
      ],
    })
    let next = setAt(doc, '/schema/objectSchema/objectTypes', types)
    const mappings = [...(next.mapping?.objectTypeMappings ?? [])]
    mappings.push({
      objectTypeExternalId: externalId,
      objectTypeName: name,
      selector: '',
      description: '',
      attributesMapping: [
        {
          attributeExternalId: `${externalId}/attribute/name`,
          attributeName: 'Name',
          attributeLocators: ['name'],
          externalIdPart: true,
        },
      ],
    })
    next = setAt(next, '/mapping/objectTypeMappings', mappings)
    setDoc(next)
  }
  return (
    <div class="mapping-form">
      <div class="form grid">
        <Text
          pointer="/schema/objectSchema/name"
          label="Object schema name"
          value={doc.schema?.objectSchema?.name ?? ''}
          onValue={(v) => setDoc(setAt(doc, '/schema/objectSchema/name', v))}
          placed={placed}
        />
        <Text
          pointer="/schema/objectSchema/description"
          label="Object schema description"
          value={doc.schema?.objectSchema?.description ?? ''}
          onValue={(v) => setDoc(setAt(doc, '/schema/objectSchema/description', v))}
          placed={placed}
        />
      </div>
      <Errors pointer="" placed={placed} />
      {views.map((view) => (
        <TypeEditor key={view.pointer} view={view} views={views} doc={doc} setDoc={setDoc} placed={placed} />
      ))}
      <button type="button" onClick={addType}>
        Add an object type
      </button>
    </div>
  )
}

function TypeEditor({
  view,
  views,
  doc,
  setDoc,
  placed,
}: {
  view: TypeView
  views: TypeView[]
  doc: Json
  setDoc: SetDoc
  placed: Placed
}) {
  const { pointer, type, mappingPointer, mapping } = view
  const attributes: Json[] = type.attributes ?? []
  const rename = (v: string) => {
    let next = setAt(doc, `${pointer}/name`, v)
    if (mappingPointer) next = setAt(next, `${mappingPointer}/objectTypeName`, v)
    setDoc(next)
  }
  const addMapping = () => {
    const mappings = [...(doc.mapping?.objectTypeMappings ?? [])]
    mappings.push({
      objectTypeExternalId: type.externalId,
      objectTypeName: type.name,
      selector: '',
      description: '',
      attributesMapping: [],
    })
    setDoc(setAt(doc, '/mapping/objectTypeMappings', mappings))
  }
  const addAttribute = () => {
    const name = `Attribute ${attributes.length + 1}`
    const externalId = `${type.externalId ?? slug(type.name)}/attribute/${slug(name)}-${Date.now().toString(36)}`
    let next = setAt(doc, `${pointer}/attributes`, [
      ...attributes,
      { externalId, name, description: '', type: 'text' },
    ])
    if (mappingPointer) {
      const list = [...(mapping?.attributesMapping ?? [])]
      list.push({
        attributeExternalId: externalId,
        attributeName: name,
        attributeLocators: [slug(name)],
        externalIdPart: false,
      })
      next = setAt(next, `${mappingPointer}/attributesMapping`, list)
    }
    setDoc(next)
  }
  const removeType = () => {
    let next = setAt(doc, pointer, undefined)
    if (mappingPointer) next = setAt(next, mappingPointer, undefined)
    setDoc(next)
  }
  const title = type.name || '(unnamed type)'
  return (
    <fieldset class="type-editor" style={view.depth ? { marginLeft: `${view.depth * 1.5}rem` } : undefined}>
      <legend>Object type: {title}</legend>
      <Group pointer={pointer} placed={placed}>
        <div class="form grid">
          <Text
            pointer={`${pointer}/name`}
            label="Name"
            value={type.name ?? ''}
            onValue={rename}
            placed={placed}
          />
          <Text
            pointer={`${pointer}/description`}
            label="Description"
            value={type.description ?? ''}
            onValue={(v) => setDoc(setAt(doc, `${pointer}/description`, v))}
            placed={placed}
          />
          {mappingPointer ? (
            <Group pointer={mappingPointer} placed={placed}>
              <Text
                pointer={`${mappingPointer}/selector`}
                label="Selector (the entries that become objects)"
                value={mapping.selector ?? ''}
                onValue={(v) => setDoc(setAt(doc, `${mappingPointer}/selector`, v))}
                placed={placed}
              />
            </Group>
          ) : (
            <p>
              Not mapped: no entries become objects of this type.{' '}
              <button type="button" onClick={addMapping}>
                Map it
              </button>
            </p>
          )}
        </div>
      </Group>
      <div class="table-wrap">
        <table class="attributes">
          <caption class="sr-only">Attributes of {title}</caption>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Type</th>
              <th scope="col">Locators (columns, comma-separated)</th>
              <th scope="col">Label</th>
              <th scope="col">Identity</th>
              <th scope="col">Unique</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col">Reference</th>
              <th scope="col">
                <span class="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {attributes.map((attribute, j) => (
              <AttributeRow
                key={`${pointer}/${j}`}
                view={view}
                views={views}
                j={j}
                attribute={attribute}
                doc={doc}
                setDoc={setDoc}
                placed={placed}
              />
            ))}
          </tbody>
        </table>
      </div>
      <div class="actions">
        <button type="button" onClick={addAttribute}>
          Add an attribute to {title}
        </button>
        <button type="button" class="danger" onClick={removeType}>
          Remove {title}
        </button>
      </div>
    </fieldset>
  )
}

function AttributeRow({
  view,
  views,
  j,
  attribute,
  doc,
  setDoc,
  placed,
}: {
  view: TypeView
  views: TypeView[]
  j: number
  attribute: Json
  doc: Json
  setDoc: SetDoc
  placed: Placed
}) {
  const a = `${view.pointer}/attributes/${j}`
  const m = attributeMappingIndex(view.mapping, attribute)
  const am = view.mappingPointer && m >= 0 ? `${view.mappingPointer}/attributesMapping/${m}` : null
  const am_ = am ? view.mapping.attributesMapping[m] : null
  const name = attribute.name || `attribute ${j + 1}`
  const set = (field: string, value: unknown) => setDoc(setAt(doc, `${a}/${field}`, value))
  const setMapped = (field: string, value: unknown) => am && setDoc(setAt(doc, `${am}/${field}`, value))
  const rename = (v: string) => {
    let next = setAt(doc, `${a}/name`, v)
    if (am) next = setAt(next, `${am}/attributeName`, v)
    setDoc(next)
  }
  const mapIt = () => {
    if (!view.mappingPointer) return
    const list = [...(view.mapping.attributesMapping ?? [])]
    list.push({
      attributeExternalId: attribute.externalId,
      attributeName: attribute.name,
      attributeLocators: [attribute.name],
      externalIdPart: false,
    })
    setDoc(setAt(doc, `${view.mappingPointer}/attributesMapping`, list))
  }
  const setLabel = (on: boolean) => {
    let next = doc
    ;(view.type.attributes ?? []).forEach((_: Json, k: number) => {
      next = setAt(next, `${view.pointer}/attributes/${k}/label`, k === j ? on : false)
    })
    setDoc(next)
  }
  const remove = () => {
    let next = setAt(doc, a, undefined)
    if (am) next = setAt(next, am, undefined)
    setDoc(next)
  }
  const isReference = attribute.type === 'referenced_object'
  return (
    <tr id={`${fieldId(a)}-group`} tabIndex={-1}>
      <td>
        <Errors pointer={a} placed={placed} />
        {am ? <Errors pointer={am} placed={placed} /> : null}
        <Text
          pointer={`${a}/name`}
          label={`Name of attribute ${j + 1}`}
          hideLabel
          value={attribute.name ?? ''}
          onValue={rename}
          placed={placed}
        />
      </td>
      <td>
        <label for={fieldId(`${a}/type`)} class="sr-only">
          Type of {name}
        </label>
        <select
          id={fieldId(`${a}/type`)}
          value={attribute.type ?? 'text'}
          onChange={(e) => set('type', e.currentTarget.value)}
          {...described(`${a}/type`, placed)}
        >
          {ATTRIBUTE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <Errors pointer={`${a}/type`} placed={placed} />
      </td>
      <td>
        {am ? (
          <Text
            pointer={`${am}/attributeLocators`}
            label={`Locators of ${name}`}
            hideLabel
            value={(am_.attributeLocators ?? []).join(', ')}
            onValue={(v) =>
              setMapped(
                'attributeLocators',
                v
                  .split(',')
                  .map((s) => s.trim())
                  .filter((s, i, all) => s !== '' || i < all.length - 1),
              )
            }
            placed={placed}
          />
        ) : view.mappingPointer ? (
          <button type="button" onClick={mapIt}>
            Map {name}
          </button>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td>
        <Check
          pointer={`${a}/label`}
          label={`${name} is the label`}
          checked={attribute.label === true}
          onValue={setLabel}
          placed={placed}
        />
      </td>
      <td>
        {am ? (
          <Check
            pointer={`${am}/externalIdPart`}
            label={`${name} is part of the identity`}
            checked={am_.externalIdPart === true}
            onValue={(v) => setMapped('externalIdPart', v)}
            placed={placed}
          />
        ) : null}
      </td>
      <td>
        <Check
          pointer={`${a}/unique`}
          label={`${name} is unique`}
          checked={attribute.unique === true}
          onValue={(v) => set('unique', v)}
          placed={placed}
        />
      </td>
      <td>
        <NumberField
          pointer={`${a}/minimumCardinality`}
          label={`Fewest values of ${name}`}
          value={attribute.minimumCardinality ?? 0}
          onValue={(v) => set('minimumCardinality', v)}
          placed={placed}
        />
      </td>
      <td>
        <NumberField
          pointer={`${a}/maximumCardinality`}
          label={`Most values of ${name} (-1 = any)`}
          value={attribute.maximumCardinality ?? 1}
          onValue={(v) => set('maximumCardinality', v)}
          placed={placed}
        />
      </td>
      <td>
        {isReference ? (
          <>
            <label for={fieldId(`${a}/referenceObjectTypeExternalId`)} class="sr-only">
              Type {name} references
            </label>
            <select
              id={fieldId(`${a}/referenceObjectTypeExternalId`)}
              value={attribute.referenceObjectTypeExternalId ?? ''}
              onChange={(e) => set('referenceObjectTypeExternalId', e.currentTarget.value)}
              {...described(`${a}/referenceObjectTypeExternalId`, placed)}
            >
              <option value="">— target type —</option>
              {views
                .filter((v) => v.type.externalId)
                .map((v) => (
                  <option key={v.pointer} value={v.type.externalId}>
                    {v.type.name}
                  </option>
                ))}
            </select>
            <Errors pointer={`${a}/referenceObjectTypeExternalId`} placed={placed} />
            {am ? (
              <Text
                pointer={`${am}/objectMappingIQL`}
                label={`AQL that finds the target of ${name}`}
                hideLabel
                placeholder="Name = ${owner}"
                value={am_.objectMappingIQL ?? ''}
                onValue={(v) => setMapped('objectMappingIQL', v === '' ? undefined : v)}
                placed={placed}
              />
            ) : null}
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td>
        <button type="button" class="icon danger" onClick={remove} aria-label={`Remove ${name}`}>
          ✕
        </button>
      </td>
    </tr>
  )
}

function NumberField({
  pointer,
  label,
  value,
  onValue,
  placed,
}: {
  pointer: string
  label: string
  value: number
  onValue: (v: number) => void
  placed: Placed
}) {
  const id = fieldId(pointer)
  return (
    <div class="field">
      <label for={id} class="sr-only">
        {label}
      </label>
      <input
        id={id}
        type="number"
        class="narrow"
        min={-1}
        value={value}
        onInput={(e) => {
          const n = Number(e.currentTarget.value)
          if (Number.isInteger(n)) onValue(n)
        }}
        {...described(pointer, placed)}
      />
      <Errors pointer={pointer} placed={placed} />
    </div>
  )
}
