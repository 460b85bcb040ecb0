/** PyTorch interop: import a safetensors model as the active one, export a model to safetensors. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveModel } from '../../core/io/modelFile';
import {
  exportPyTorch,
  importPyTorch,
  metadataList,
  taskMetadata,
} from '../../core/io/pytorchInterop';
import type { ViewNode } from '../modelsView';
import { pickOpenFile, requireTrust } from './prompts';
import type { TaskCommandServices, TaskContext } from './taskContext';

export function registerInteropCommands(
  s: TaskCommandServices,
  { guarded }: TaskContext,
): vscode.Disposable[] {
  const { registry, log } = s;

  const importModel = guarded(async () => {
    if (!requireTrust('Importing a model')) return;
    const file = await pickOpenFile(vscode.l10n.t('RNN: Import PyTorch Model'), {
      safetensors: ['safetensors'],
    });
    if (!file) return;
    const bytes = await vscode.workspace.fs.readFile(file);
    const imported = importPyTorch(bytes);
    try {
      const meta = imported.metadata;
      const { classifier } = await s.classifier();
      const namesShaped =
        imported.config.inputSize === classifier.manifest.vocabulary.length &&
        imported.config.outputSize === classifier.manifest.labels.length;
      const vocabulary =
        metadataList(meta, 'vocabulary') ??
        (namesShaped ? [...classifier.manifest.vocabulary] : undefined);
      const labels =
        metadataList(meta, 'labels') ?? (namesShaped ? [...classifier.manifest.labels] : undefined);
      if (!vocabulary || !labels) {
        throw new Error(
          `${path.basename(file.path)} has no "vocabulary" and "labels" metadata and is not shaped like the names task (${classifier.manifest.vocabulary.length} letters in, ${classifier.manifest.labels.length} languages out). Save it with metadata={"vocabulary": json.dumps([...]), "labels": json.dumps([...])}.`,
        );
      }
      const target = registry.newTrainedModelFile(
        `imported-${path.basename(file.path, '.safetensors')}`,
      );
      saveModel(target, imported.model, {
        task: meta.task ?? 'names',
        createdAt: new Date().toISOString(),
        vocabulary,
        labels,
      });
      await registry.setActive(target);
      log.info(`Imported ${file.fsPath} as ${target}`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'RNN Explorer: imported {0}; it is now the active {1} model.',
          path.basename(file.path),
          meta.task ?? 'names',
        ),
      );
    } finally {
      imported.model.dispose();
    }
  });

  const exportModel = guarded(async (node?: ViewNode) => {
    const entry = node?.kind === 'model' ? node.entry : registry.activeEntry();
    if (!entry) return;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('RNN: Export Model as safetensors'),
      filters: { safetensors: ['safetensors'] },
      defaultUri: vscode.Uri.file(
        path.join(path.dirname(entry.id), `${path.basename(entry.id, '.json')}.safetensors`),
      ),
    });
    if (!target) return;
    const loaded = registry.loadEntry(entry);
    try {
      const bytes = exportPyTorch(loaded.model, taskMetadata(entry.manifest));
      await vscode.workspace.fs.writeFile(target, bytes);
      log.info(`Exported ${entry.id} to ${target.fsPath} (${bytes.length} bytes)`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'RNN Explorer: exported to {0}. Load it in PyTorch with safetensors.torch.load_file.',
          path.basename(target.path),
        ),
      );
    } finally {
      loaded.model.dispose();
    }
  });

  return [
    vscode.commands.registerCommand('rnnExplorer.importPyTorch', importModel),
    vscode.commands.registerCommand('rnnExplorer.exportPyTorch', exportModel),
  ];
}
