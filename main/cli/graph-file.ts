import { readFile } from 'node:fs/promises';
import { loadGraph, type Graph } from '../../graph/document.js';
import { CliError } from './errors.js';

/** Reads and loads a graph file, turning every failure into a one-line message naming the file. */
export async function readGraphFile(command: string, file: string | undefined): Promise<Graph> {
  if (!file) throw new CliError(`tensorloom ${command}: missing FILE (a .tlgraph graph file)`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new CliError(`tensorloom ${command}: cannot read '${file}': ${why}`);
  }
  const result = loadGraph(text);
  if (!result.ok) throw new CliError(`tensorloom ${command}: '${file}' ${result.error}`, 1);
  return result.graph;
}
