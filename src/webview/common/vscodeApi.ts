/**
 * The webview side of VS Code's API, typed by one webview's protocol: the messages it posts and
 * the state it keeps across hide, show and window reloads.
 */
export interface VsCodeApi<Post, State> {
  postMessage(message: Post): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** VS Code lets a page acquire its API only once, so each webview calls this once, at load. */
export function createVsCodeApi<Post, State = never>(): VsCodeApi<Post, State> {
  return acquireVsCodeApi() as VsCodeApi<Post, State>;
}
