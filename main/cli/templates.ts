import { TEMPLATES } from '../../graph/templates/index.js';
import { parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';

const USAGE = 'tensorloom templates';

const command: Command = {
  summary: 'list the built-in templates, one name per line',
  async run(argv) {
    const { values, positionals } = parseCommandArgs('templates', argv, { help: { type: 'boolean' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\nLists template names, one per line; use one with \`tensorloom new\`.\n`);
      return 0;
    }
    if (positionals.length) throw new CliError(`tensorloom templates: takes no arguments (got '${positionals.join(' ')}'); usage: ${USAGE}`);
    process.stdout.write(TEMPLATES.map((t) => `${t.name}\n`).join(''));
    return 0;
  },
};
export default command;
