/**
 * A model as the PyTorch modules that compute the same function, for learners who read the
 * lessons' code: `nn.GRU(57, 128, batch_first=True)` and `nn.Linear(128, 18)`, with the parameter
 * count and where PyTorch documents each module's equations.
 */
import { headInputSize, type ModelConfig } from './config';
import { paramSpecs, sizeOf } from './params';

export interface PyTorchEquivalent {
  /** One line of Python per module, in the order the data flows. */
  modules: string[];
  /** Every weight and bias, as `sum(p.numel() for p in model.parameters())` counts them. */
  parameters: number;
  /** PyTorch's page for each module, with its equations. */
  docs: string[];
}

const MODULE = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' } as const;
const DOCS = 'https://pytorch.org/docs/stable/generated/torch.nn.';

export function pytorchEquivalent(config: ModelConfig): PyTorchEquivalent {
  const cell = MODULE[config.cell];
  const options = [
    config.numLayers > 1 ? `num_layers=${config.numLayers}` : undefined,
    config.cell === 'rnn' && config.nonlinearity !== 'tanh'
      ? `nonlinearity='${config.nonlinearity}'`
      : undefined,
    config.bidirectional ? 'bidirectional=True' : undefined,
    'batch_first=True',
  ].filter(Boolean);
  const modules = [
    `nn.${cell}(${[config.inputSize, config.hiddenSize, ...options].join(', ')})`,
    ...(config.dropout ? [`nn.Dropout(p=${config.dropout})`] : []),
    `nn.Linear(${headInputSize(config)}, ${config.outputSize})`,
  ];
  return {
    modules,
    parameters: paramSpecs(config).reduce((sum, spec) => sum + sizeOf(spec.shape), 0),
    docs: [
      `${DOCS}${cell}.html`,
      ...(config.dropout ? [`${DOCS}Dropout.html`] : []),
      `${DOCS}Linear.html`,
    ],
  };
}
