import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeAttempts, initBackend, type BackendInfo } from '../core/backend';
import { settings } from './settings';

/** The tfjs backend of the extension host itself (prediction and hover). */
export class BackendService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BackendInfo>();
  readonly onDidChange = this.changed.event;
  private current?: Promise<BackendInfo>;
  private info?: BackendInfo;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get wasmDirectory(): string {
    return path.join(this.extensionPath, 'dist');
  }

  get active(): BackendInfo | undefined {
    return this.info;
  }

  /** Starts the configured backend once; later calls share the same start. */
  ready(): Promise<BackendInfo> {
    this.current ??= this.start();
    return this.current;
  }

  /** Re-reads the setting (after "RNN: Select Backend" or a settings edit). */
  restart(): Promise<BackendInfo> {
    this.current = this.start();
    return this.current;
  }

  private async start(): Promise<BackendInfo> {
    const preference = settings.backend();
    try {
      const info = await initBackend(preference, { wasmDir: this.wasmDirectory });
      this.info = info;
      this.log.info(`Backend: ${describeAttempts(info)}`);
      this.changed.fire(info);
      return info;
    } catch (error) {
      this.log.error(`Backend "${preference}" failed: ${(error as Error).message}`);
      if (preference === 'auto') throw error;
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'RNN Explorer: the {0} backend is not available here ({1}). Using the fastest available one instead.',
          preference,
          (error as Error).message,
        ),
      );
      const info = await initBackend('auto', { wasmDir: this.wasmDirectory });
      this.info = info;
      this.changed.fire(info);
      return info;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
