/** What main.ts needs of each Results view. */
export interface ResultsView {
  readonly root: HTMLElement;
  /** (Re)draws the charts: after mounting, on a theme change and on a resize. */
  draw(): void;
}
