/** Small DOM helpers: every control is a real element with a visible <label>. */

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (false/undefined ones are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children);
  return el;
}

let uid = 0;
/** A fresh id for pairing a label with its control. */
export function nextId(prefix: string): string {
  return `${prefix}-${++uid}`;
}

/** A <label> around a caption and a control, so clicks and screen readers find the control. */
export function labelled(caption: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  const label = h('label', { class: 'field' }, h('span', { class: 'caption' }, caption), control);
  if (hint) label.title = hint;
  return label;
}

/** A <select> of the given values (value = text unless a pair is given). */
export function select(options: readonly (string | [string, string])[], value: string, attrs: Attrs = {}): HTMLSelectElement {
  const el = h('select', attrs);
  for (const o of options) {
    const [v, text] = typeof o === 'string' ? [o, o] : o;
    el.append(h('option', { value: v }, text));
  }
  el.value = value;
  return el;
}

/** A <button type="button">. */
export function button(text: string, onClick: () => void, attrs: Attrs = {}): HTMLButtonElement {
  const el = h('button', { type: 'button', ...attrs }, text);
  el.addEventListener('click', onClick);
  return el;
}
