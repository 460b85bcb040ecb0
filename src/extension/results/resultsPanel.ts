import * as vscode from 'vscode';
import {
  parseResultsMessage,
  type ResultsContent,
  type ResultsHostMessage,
} from '../../shared/resultsProtocol';
import { explorerHtml, explorerResourceRoots } from '../explorer/explorerHtml';

const STYLESHEETS = ['explorer.css', 'results.css'];

/**
 * One panel for results that are pictures rather than numbers: forecasts against their
 * baselines, and side-by-side comparisons. The page keeps what it shows with setState, so a
 * restored panel redraws without the host.
 */
export class ResultsPanel {
  static readonly viewType = 'rnnExplorer.results';
  private static current?: ResultsPanel;
  private ready = false;
  /** What the panel shows; sent again whenever the page (re)loads. */
  private content?: ResultsContent;

  static show(
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    content: ResultsContent,
  ): void {
    if (!ResultsPanel.current) {
      const panel = vscode.window.createWebviewPanel(
        ResultsPanel.viewType,
        content.title,
        vscode.ViewColumn.Active,
        { enableScripts: true, localResourceRoots: explorerResourceRoots(extensionUri) },
      );
      ResultsPanel.current = new ResultsPanel(panel, extensionUri, log);
    }
    ResultsPanel.current.display(content);
  }

  /**
   * New content for a panel already open, without bringing it to the front: a long race updates
   * its chart as results come while the user reads something else. A closed panel stays closed.
   */
  static update(content: ResultsContent): void {
    ResultsPanel.current?.display(content, false);
  }

  static register(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(ResultsPanel.viewType, {
      deserializeWebviewPanel: async (panel) => {
        ResultsPanel.current?.panel.dispose();
        panel.webview.options = {
          enableScripts: true,
          localResourceRoots: explorerResourceRoots(extensionUri),
        };
        ResultsPanel.current = new ResultsPanel(panel, extensionUri, log);
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    panel.webview.html = explorerHtml(panel.webview, extensionUri, 'results.js', STYLESHEETS);
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseResultsMessage(raw);
      if (!message) {
        log.warn(`Results panel: dropped a malformed message ${JSON.stringify(raw).slice(0, 200)}`);
        return;
      }
      if (message.type === 'openRun') {
        void vscode.commands.executeCommand('rnnExplorer.openRunInExplorer', message.id);
        return;
      }
      this.ready = true;
      if (this.content) this.post({ type: 'show', content: this.content });
    });
    // A hidden webview is torn down (no retainContextWhenHidden) and posts `ready` when shown.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    });
  }

  private display(content: ResultsContent, reveal = true): void {
    this.content = content;
    this.panel.title = content.title;
    if (reveal) this.panel.reveal();
    if (this.ready) this.post({ type: 'show', content });
  }

  private post(message: ResultsHostMessage): void {
    void this.panel.webview.postMessage(message);
  }
}
