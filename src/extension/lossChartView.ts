import * as vscode from 'vscode';
import { parseWebviewMessage } from '../shared/explorerProtocol';
import { explorerHtml, explorerResourceRoots } from './explorer/explorerHtml';
import type { TrainingController } from './training/trainingController';

const POST_MS = 200;

/** The sidebar's live loss chart, a small webview view under the models. */
export class LossChartView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'rnnExplorer.loss';
  private view?: vscode.WebviewView;
  private timer?: NodeJS.Timeout;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly training: TrainingController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = training.onDidChange(() => this.schedule());
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: explorerResourceRoots(this.extensionUri),
    };
    view.webview.html = explorerHtml(view.webview, this.extensionUri, 'sidebar.js');
    view.webview.onDidReceiveMessage((raw: unknown) => {
      const parsed = parseWebviewMessage(raw);
      if ('error' in parsed)
        this.log.warn(`Loss chart: dropped a webview message: ${parsed.error}`);
      else if (parsed.message.type === 'ready') this.post();
    });
    view.onDidDispose(() => (this.view = undefined));
  }

  private schedule(): void {
    if (!this.view || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.post();
    }, POST_MS);
  }

  private post(): void {
    void this.view?.webview.postMessage({ type: 'training', snapshot: this.training.snapshot() });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
  }
}
