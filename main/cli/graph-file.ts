import { readFile } from 'node:fs/promises';
import { describeLoadError, loadGraph, type Graph } from '../../graph/document.js';
import { CliError } from './errors.js';

/** A graph file read and loaded, or the one-line reason it could not be, naming the file. */
export type GraphFileResult = { ok: true; graph: Graph } | { ok: false; message: string; exitCode: number };

/** Reads and loads a graph file without throwing; `message` names the file and says what is wrong with it. */
export async function loadGraphFile(file: string): Promise<GraphFileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return { ok: false, message: `cannot read '${file}': ${why}`, exitCode: 2 };
  }
  const result = loadGraph(text);
  if (!result.ok) return { ok: false, message: describeLoadError(file, result.error), exitCode: 1 };
  return { ok: true, graph: result.graph };
}

/** Reads and loads a graph file, turning every failure into a one-line message naming the file. */
export async function readGraphFile(command: string, file: string | undefined): Promise<Graph> {
  if (!file) throw new CliError(`tensorloom ${command}: missing FILE (a .tlgraph graph file)`);
  const result = await loadGraphFile(file);
  if (!result.ok) throw new CliError(`tensorloom ${command}: ${result.message}`, result.exitCode);
  return result.graph;
}
