// Importing this module registers every custom layer module with graph/tfjs/index.ts.
export { registerCustomLayers, type Tf } from './index.js';
