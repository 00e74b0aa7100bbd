import { getLayer } from '../../graph/layers/index.js';
import { inferGraph } from '../../graph/infer.js';
import { formatShape } from '../../graph/shape.js';
import type { Graph } from '../../graph/document.js';
import { parseCommandArgs } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';
import { readGraphFile } from './graph-file.js';

const USAGE = 'tensorloom summary FILE';

/** Multiply-adds in a short human form (e.g. 1.23M) next to the exact figure. */
function formatMacs(n: number): string {
  const exact = n.toLocaleString('en-US');
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G (${exact})`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M (${exact})`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}K (${exact})`;
  return exact;
}

/** A Keras-style model summary of a graph: one row per layer in build order, then totals. */
export function summarizeGraph(graph: Graph): { text: string; valid: boolean } {
  const result = inferGraph(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n] as const));
  const sources = new Map<string, { handle: string; name: string }[]>();
  for (const e of graph.edges) {
    const src = byId.get(e.source);
    if (src) (sources.get(e.target) ?? sources.set(e.target, []).get(e.target)!).push({ handle: e.targetHandle, name: src.name });
  }
  // Rows follow the build order; nodes on a cycle (left out of the order) go last so nothing is hidden.
  const ordered = [...result.order, ...graph.nodes.map((n) => n.id).filter((id) => !result.order.includes(id))];
  const rows: string[][] = [];
  const outputs: string[] = [];
  let leftOut = 0;
  for (const id of ordered) {
    const node = byId.get(id)!;
    const info = result.nodes[id]!;
    const def = getLayer(node.type);
    // In port order (query before value before key), or by number for variadic inputs (in0, in1, ...).
    const ports = def?.inputs.kind === 'fixed' ? def.inputs.ports.map((p) => p.name) : [];
    const rank = (h: string): number => (ports.includes(h) ? ports.indexOf(h) : Number(h.replace(/^\D*/, '')) || 0);
    const from = (sources.get(id) ?? []).sort((a, b) => rank(a.handle) - rank(b.handle)).map((s) => s.name);
    if (def?.id === 'Output') {
      const metrics = (info.params.metrics as string[] | undefined) ?? [];
      outputs.push(`${node.name} <- ${from.join(', ') || '?'} (loss ${String(info.params.loss)}${metrics.length ? `; metrics ${metrics.join(', ')}` : ''})`);
      continue;
    }
    if (!info.inModel && result.order.includes(id)) {
      leftOut++;
      continue;
    }
    const params = info.paramCount.trainable + info.paramCount.nonTrainable;
    rows.push([`${node.name} (${def?.id ?? node.type})`, info.outputShape ? formatShape(info.outputShape) : '?', params.toLocaleString('en-US'), from.join(', ') || '-']);
  }
  const header = ['Layer (type)', 'Output shape', 'Params', 'Connected to'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ').trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const lines = [`Model: "${graph.name}"`, '_'.repeat(width), line(header), '='.repeat(width)];
  rows.forEach((r, i) => {
    lines.push(line(r));
    if (i < rows.length - 1) lines.push('_'.repeat(width));
  });
  lines.push('='.repeat(width));
  const { trainable, nonTrainable, macs } = result.totals;
  lines.push(`Total params: ${(trainable + nonTrainable).toLocaleString('en-US')}`);
  lines.push(`Trainable params: ${trainable.toLocaleString('en-US')}`);
  lines.push(`Non-trainable params: ${nonTrainable.toLocaleString('en-US')}`);
  lines.push(`Multiply-adds per sample: ${formatMacs(macs)}`);
  for (const o of outputs) lines.push(`Output: ${o}`);
  if (leftOut) lines.push(`(${leftOut} node${leftOut === 1 ? '' : 's'} not leading to an Output left out)`);
  for (const d of result.diagnostics) lines.push(`${d.severity}: ${d.message}`);
  return { text: `${lines.join('\n')}\n`, valid: result.valid };
}

const command: Command = {
  summary: 'print a Keras-style summary: layers, output shapes, params, connections and totals',
  async run(argv) {
    const { values, positionals } = parseCommandArgs('summary', argv, { help: { type: 'boolean' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\nExits 1 when the graph has errors (they are listed under the table).\n`);
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`tensorloom summary: expected one FILE but got ${positionals.length} (${positionals.join(', ')}); usage: ${USAGE}`);
    const graph = await readGraphFile('summary', positionals[0]);
    const { text, valid } = summarizeGraph(graph);
    process.stdout.write(text);
    return valid ? 0 : 1;
  },
};
export default command;
