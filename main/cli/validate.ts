import type { Graph } from '../../graph/document.js';
import { inferGraph, type Diagnostic } from '../../graph/infer.js';
import { getLayer } from '../../graph/layers/index.js';
import { formatShape, type Shape } from '../../graph/shape.js';
import { parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';
import { loadGraphFile } from './graph-file.js';

const USAGE = 'tensorloom validate FILE [--json]';

/** The documented `validate --json` output; exactly these keys, so scripts can rely on the shape. */
interface ValidateJson {
  valid: boolean;
  diagnostics: Pick<Diagnostic, 'nodeId' | 'nodeName' | 'severity' | 'message'>[];
  nodes: { id: string; name: string; type: string; outputShape: Shape | null; params: number }[];
  totalParams: number;
}

/** The --json report for a loaded graph. */
function validateJson(graph: Graph): ValidateJson {
  const result = inferGraph(graph);
  const count = (id: string): number => result.nodes[id]!.paramCount.trainable + result.nodes[id]!.paramCount.nonTrainable;
  return {
    valid: result.valid,
    diagnostics: result.diagnostics.map((d) => ({ nodeId: d.nodeId, nodeName: d.nodeName, severity: d.severity, message: d.message })),
    nodes: graph.nodes.map((n) => ({ id: n.id, name: n.name, type: n.type, outputShape: result.nodes[n.id]!.outputShape, params: count(n.id) })),
    totalParams: result.totals.trainable + result.totals.nonTrainable,
  };
}

/** The --json report for a file that could not be read or loaded: one graph-level error naming the file. */
function loadFailureJson(message: string): ValidateJson {
  return { valid: false, diagnostics: [{ nodeId: null, nodeName: null, severity: 'error', message }], nodes: [], totalParams: 0 };
}

/** The human report: per-node shapes and params, totals, then diagnostics. */
function validateText(graph: Graph): { text: string; valid: boolean } {
  const result = inferGraph(graph);
  const rows = graph.nodes.map((n) => {
    const info = result.nodes[n.id]!;
    return [`${n.name} (${getLayer(n.type)?.id ?? n.type})`, info.outputShape ? formatShape(info.outputShape) : '?', (info.paramCount.trainable + info.paramCount.nonTrainable).toLocaleString('en-US')];
  });
  const w0 = Math.max(5, ...rows.map((r) => r[0]!.length));
  const w1 = Math.max(12, ...rows.map((r) => r[1]!.length));
  const w2 = Math.max(6, ...rows.map((r) => r[2]!.length));
  // Params right-aligned, as in Keras' summary and `tensorloom summary`, so digits line up.
  const lines = [`${'Layer'.padEnd(w0)}  ${'Output shape'.padEnd(w1)}  ${'Params'.padStart(w2)}`];
  for (const r of rows) lines.push(`${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]!.padStart(w2)}`);
  lines.push('', `Total params: ${(result.totals.trainable + result.totals.nonTrainable).toLocaleString('en-US')}`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  for (const d of result.diagnostics) lines.push(`${d.severity}: ${d.message}`);
  lines.push(result.valid ? `valid${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}` : `invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}`);
  return { text: `${lines.join('\n')}\n`, valid: result.valid };
}

const command: Command = {
  summary: 'check a graph file: diagnostics and per-node shapes (exit 1 if invalid)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs('validate', argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\nExits 0 when the graph is valid (warnings allowed), 1 when it has errors or the file cannot be loaded.\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`tensorloom validate: expected one FILE but got ${positionals.length} (${positionals.join(', ')}); usage: ${USAGE}`);
    const file = positionals[0];
    if (!file) throw new CliError(`tensorloom validate: missing FILE (a .tlgraph graph file); usage: ${USAGE}`);
    const loaded = await loadGraphFile(file);
    if (!loaded.ok) {
      // With --json a script always gets the documented shape on stdout, even when there is no graph to check.
      if (!values.json) throw new CliError(`tensorloom validate: ${loaded.message}`, loaded.exitCode);
      process.stdout.write(`${JSON.stringify(loadFailureJson(loaded.message))}\n`);
      return 1;
    }
    if (values.json) {
      const out = validateJson(loaded.graph);
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return out.valid ? 0 : 1;
    }
    const { text, valid } = validateText(loaded.graph);
    process.stdout.write(text);
    return valid ? 0 : 1;
  },
};
export default command;
