import { serializeGraph } from '../../graph/document.js';
import { getTemplate, TEMPLATES } from '../../graph/templates/index.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import { parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';

const USAGE = 'tensorloom new TEMPLATE -o FILE';

const command: Command = {
  summary: 'write a new graph file from a template',
  async run(argv) {
    const { values, positionals } = parseCommandArgs('new', argv, { output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE} [--force]\nTemplates: ${TEMPLATES.map((t) => t.name).join(', ')}\n`);
      return 0;
    }
    const [name] = positionals;
    if (!name) throw new CliError(`tensorloom new: missing TEMPLATE; choose one of ${TEMPLATES.map((t) => t.name).join(', ')}; usage: ${USAGE}`);
    const t = getTemplate(name);
    if (!t) throw new CliError(`tensorloom new: no template '${name}'; choose one of ${TEMPLATES.map((t) => t.name).join(', ')}`);
    if (!values.output) throw new CliError(`tensorloom new: missing -o FILE (where to write the graph); usage: ${USAGE}`);
    const { access } = await import('node:fs/promises');
    if (!values.force && (await access(values.output).then(() => true, () => false)))
      throw new CliError(`tensorloom new: '${values.output}' already exists; choose another name or pass --force to overwrite it`);
    try {
      await writeFileAtomic(values.output, serializeGraph(t.build()));
    } catch (e) {
      throw new CliError(`tensorloom new: cannot write '${values.output}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : (e as Error).message}`);
    }
    process.stdout.write(`Wrote ${values.output} from template '${name}'\n`);
    return 0;
  },
};
export default command;
