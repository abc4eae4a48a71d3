/** One tab of the playground. */
export interface PlaygroundView {
  id: string;            // URL `view=<id>`
  title: string;         // tab label
  order: number;         // tab order (race 1, counterexample 2, training 3, gan 4, curvature 5)
  mount(root: HTMLElement, ctx: ViewContext): { unmount(): void };
}
export interface ViewContext {
  /** This view's part of the URL state (the query string minus `view`), as read on mount. */
  readonly state: Readonly<Record<string, string>>;
  /** Merges into the URL state (history.replaceState); undefined deletes a key. */
  setState(patch: Record<string, string | undefined>): void;
  /** Shows the equivalent `descent ...` command for the current state under the view. */
  setCommand(command: string): void;
  /** Registers this view's exports for the toolbar: a JSON record (lab store format) and plot elements. */
  setExports(exports: { json?: () => unknown; plots?: () => (SVGSVGElement | HTMLCanvasElement)[] }): void;
}
