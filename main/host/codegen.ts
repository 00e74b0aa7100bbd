import { HostError } from '../../graph/api/host.js';
import { CodegenError } from '../../graph/codegen/plan.js';
import { generatePython } from '../../graph/codegen/python.js';
import { generateTypeScript } from '../../graph/codegen/typescript.js';
import type { Graph } from '../../graph/document.js';

/** Generates code for a graph; codegen problems become 'invalid' errors the UI can show. */
export async function generateCode(graph: Graph, language: 'typescript' | 'python'): Promise<{ code: string; extension: string }> {
  try {
    return language === 'python' ? { code: generatePython(graph), extension: 'py' } : { code: generateTypeScript(graph), extension: 'ts' };
  } catch (e) {
    if (e instanceof CodegenError) throw new HostError('invalid', e.message);
    throw e;
  }
}
