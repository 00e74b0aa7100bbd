// Importing this module registers every custom layer module with graph/tfjs/index.ts.
import './attention-layers.js';
export { registerCustomLayers, type Tf } from './index.js';
