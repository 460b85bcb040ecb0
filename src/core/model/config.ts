export type CellType = 'rnn' | 'lstm' | 'gru';
export type Nonlinearity = 'tanh' | 'relu' | 'sigmoid';

/**
 * Tokens are looked up as rows of the input weights (a one-hot input without the matmul);
 * dense inputs are feature vectors (time series).
 */
export type InputKind = 'tokens' | 'dense';

/**
 * `last`: many-to-one, the head reads each sequence's last valid hidden state.
 * `all`: many-to-many (and one-to-many), the head reads every time step.
 */
export type HeadKind = 'last' | 'all';

export interface ModelConfig {
  cell: CellType;
  /** Vanilla RNN only; LSTM and GRU use PyTorch's fixed sigmoid/tanh gates. */
  nonlinearity: Nonlinearity;
  inputKind: InputKind;
  /** Vocabulary size for tokens, feature count for dense input. */
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  outputSize: number;
  head: HeadKind;
  /** Dropout on the top layer's states before the head, during training only (nn.Dropout). */
  dropout?: number;
  /**
   * A second layer reads each sequence backwards (PyTorch's `bidirectional=True`); the head reads
   * both final states. Classification (`last` head) with one layer only.
   */
  bidirectional?: boolean;
}

/** Width of the states the head reads. */
export function headInputSize(config: ModelConfig): number {
  return config.bidirectional ? 2 * config.hiddenSize : config.hiddenSize;
}

/** Rows of the fused gate matrices, in PyTorch's order: LSTM i,f,g,o; GRU r,z,n. */
export function gateCount(cell: CellType): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

export const CELL_LABELS: Record<CellType, string> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };

export function describeConfig(config: ModelConfig): string {
  const layers = config.numLayers > 1 ? ` x${config.numLayers}` : '';
  const act = config.cell === 'rnn' ? ` ${config.nonlinearity}` : '';
  const direction = config.bidirectional ? ' bidirectional' : '';
  return `${CELL_LABELS[config.cell]}${act} ${config.hiddenSize}${layers}${direction}`;
}

export function validateConfig(config: ModelConfig): void {
  const positive = (value: number, name: string, max: number): void => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new RangeError(`${name} must be a whole number from 1 to ${max}, not ${value}`);
    }
  };
  if (!['rnn', 'lstm', 'gru'].includes(config.cell))
    throw new RangeError(`Unknown cell "${config.cell}"`);
  if (!['tanh', 'relu', 'sigmoid'].includes(config.nonlinearity)) {
    throw new RangeError(`Unknown nonlinearity "${config.nonlinearity}"`);
  }
  if (!['tokens', 'dense'].includes(config.inputKind))
    throw new RangeError(`Unknown input kind "${config.inputKind}"`);
  if (!['last', 'all'].includes(config.head)) throw new RangeError(`Unknown head "${config.head}"`);
  if (config.dropout !== undefined && !(config.dropout >= 0 && config.dropout < 1)) {
    throw new RangeError(`dropout must be in [0, 1), not ${config.dropout}`);
  }
  if (config.bidirectional && (config.head !== 'last' || config.numLayers !== 1)) {
    throw new RangeError(
      'A bidirectional model here has one layer and classifies whole sequences (a `last` head)',
    );
  }
  positive(config.inputSize, 'inputSize', 1 << 16);
  positive(config.hiddenSize, 'hiddenSize', 4096);
  positive(config.numLayers, 'numLayers', 16);
  positive(config.outputSize, 'outputSize', 1 << 16);
}
