import { CliError } from './errors.js';
import type { Command } from './index.js';

// Placeholder until the command lands in this same change set; it fails loudly rather than pretending.
const command: Command = {
  summary: '(not built yet)',
  async run() {
    throw new CliError('tensorloom predict: not built yet', 1);
  },
};
export default command;
