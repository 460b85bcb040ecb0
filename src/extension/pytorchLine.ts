/**
 * A model's PyTorch equivalent in one Markdown line, for the tooltips of the Models and Runs
 * views: the modules, the parameter count as PyTorch counts it, and the pages with their
 * equations. Free of the vscode module, so a unit test can read it.
 */
import type { ModelConfig } from '../core/model/config';
import { pytorchEquivalent } from '../core/model/pytorchModules';

export function pytorchLine(config: ModelConfig): string {
  const torch = pytorchEquivalent(config);
  const docs = torch.docs.map((url) => `[${/nn\.(\w+)\.html$/.exec(url)?.[1] ?? url}](${url})`);
  return (
    `In PyTorch: ${torch.modules.map((m) => `\`${m}\``).join(' → ')}, ` +
    `${torch.parameters.toLocaleString('en-US')} parameters (${docs.join(', ')})`
  );
}
