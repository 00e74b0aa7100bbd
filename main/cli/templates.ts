import { TEMPLATES } from '../../graph/templates/index.js';
import type { Command } from './index.js';

const command: Command = {
  summary: 'list the built-in templates, one name per line',
  async run(argv) {
    if (argv.includes('--help')) {
      process.stdout.write('usage: tensorloom templates\nLists template names, one per line; use one with `tensorloom new`.\n');
      return 0;
    }
    process.stdout.write(TEMPLATES.map((t) => `${t.name}\n`).join(''));
    return 0;
  },
};
export default command;
