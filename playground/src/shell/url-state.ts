/** The URL as the playground's state: `view=<id>` plus the view's own keys. */

/** The query string as a record. */
export function readQuery(search = location.search): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) out[k] = v;
  return out;
}

/** Replaces the query string (no new history entry: every slider move would add one). */
export function writeQuery(state: Record<string, string>): void {
  const q = new URLSearchParams(state).toString();
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
}

/** The state with `patch` merged in (undefined deletes). */
export function mergeState(state: Record<string, string>, patch: Record<string, string | undefined>): Record<string, string> {
  const out = { ...state };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}
