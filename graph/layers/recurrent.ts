import { ACTIVATIONS, firstInput, joinSummary, lastDim, ONE_INPUT, requireRank } from './common.js';
import { defineLayer, type LayerContext, type LayerDef, type Params, type ParamsSpec } from './types.js';

/** How a Bidirectional wrapper combines the forward and backward outputs (Keras' `merge_mode`). */
export const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;

function recurrentParams(): ParamsSpec {
  return {
    units: { kind: 'int', default: 32, min: 1, doc: 'Dimension of the hidden state (and of the output at each step).' },
    activation: { kind: 'choice', default: 'tanh', choices: ACTIVATIONS, doc: 'Activation of the candidate state / output.' },
    returnSequences: { kind: 'bool', default: false, doc: 'Return the output at every timestep ([batch, steps, units]) instead of only the last one ([batch, units]).' },
    bidirectional: { kind: 'bool', default: false, doc: 'Also run the layer backwards over the sequence and merge both directions (Keras\' Bidirectional wrapper).' },
    mergeMode: { kind: 'choice', default: 'concat', choices: MERGE_MODES, doc: 'How a bidirectional layer merges the two directions: concat doubles the units; sum, mul and ave keep them.' },
    dropout: { kind: 'float', default: 0, min: 0, max: 0.99, doc: 'Fraction of the input units to drop during training.' },
    recurrentDropout: { kind: 'float', default: 0, min: 0, max: 0.99, doc: 'Fraction of the recurrent state units to drop during training.' },
  };
}

/** The [batch, timesteps, features] input of a recurrent layer; features must be known. */
function sequenceInput(ctx: LayerContext): { steps: number | null; features: number } {
  const s = requireRank(firstInput(ctx), [3], 'recurrent layers read [batch, timesteps, features]: put an Embedding before it for token ids, or a Reshape to [timesteps, features]');
  return { steps: s[1] ?? null, features: lastDim(s, 'the features axis') };
}

/**
 * Builds one recurrent kind. `gates` is how many weight blocks the cell has (1 SimpleRNN, 3 GRU, 4 LSTM):
 * each block is a kernel [features, units], a recurrent kernel [units, units] and a bias [units]. tfjs'
 * GRU has no `reset_after`, so its bias is 3·units (Keras 3 defaults to reset_after=True, 6·units).
 */
function recurrentLayer(id: 'SimpleRNN' | 'LSTM' | 'GRU', gates: number, factory: string, description: string, extraArgs: Record<string, unknown>): LayerDef {
  const directions = (p: Params): number => (p.bidirectional ? 2 : 1);
  return defineLayer({
    id,
    category: 'Recurrent',
    label: id,
    description,
    params: recurrentParams(),
    inputs: ONE_INPUT,
    outputs: 1,
    inferShape: (p, ctx) => {
      const { steps } = sequenceInput(ctx);
      const units = (p.units as number) * (p.bidirectional && p.mergeMode === 'concat' ? 2 : 1);
      return p.returnSequences ? [null, steps, units] : [null, units];
    },
    paramCount: (p, ctx) => {
      const { features } = sequenceInput(ctx);
      const u = p.units as number;
      return { trainable: directions(p) * gates * (features * u + u * u + u), nonTrainable: 0 };
    },
    macs: (p, ctx) => {
      const { steps, features } = sequenceInput(ctx);
      const u = p.units as number;
      return directions(p) * (steps ?? 1) * gates * u * (features + u);
    },
    outputActivation: (p) => p.activation as string,
    tfjs: (p) => ({
      factory,
      args: { units: p.units, activation: p.activation, returnSequences: p.returnSequences, dropout: p.dropout, recurrentDropout: p.recurrentDropout, ...extraArgs },
      ...(p.bidirectional ? { wrapper: { factory: 'bidirectional', args: { mergeMode: p.mergeMode } } } : {}),
    }),
    summary: (p) => joinSummary(p.units as number, p.returnSequences === true && 'seq', p.bidirectional === true && `bi-${String(p.mergeMode)}`, p.activation !== 'tanh' && String(p.activation)),
  });
}

// tfjs defaults recurrentActivation to hardSigmoid and LSTM's unitForgetBias to off; Keras 3 uses sigmoid and
// unit_forget_bias=True, so both are set explicitly to keep Keras semantics. GRU states resetAfter: false (tfjs
// only has that variant) so a Python export that maps these args gets reset_after=False and the same count.
/** keras.layers.SimpleRNN (optionally in keras.layers.Bidirectional): a fully connected recurrent layer. */
export const SimpleRNN = recurrentLayer('SimpleRNN', 1, 'simpleRNN', 'Fully connected recurrent layer: the output is fed back as the next step\'s state.', {});

/** keras.layers.LSTM (optionally in keras.layers.Bidirectional): a long short-term memory layer. */
export const LSTM = recurrentLayer('LSTM', 4, 'lstm', 'Long short-term memory: a gated recurrent layer that keeps long-range context.', { recurrentActivation: 'sigmoid', unitForgetBias: true });

/** keras.layers.GRU with reset_after=False (optionally in keras.layers.Bidirectional): a gated recurrent unit. */
export const GRU = recurrentLayer('GRU', 3, 'gru', 'Gated recurrent unit: a lighter gated recurrent layer (tfjs variant, reset_after=False).', { recurrentActivation: 'sigmoid', resetAfter: false });

