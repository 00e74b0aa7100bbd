import type { Params } from '../layers/types.js';

/**
 * The Keras 3 equivalent of one custom tfjs layer, for the Python exporter. Every class here is called
 * like a Keras merge layer: `layer(x)` with one input, `layer([query, value, key])` with several (in the
 * registry's port order, unconnected trailing ports left out).
 */
export interface KerasCustomLayer {
  /** Python class to instantiate. */
  className: string;
  /** Python source defining the class (needs `import keras` before it); emit it once per script. */
  pythonSource: string;
  /** Constructor keyword arguments (snake_case) for the layer's registry params; the exporter adds `name`. */
  pythonArgs(params: Params): Record<string, unknown>;
}

const MULTI_HEAD_ATTENTION = `@keras.saving.register_keras_serializable(package="tensorloom")
class TensorloomMultiHeadAttention(keras.layers.Layer):
    """keras.layers.MultiHeadAttention called as layer(x) (self-attention) or layer([query, value(, key)]),
    with the causal mask fixed at construction like Tensorloom's node."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim
        self.dropout = dropout
        self.use_bias = use_bias
        self.causal = causal
        self.supports_masking = True
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=key_dim, value_dim=value_dim, dropout=dropout, use_bias=use_bias, name="attention"
        )

    @staticmethod
    def _split(inputs):
        # One tensor or one shape tuple means self-attention; a list of tensors or shapes is [query, value(, key)].
        is_shape = isinstance(inputs, (list, tuple)) and all(d is None or isinstance(d, int) for d in inputs)
        items = list(inputs) if isinstance(inputs, (list, tuple)) and not is_shape else [inputs]
        query = items[0]
        value = items[1] if len(items) > 1 else query
        key = items[2] if len(items) > 2 else value
        return query, value, key

    def build(self, input_shape):
        query, value, key = self._split(input_shape)
        self.attention.build(tuple(query), tuple(value), tuple(key))
        self.built = True

    def call(self, inputs, training=None):
        query, value, key = self._split(inputs)
        return self.attention(query, value, key, training=training, use_causal_mask=self.causal)

    def compute_output_shape(self, input_shape):
        query, _, _ = self._split(input_shape)
        return tuple(query)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_heads=self.num_heads, key_dim=self.key_dim, value_dim=self.value_dim,
            dropout=self.dropout, use_bias=self.use_bias, causal=self.causal,
        )
        return config
`;

const POSITIONAL_EMBEDDING = `@keras.saving.register_keras_serializable(package="tensorloom")
class PositionalEmbedding(keras.layers.Layer):
    """Token embedding plus a learned position embedding (keras-hub TokenAndPositionEmbedding)."""

    def __init__(self, vocab_size, sequence_length, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.sequence_length = sequence_length
        self.embed_dim = embed_dim
        self.token_embedding = keras.layers.Embedding(
            vocab_size, embed_dim, embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05), name="token_embedding"
        )

    def build(self, input_shape):
        self.token_embedding.build(input_shape)
        self.position_embeddings = self.add_weight(
            name="position_embeddings", shape=(self.sequence_length, self.embed_dim), initializer="glorot_uniform"
        )
        self.built = True

    def call(self, inputs):
        length = keras.ops.shape(inputs)[-1]
        positions = keras.ops.slice(self.position_embeddings, (0, 0), (length, self.embed_dim))
        return self.token_embedding(inputs) + positions

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.embed_dim,)

    def get_config(self):
        config = super().get_config()
        config.update(vocab_size=self.vocab_size, sequence_length=self.sequence_length, embed_dim=self.embed_dim)
        return config
`;

const TRANSFORMER_BLOCKS = `@keras.saving.register_keras_serializable(package="tensorloom")
class TransformerEncoderBlock(keras.layers.Layer):
    """Self-attention and a feed-forward network, each with dropout, a residual and a layer norm
    (keras-hub TransformerEncoder: post-norm like BERT, or pre-norm with norm_first=True)."""

    causal = False

    def __init__(self, num_heads, intermediate_dim, dropout=0.0, activation="relu", layer_norm_epsilon=1e-5, norm_first=False, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.intermediate_dim = intermediate_dim
        self.dropout = dropout
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon
        self.norm_first = norm_first
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        width = input_shape[-1]
        self.self_attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads, key_dim=width // self.num_heads, dropout=self.dropout, name="self_attention"
        )
        self.self_attention.build(input_shape, input_shape)
        self.self_attention_layer_norm = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="self_attention_layer_norm")
        self.self_attention_layer_norm.build(input_shape)
        self.feedforward_intermediate_dense = keras.layers.Dense(self.intermediate_dim, activation=self.activation, name="feedforward_intermediate_dense")
        self.feedforward_intermediate_dense.build(input_shape)
        self.feedforward_output_dense = keras.layers.Dense(width, name="feedforward_output_dense")
        self.feedforward_output_dense.build(input_shape[:-1] + (self.intermediate_dim,))
        self.feedforward_layer_norm = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="feedforward_layer_norm")
        self.feedforward_layer_norm.build(input_shape)
        self.dropout_layer = keras.layers.Dropout(self.dropout)
        self.built = True

    def _attend(self, x, training):
        return self.dropout_layer(self.self_attention(x, x, training=training, use_causal_mask=self.causal), training=training)

    def _feed_forward(self, x, training):
        return self.dropout_layer(self.feedforward_output_dense(self.feedforward_intermediate_dense(x)), training=training)

    def call(self, inputs, training=None):
        x = inputs
        if self.norm_first:
            x = x + self._attend(self.self_attention_layer_norm(x), training)
            return x + self._feed_forward(self.feedforward_layer_norm(x), training)
        x = self.self_attention_layer_norm(x + self._attend(x, training))
        return self.feedforward_layer_norm(x + self._feed_forward(x, training))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            num_heads=self.num_heads, intermediate_dim=self.intermediate_dim, dropout=self.dropout,
            activation=self.activation, layer_norm_epsilon=self.layer_norm_epsilon, norm_first=self.norm_first,
        )
        return config


@keras.saving.register_keras_serializable(package="tensorloom")
class TransformerDecoderBlock(TransformerEncoderBlock):
    """GPT-style block: causal self-attention and a feed-forward network (keras-hub TransformerDecoder
    without cross-attention)."""

    causal = True
`;

function blockArgs(p: Params): Record<string, unknown> {
  return {
    num_heads: p.numHeads,
    intermediate_dim: p.intermediateDim,
    dropout: p.dropout,
    activation: p.activation,
    layer_norm_epsilon: p.layerNormEpsilon,
    norm_first: p.normFirst,
  };
}

/**
 * Keras equivalents of the custom tfjs layers, keyed by the name after `custom:` in the registry's tfjs
 * factory. The two transformer blocks share one source (the decoder subclasses the encoder), so an exporter
 * should emit each distinct `pythonSource` once.
 */
export const KERAS_CUSTOM_LAYERS: Readonly<Record<string, KerasCustomLayer>> = {
  MultiHeadAttention: {
    className: 'TensorloomMultiHeadAttention',
    pythonSource: MULTI_HEAD_ATTENTION,
    pythonArgs: (p) => ({ num_heads: p.numHeads, key_dim: p.keyDim, value_dim: p.valueDim, dropout: p.dropout, use_bias: p.useBias, causal: p.causal }),
  },
  PositionalEmbedding: {
    className: 'PositionalEmbedding',
    pythonSource: POSITIONAL_EMBEDDING,
    pythonArgs: (p) => ({ vocab_size: p.vocabSize, sequence_length: p.sequenceLength, embed_dim: p.embedDim }),
  },
  TransformerEncoderBlock: { className: 'TransformerEncoderBlock', pythonSource: TRANSFORMER_BLOCKS, pythonArgs: blockArgs },
  TransformerDecoderBlock: { className: 'TransformerDecoderBlock', pythonSource: TRANSFORMER_BLOCKS, pythonArgs: blockArgs },
};
