import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodegenError } from '../../graph/codegen/plan.js';
import { generatePython } from '../../graph/codegen/python.js';
import { generateTypeScript } from '../../graph/codegen/typescript.js';
import { writeFileAtomic } from '../host/atomic-write.js';
import { parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';
import { readGraphFile } from './graph-file.js';

const USAGE = 'tensorloom export-code FILE --lang ts|python [-o OUT]';
const LANGS = ['ts', 'python'] as const;

/**
 * Where a generated TypeScript program imports Tensorloom's custom layers from: this installation's
 * graph/tfjs/all.ts, relative to the output file (so a project folder can be moved together with
 * Tensorloom), or as a file URL when the program goes to stdout.
 */
export function customLayersImport(outFile: string | undefined): string {
  const target = fileURLToPath(new URL('../../graph/tfjs/all.ts', import.meta.url));
  if (!outFile) return pathToFileURL(target).href;
  const rel = relative(dirname(resolve(outFile)), target).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const command: Command = {
  summary: 'export a graph as a runnable TypeScript (tfjs) program or a Python (Keras 3) script',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'export-code',
      argv,
      { lang: { type: 'string', short: 'l' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean' } },
      USAGE,
    );
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\nWrites to stdout unless -o is given. Run TypeScript output with \`npx tsx OUT\`, Python output with \`python3 OUT\` (Keras 3).\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`tensorloom export-code: expected one FILE but got ${positionals.length} (${positionals.join(', ')}); usage: ${USAGE}`);
    if (!positionals[0]) throw new CliError(`tensorloom export-code: missing FILE (a .tlgraph graph file); usage: ${USAGE}`);
    const lang = values.lang;
    if (!lang) throw new CliError(`tensorloom export-code: missing --lang; choose ts or python`);
    if (!(LANGS as readonly string[]).includes(lang)) throw new CliError(`tensorloom export-code: unknown --lang '${lang}'; choose ts or python`);
    const graph = await readGraphFile('export-code', positionals[0]);
    let code: string;
    try {
      code = lang === 'ts' ? generateTypeScript(graph, { customLayersImport: customLayersImport(values.output) }) : generatePython(graph);
    } catch (e) {
      if (e instanceof CodegenError) throw new CliError(`tensorloom export-code: '${positionals[0]}': ${e.message}`, 1);
      throw e;
    }
    if (!values.output) {
      process.stdout.write(code);
      return 0;
    }
    try {
      await writeFileAtomic(values.output, code);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(`tensorloom export-code: cannot write '${values.output}': ${code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
    }
    process.stdout.write(`Wrote ${values.output} (${lang === 'ts' ? 'TypeScript, run with npx tsx' : 'Python, Keras 3'})\n`);
    return 0;
  },
};
export default command;
