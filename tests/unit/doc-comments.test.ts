// DESIGN.md convention 11: every exported type, function and constant of graph/ carries a doc comment (the layer
// registry's definitions included: they are what the palette, inspector and code export are built from).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** "file: name" for each exported top-level declaration of a file that has no /** doc comment. */
function undocumented(file: string, text = readFileSync(file, 'utf8')): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  for (const st of src.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported || ts.getJSDocCommentsAndTags(st).length > 0) continue;
    const name = ts.isVariableStatement(st) ? st.declarationList.declarations.map((d) => d.name.getText(src)).join(', ') : ((st as ts.DeclarationStatement).name?.getText(src) ?? '?');
    missing.push(`${relative(root, file)}: ${name}`);
  }
  return missing;
}

describe('doc comments in graph/', () => {
  it('every exported declaration has one', () => {
    expect(sources(join(root, 'graph')).flatMap((f) => undocumented(f))).toEqual([]);
  });

  it('the check sees a missing one', () => {
    const probe = join(root, 'graph/probe.ts');
    const text = "export const Dense = defineLayer({});\n/** keras.layers.Add */\nexport const Add = 2;\n// a line comment is not a doc comment\nexport function f(): void {}\nexport interface I {}\n";
    expect(undocumented(probe, text)).toEqual(['graph/probe.ts: Dense', 'graph/probe.ts: f', 'graph/probe.ts: I']);
  });

  it('each layer definition names its Keras equivalent', () => {
    const layerFiles = sources(join(root, 'graph/layers'));
    const docs = layerFiles.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\/\*\* (.*) \*\/\nexport const ([A-Z]\w*) = (?:defineLayer|convLayer|poolLayer|globalPoolLayer|elementwise|recurrentLayer|transformerBlock)\(/g)].map((m) => [m[2]!, m[1]!] as const));
    expect(docs).toHaveLength(54);
    for (const [name, doc] of docs) if (name !== 'Output') expect(doc, name).toMatch(/^keras(_hub)?\.(layers\.)?\w+/);
  });
});
