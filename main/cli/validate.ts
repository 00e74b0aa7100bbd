import { getLayer } from '../../graph/layers/index.js';
import { inferGraph } from '../../graph/infer.js';
import { formatShape } from '../../graph/shape.js';
import { parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';
import { readGraphFile } from './graph-file.js';

const USAGE = 'tensorloom validate FILE [--json]';

const command: Command = {
  summary: 'check a graph file: diagnostics and per-node shapes (exit 1 if invalid)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs('validate', argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`tensorloom validate: expected one FILE but got ${positionals.length} (${positionals.join(', ')}); usage: ${USAGE}`);
    const graph = await readGraphFile('validate', positionals[0]);
    const result = inferGraph(graph);
    const total = result.totals.trainable + result.totals.nonTrainable;
    if (values.json) {
      const out = {
        valid: result.valid,
        diagnostics: result.diagnostics.map((d) => ({ nodeId: d.nodeId, nodeName: d.nodeName, severity: d.severity, message: d.message, ...(d.field ? { field: d.field } : {}) })),
        nodes: graph.nodes.map((n) => ({ id: n.id, name: n.name, type: n.type, outputShape: result.nodes[n.id]!.outputShape, params: result.nodes[n.id]!.paramCount.trainable + result.nodes[n.id]!.paramCount.nonTrainable })),
        totalParams: total,
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return result.valid ? 0 : 1;
    }
    const rows = graph.nodes.map((n) => {
      const info = result.nodes[n.id]!;
      const label = getLayer(n.type)?.label ?? n.type;
      return [`${n.name} (${label})`, info.outputShape ? formatShape(info.outputShape) : '?', String(info.paramCount.trainable + info.paramCount.nonTrainable)];
    });
    const w0 = Math.max(5, ...rows.map((r) => r[0]!.length));
    const w1 = Math.max(12, ...rows.map((r) => r[1]!.length));
    const lines = [`${'Layer'.padEnd(w0)}  ${'Output shape'.padEnd(w1)}  Params`];
    for (const r of rows) lines.push(`${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`);
    lines.push('', `Total params: ${total.toLocaleString('en-US')}`);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
    for (const d of result.diagnostics) lines.push(`${d.severity}: ${d.message}`);
    lines.push(result.valid ? `valid${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}` : `invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return result.valid ? 0 : 1;
  },
};
export default command;
