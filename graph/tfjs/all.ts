// Importing this module registers every custom layer module with graph/tfjs/index.ts.
import './activation-layers.js';
import './attention-layers.js';
import './conv-layers.js';
import './core-layers.js';
import './merge-layers.js';
import './normalization-layers.js';
import './preprocessing-layers.js';
export { registerCustomLayers, type Tf } from './index.js';
export { adadelta } from './optimizers.js';
