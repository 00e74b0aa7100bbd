import type * as tfjs from '@tensorflow/tfjs';
import { addCustomLayerModule, type CustomLayerFactory, type Tf } from './index.js';

// tfjs-layers ships a MultiHeadAttention, but it is not exported and is built on einsum, which has no
// gradient; these layers use only ops with gradients on the cpu, webgl and wasm backends (matMul, reshape,
// transpose, softmax, gather, slice, add, mul, mean, rsqrt, erf). Weight shapes follow Keras
// (query kernel [features, heads, keyDim], ...), so parameter counts match Keras and weights map one to one.

type Tensor = tfjs.Tensor;
type Shape = (number | null)[];
type Init = ReturnType<Tf['initializers']['zeros']>;
/** What tfjs passes to `call` besides the inputs. */
type Kwargs = Record<string, unknown>;
/** A layer weight; `LayerVariable` is not exported by the tfjs typings. */
interface Weight {
  read(): Tensor;
}

/** Class names in saved models. The multi-head attention gets a prefix so it does not replace tfjs' internal (einsum) class of the same name in the serialization registry. */
export const ATTENTION_CLASS_NAMES = {
  MultiHeadAttention: 'TensorloomMultiHeadAttention',
  PositionalEmbedding: 'PositionalEmbedding',
  TransformerEncoderBlock: 'TransformerEncoderBlock',
  TransformerDecoderBlock: 'TransformerDecoderBlock',
} as const;

const NEG_INF = -1e9;

function isShapeList(s: Shape | Shape[]): s is Shape[] {
  return Array.isArray(s[0]);
}

function lastOf(shape: Shape, what: string, layer: string): number {
  const d = shape[shape.length - 1];
  if (typeof d !== 'number') throw new Error(`${layer}: the features axis of ${what} must be known, got [${shape.join(', ')}]`);
  return d;
}

/** Sizes and flags of one multi-head attention. */
interface AttentionOptions {
  heads: number;
  keyDim: number;
  valueDim: number;
  causal: boolean;
  dropout: number;
  training: boolean;
  /** Padding mask over the keys, [batch, keySteps] (true = keep). */
  keyMask: Tensor | null;
}

/** Weights of one multi-head attention (Keras names and shapes). */
interface AttentionWeights {
  queryKernel: Weight;
  keyKernel: Weight;
  valueKernel: Weight;
  outputKernel: Weight;
  queryBias: Weight | null;
  keyBias: Weight | null;
  valueBias: Weight | null;
  outputBias: Weight | null;
}

const causalMasks = new Map<string, Float32Array>();

/** Additive causal mask [queryLen, keyLen]: 0 where key j ≤ query i, -1e9 after (Keras' tril of ones). */
function causalBias(tf: Tf, queryLen: number, keyLen: number): Tensor {
  const key = `${queryLen}x${keyLen}`;
  let data = causalMasks.get(key);
  if (!data) {
    data = new Float32Array(queryLen * keyLen);
    for (let i = 0; i < queryLen; i++) for (let j = i + 1; j < keyLen; j++) data[i * keyLen + j] = NEG_INF;
    causalMasks.set(key, data);
  }
  return tf.tensor2d(data, [queryLen, keyLen]);
}

/** x [batch, steps, features] · kernel [features, ...rest] (+ bias [...rest]) → [batch, steps, prod(rest)]. */
function project(tf: Tf, x: Tensor, kernel: Weight, bias: Weight | null): Tensor {
  const steps = x.shape[1]!;
  const features = x.shape[2]!;
  const k = kernel.read();
  const units = k.size / features;
  let y = tf.matMul(tf.reshape(x, [-1, features]), tf.reshape(k, [features, units]));
  if (bias) y = tf.add(y, tf.reshape(bias.read(), [units]));
  return tf.reshape(y, [-1, steps, units]);
}

/** [batch, steps, heads·size] → [batch, heads, steps, size]. */
function splitHeads(tf: Tf, x: Tensor, heads: number, size: number): Tensor {
  return tf.transpose(tf.reshape(x, [-1, x.shape[1]!, heads, size]), [0, 2, 1, 3]);
}

/** Multi-head scaled dot-product attention with Keras MultiHeadAttention semantics; returns [batch, querySteps, outFeatures]. */
function multiHeadAttention(tf: Tf, query: Tensor, value: Tensor, key: Tensor, w: AttentionWeights, o: AttentionOptions): Tensor {
  const q = splitHeads(tf, project(tf, query, w.queryKernel, w.queryBias), o.heads, o.keyDim);
  const k = splitHeads(tf, project(tf, key, w.keyKernel, w.keyBias), o.heads, o.keyDim);
  const v = splitHeads(tf, project(tf, value, w.valueKernel, w.valueBias), o.heads, o.valueDim);
  let scores = tf.matMul(tf.mul(q, tf.scalar(1 / Math.sqrt(o.keyDim))), k, false, true); // [b, h, tq, tk]
  const queryLen = query.shape[1]!;
  const keyLen = key.shape[1]!;
  if (o.causal) scores = tf.add(scores, causalBias(tf, queryLen, keyLen));
  if (o.keyMask) {
    const keep = tf.reshape(tf.cast(o.keyMask, 'float32'), [-1, 1, 1, keyLen]);
    scores = tf.add(scores, tf.mul(tf.sub(tf.scalar(1), keep), tf.scalar(NEG_INF)));
  }
  let probs = tf.softmax(scores);
  if (o.training && o.dropout > 0) probs = tf.dropout(probs, o.dropout);
  const heads = tf.matMul(probs, v); // [b, h, tq, valueDim]
  const merged = tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [-1, queryLen, o.heads * o.valueDim]);
  return project(tf, merged, w.outputKernel, w.outputBias);
}

function layerNorm(tf: Tf, x: Tensor, gamma: Weight, beta: Weight, epsilon: number): Tensor {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, tf.scalar(epsilon)))), gamma.read()), beta.read());
}

function activate(tf: Tf, x: Tensor, activation: string): Tensor {
  // Keras' gelu (approximate=False): x · Φ(x), via erf, whose gradient tfjs defines.
  if (activation === 'gelu') return tf.mul(tf.mul(x, tf.scalar(0.5)), tf.add(tf.scalar(1), tf.erf(tf.mul(x, tf.scalar(Math.SQRT1_2)))));
  return tf.relu(x);
}

function maskOf(kwargs: Kwargs): Tensor | null {
  const m = kwargs.mask as Tensor | Tensor[] | undefined | null;
  if (Array.isArray(m)) return m[0] ?? null;
  return m ?? null;
}

function trainingOf(kwargs: Kwargs): boolean {
  return kwargs.training === true;
}

function num(config: Record<string, unknown>, key: string, fallback?: number): number {
  const v = config[key];
  if (typeof v === 'number') return v;
  if (fallback !== undefined) return fallback;
  throw new Error(`custom layer config needs a number '${key}', got ${JSON.stringify(v)}`);
}

/** Defines the attention layer classes for one tf instance and registers them for serialization. */
function defineAttentionLayers(tf: Tf): Record<string, CustomLayerFactory> {
  const Base = tf.layers.Layer;
  type LayerArgs = ConstructorParameters<typeof Base>[0];
  const glorot = (): Init => tf.initializers.glorotUniform({});
  const zeros = (): Init => tf.initializers.zeros();
  const ones = (): Init => tf.initializers.ones();

  /** Adds Keras-shaped attention weights under `prefix` to `layer`. */
  function addAttentionWeights(
    add: (name: string, shape: number[], init: Init) => Weight,
    prefix: string,
    dims: { heads: number; keyDim: number; valueDim: number; queryIn: number; keyIn: number; valueIn: number; out: number; useBias: boolean },
  ): AttentionWeights {
    const { heads: h, keyDim: k, valueDim: v } = dims;
    const bias = (name: string, shape: number[]): Weight | null => (dims.useBias ? add(`${prefix}${name}/bias`, shape, zeros()) : null);
    return {
      queryKernel: add(`${prefix}query/kernel`, [dims.queryIn, h, k], glorot()),
      queryBias: bias('query', [h, k]),
      keyKernel: add(`${prefix}key/kernel`, [dims.keyIn, h, k], glorot()),
      keyBias: bias('key', [h, k]),
      valueKernel: add(`${prefix}value/kernel`, [dims.valueIn, h, v], glorot()),
      valueBias: bias('value', [h, v]),
      outputKernel: add(`${prefix}attention_output/kernel`, [h, v, dims.out], glorot()),
      outputBias: bias('attention_output', [dims.out]),
    };
  }

  class MultiHeadAttention extends Base {
    static className = ATTENTION_CLASS_NAMES.MultiHeadAttention;
    readonly numHeads: number;
    readonly keyDim: number;
    readonly valueDim: number | null;
    readonly rate: number;
    readonly useBias: boolean;
    readonly causal: boolean;
    private w: AttentionWeights | null = null;

    constructor(config: Record<string, unknown>) {
      super(config as LayerArgs);
      this.numHeads = num(config, 'numHeads');
      this.keyDim = num(config, 'keyDim');
      this.valueDim = typeof config.valueDim === 'number' ? config.valueDim : null;
      this.rate = num(config, 'dropout', 0);
      this.useBias = config.useBias !== false;
      this.causal = config.causal === true;
      this.supportsMasking = true;
    }

    override build(inputShape: Shape | Shape[]): void {
      const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
      const query = shapes[0]!;
      const value = shapes[1] ?? query;
      const key = shapes[2] ?? value;
      this.w = addAttentionWeights((n, s, i) => this.addWeight(n, s, 'float32', i), '', {
        heads: this.numHeads,
        keyDim: this.keyDim,
        valueDim: this.valueDim ?? this.keyDim,
        queryIn: lastOf(query, 'query', this.name),
        keyIn: lastOf(key, 'key', this.name),
        valueIn: lastOf(value, 'value', this.name),
        out: lastOf(query, 'query', this.name),
        useBias: this.useBias,
      });
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return isShapeList(inputShape) ? inputShape[0]! : inputShape;
    }

    override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor | Tensor[] {
      return (Array.isArray(mask) ? mask[0] : mask) as Tensor;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs : [inputs];
        const query = list[0]!;
        const value = list[1] ?? query;
        const key = list[2] ?? value;
        // tfjs hands a layer only its first input's mask; for self-attention that is the key padding mask too.
        const keyMask = list.length === 1 ? maskOf(kwargs) : null;
        return multiHeadAttention(tf, query, value, key, this.w!, {
          heads: this.numHeads,
          keyDim: this.keyDim,
          valueDim: this.valueDim ?? this.keyDim,
          causal: this.causal,
          dropout: this.rate,
          training: trainingOf(kwargs),
          keyMask,
        });
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), numHeads: this.numHeads, keyDim: this.keyDim, valueDim: this.valueDim, dropout: this.rate, useBias: this.useBias, causal: this.causal };
    }
  }

  class PositionalEmbedding extends Base {
    static className = ATTENTION_CLASS_NAMES.PositionalEmbedding;
    readonly vocabSize: number;
    readonly sequenceLength: number;
    readonly embedDim: number;
    private tokens: Weight | null = null;
    private positions: Weight | null = null;

    constructor(config: Record<string, unknown>) {
      super(config as LayerArgs);
      this.vocabSize = num(config, 'vocabSize');
      this.sequenceLength = num(config, 'sequenceLength');
      this.embedDim = num(config, 'embedDim');
    }

    override build(): void {
      // keras-hub: token embeddings uniform(-0.05, 0.05), position embeddings glorot_uniform.
      this.tokens = this.addWeight('token_embedding/embeddings', [this.vocabSize, this.embedDim], 'float32', tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }));
      this.positions = this.addWeight('position_embedding/embeddings', [this.sequenceLength, this.embedDim], 'float32', glorot());
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = isShapeList(inputShape) ? inputShape[0]! : inputShape;
      return [...s, this.embedDim];
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
        const steps = ids.shape[1]!;
        if (steps > this.sequenceLength) throw new Error(`${this.name}: gets sequences of ${steps} tokens but has only ${this.sequenceLength} positions`);
        const tokens = tf.gather(this.tokens!.read(), ids.dtype === 'int32' ? ids : tf.cast(ids, 'int32'));
        // slice (not gather) for positions: its gradient is a pad, cheaper than a scatter.
        return tf.add(tokens, tf.slice(this.positions!.read(), [0, 0], [steps, this.embedDim]));
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), vocabSize: this.vocabSize, sequenceLength: this.sequenceLength, embedDim: this.embedDim };
    }
  }

  /** Weights of a transformer block, named like keras-hub's sublayers. */
  interface BlockWeights {
    attention: AttentionWeights;
    attentionNorm: { gamma: Weight; beta: Weight };
    intermediate: { kernel: Weight; bias: Weight };
    output: { kernel: Weight; bias: Weight };
    feedforwardNorm: { gamma: Weight; beta: Weight };
  }

  function defineBlock(className: string, causal: boolean) {
    return class TransformerBlock extends Base {
      static className = className;
      readonly numHeads: number;
      readonly intermediateDim: number;
      readonly rate: number;
      readonly activation: string;
      readonly layerNormEpsilon: number;
      readonly normFirst: boolean;
      private w: BlockWeights | null = null;
      private headDim = 0;

      constructor(config: Record<string, unknown>) {
        super(config as LayerArgs);
        this.numHeads = num(config, 'numHeads');
        this.intermediateDim = num(config, 'intermediateDim');
        this.rate = num(config, 'dropout', 0);
        this.activation = config.activation === 'gelu' ? 'gelu' : 'relu';
        this.layerNormEpsilon = num(config, 'layerNormEpsilon', 1e-5);
        this.normFirst = config.normFirst === true;
        this.supportsMasking = true;
      }

      override build(inputShape: Shape | Shape[]): void {
        const s = isShapeList(inputShape) ? inputShape[0]! : inputShape;
        const width = lastOf(s, 'the input', this.name);
        this.headDim = Math.floor(width / this.numHeads);
        if (this.headDim < 1) throw new Error(`${this.name}: ${width} features cannot be split into ${this.numHeads} heads`);
        const add = (n: string, shape: number[], init: Init): Weight => this.addWeight(n, shape, 'float32', init);
        const norm = (prefix: string) => ({ gamma: add(`${prefix}/gamma`, [width], ones()), beta: add(`${prefix}/beta`, [width], zeros()) });
        this.w = {
          attention: addAttentionWeights(add, 'self_attention/', { heads: this.numHeads, keyDim: this.headDim, valueDim: this.headDim, queryIn: width, keyIn: width, valueIn: width, out: width, useBias: true }),
          attentionNorm: norm('self_attention_layer_norm'),
          intermediate: { kernel: add('feedforward_intermediate_dense/kernel', [width, this.intermediateDim], glorot()), bias: add('feedforward_intermediate_dense/bias', [this.intermediateDim], zeros()) },
          output: { kernel: add('feedforward_output_dense/kernel', [this.intermediateDim, width], glorot()), bias: add('feedforward_output_dense/bias', [width], zeros()) },
          feedforwardNorm: norm('feedforward_layer_norm'),
        };
        this.built = true;
      }

      override computeOutputShape(inputShape: Shape | Shape[]): Shape {
        return isShapeList(inputShape) ? inputShape[0]! : inputShape;
      }

      override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[]): Tensor | Tensor[] {
        return (Array.isArray(mask) ? mask[0] : mask) as Tensor;
      }

      override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
        return tf.tidy(() => {
          const w = this.w!;
          const x = Array.isArray(inputs) ? inputs[0]! : inputs;
          const training = trainingOf(kwargs);
          const drop = (t: Tensor): Tensor => (training && this.rate > 0 ? tf.dropout(t, this.rate) : t);
          const norm = (t: Tensor, n: { gamma: Weight; beta: Weight }): Tensor => layerNorm(tf, t, n.gamma, n.beta, this.layerNormEpsilon);
          const attend = (t: Tensor): Tensor =>
            multiHeadAttention(tf, t, t, t, w.attention, { heads: this.numHeads, keyDim: this.headDim, valueDim: this.headDim, causal, dropout: this.rate, training, keyMask: maskOf(kwargs) });
          const feedForward = (t: Tensor): Tensor => {
            const width = t.shape[2]!;
            const steps = t.shape[1]!;
            const flat = tf.reshape(t, [-1, width]);
            const hidden = activate(tf, tf.add(tf.matMul(flat, w.intermediate.kernel.read()), w.intermediate.bias.read()), this.activation);
            return tf.reshape(tf.add(tf.matMul(hidden, w.output.kernel.read()), w.output.bias.read()), [-1, steps, width]);
          };
          if (this.normFirst) {
            const h = tf.add(x, drop(attend(norm(x, w.attentionNorm))));
            return tf.add(h, drop(feedForward(norm(h, w.feedforwardNorm))));
          }
          const h = norm(tf.add(x, drop(attend(x))), w.attentionNorm);
          return norm(tf.add(h, drop(feedForward(h))), w.feedforwardNorm);
        });
      }

      override getConfig(): tfjs.serialization.ConfigDict {
        return {
          ...super.getConfig(),
          numHeads: this.numHeads,
          intermediateDim: this.intermediateDim,
          dropout: this.rate,
          activation: this.activation,
          layerNormEpsilon: this.layerNormEpsilon,
          normFirst: this.normFirst,
        };
      }
    };
  }

  const TransformerEncoderBlock = defineBlock(ATTENTION_CLASS_NAMES.TransformerEncoderBlock, false);
  const TransformerDecoderBlock = defineBlock(ATTENTION_CLASS_NAMES.TransformerDecoderBlock, true);

  for (const cls of [MultiHeadAttention, PositionalEmbedding, TransformerEncoderBlock, TransformerDecoderBlock]) tf.serialization.registerClass(cls);

  return {
    MultiHeadAttention: (args) => new MultiHeadAttention(args),
    PositionalEmbedding: (args) => new PositionalEmbedding(args),
    TransformerEncoderBlock: (args) => new TransformerEncoderBlock(args),
    TransformerDecoderBlock: (args) => new TransformerDecoderBlock(args),
  };
}

addCustomLayerModule(defineAttentionLayers);
