/**
 * Inputs for an optimizer's options, generated from the registry's option table: the table
 * gives each input its kind, range, default (as the placeholder) and doc line (as the hint),
 * and validates what is typed with the same check the library applies (`checkOption`), so the
 * message under a bad value is the library's own.
 */
import { checkOption, getOptimizerEntry, type OptionSpec } from 'descent';
import type { Json, JsonObject } from '../../../src/lab/util.js';
import { h, labelled, nextId } from './dom.js';

/** Parses an input's text as the option's type; undefined for an empty field (the default). */
export function parseOptionText(text: string, s: OptionSpec): Json | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  switch (s.type) {
    case 'number':
    case 'integer':
      return t === 'null' && s.nullable ? null : Number(t);
    case 'pair':
    case 'numbers':
      return t.split(/[,\s/]+/).filter(Boolean).map(Number);
    case 'numberOrNumbers':
      return /[,\s/]/.test(t) ? t.split(/[,\s/]+/).filter(Boolean).map(Number) : Number(t);
    case 'object':
      try {
        return JSON.parse(t) as Json;
      } catch {
        return t;
      }
    default:
      return t;
  }
}

function shownDefault(v: unknown): string {
  if (v === undefined) return 'required';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export interface OptionFieldsOptions {
  /** The registry name the table comes from (e.g. 'adam' for the 'amsgrad' preset). */
  optimizer: string;
  /** Values the user set. */
  values: JsonObject;
  /** Options the method fixes (a preset's), shown as their placeholders. */
  base?: JsonObject;
  /** A placeholder for lr when the problem supplies the default. */
  lrPlaceholder?: string;
  /** Called with the new user values whenever every field is valid. */
  onChange(values: JsonObject): void;
  /** Options listed first, outside the "more options" fold. */
  primary?: readonly string[];
  /** Options given no field (a wrapper's inner optimizer, which the race picks with its own controls). */
  omit?: readonly string[];
}

/** The fields, with a fold for the less common options. */
export function optionFields(o: OptionFieldsOptions): HTMLElement {
  const specs = getOptimizerEntry(o.optimizer).options;
  const values: JsonObject = { ...o.values };
  const wrap = h('div', { class: 'options' });
  const more = h('details', { class: 'more' }, h('summary', {}, 'more options'));
  const primary = o.primary ?? ['lr'];
  for (const [key, s] of Object.entries(specs)) {
    if (o.omit?.includes(key)) continue;
    const field = oneField(key, s, o, values);
    (primary.includes(key) ? wrap : more).append(field);
  }
  if (more.children.length > 1) wrap.append(more);
  return wrap;
}

function oneField(key: string, s: OptionSpec, o: OptionFieldsOptions, values: JsonObject): HTMLElement {
  const id = nextId(`opt-${key}`);
  const error = h('span', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' });
  const commit = (v: Json | undefined): void => {
    const msg = v === undefined ? null : checkOption(o.optimizer, key, v, s);
    error.textContent = msg ?? '';
    control.setAttribute('aria-invalid', String(Boolean(msg)));
    if (msg) return;
    if (v === undefined) delete values[key];
    else values[key] = v;
    o.onChange({ ...values });
  };
  const given = values[key];
  const baseValue = o.base?.[key];
  let control: HTMLInputElement | HTMLSelectElement;
  if (s.type === 'boolean') {
    control = h('input', { type: 'checkbox', id, 'data-option': key });
    control.checked = Boolean(given ?? baseValue ?? s.default);
    control.addEventListener('change', () => commit((control as HTMLInputElement).checked));
  } else if (s.type === 'string' && s.choices) {
    control = h('select', { id, 'data-option': key });
    control.append(h('option', { value: '' }, `default (${shownDefault(baseValue ?? s.default)})`));
    for (const c of s.choices) control.append(h('option', { value: c }, c));
    control.value = typeof given === 'string' ? given : '';
    control.addEventListener('change', () => commit(control.value === '' ? undefined : control.value));
  } else {
    const numeric = s.type === 'number' || s.type === 'integer';
    control = h('input', {
      type: 'text', id, inputmode: numeric ? 'decimal' : 'text', 'data-option': key, 'aria-describedby': `${id}-error`,
      placeholder: key === 'lr' && o.lrPlaceholder && baseValue === undefined ? o.lrPlaceholder : shownDefault(baseValue ?? s.default),
      autocomplete: 'off', spellcheck: 'false',
    });
    if (given !== undefined) control.value = Array.isArray(given) ? given.join(', ') : String(given);
    control.addEventListener('change', () => commit(parseOptionText((control as HTMLInputElement).value, s)));
  }
  const field = labelled(key, control, s.doc);
  field.append(error);
  if (key === 'lr' && control instanceof HTMLInputElement) field.append(lrSlider(control, s, commit));
  return field;
}

// A log-scale slider beside the lr box, so the learning rate can be swept live.
function lrSlider(box: HTMLInputElement, s: OptionSpec, commit: (v: number) => void): HTMLElement {
  const slider = h('input', { type: 'range', min: '-5', max: '0', step: '0.05', 'aria-label': 'lr (log10 slider)', class: 'lr-slider' });
  const current = Number(box.value || (/[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(box.placeholder)?.[0] ?? ''));
  slider.value = String(Number.isFinite(current) && current > 0 ? Math.log10(current) : -2);
  slider.addEventListener('input', () => {
    const v = Number((10 ** Number(slider.value)).toPrecision(2));
    box.value = String(v);
    if (!checkOption('lr', 'lr', v, s)) commit(v);
  });
  return slider;
}
