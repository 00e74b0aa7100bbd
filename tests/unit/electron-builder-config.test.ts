import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PNG } from 'pngjs';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

function validate(value: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

describe('electron-builder.yml', () => {
  it('is valid against the schema that ships with electron-builder', () => {
    expect(validate(config)).toEqual([]);
  });

  it('the schema check catches a typo (so the test above can fail)', () => {
    expect(validate({ ...config, fileAssociation: config.fileAssociations })).not.toEqual([]);
    expect(validate({ ...config, linux: { target: 'AppImage', categroy: 'Development' } })).not.toEqual([]);
  });

  it('builds the promised targets, associates .tlgraph files and unpacks native and wasm binaries', () => {
    expect(config).toMatchObject({ appId: 'org.tensorloom.app', productName: 'Tensorloom' });
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
    expect((config.fileAssociations as { ext: string }[])[0]!.ext).toBe('tlgraph');
    const unpack = config.asarUnpack as string[];
    expect(unpack.some((p) => p.includes('tfjs-node'))).toBe(true);
    expect(unpack.some((p) => p.endsWith('.wasm'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect((config.files as string[]).some((f) => pkg.main.startsWith(f.replace('/**/*', '')))).toBe(true);
  });

  it('has an icon large enough for every platform (512x512)', () => {
    const icon = PNG.sync.read(readFileSync(join(root, config.icon as string)));
    expect([icon.width, icon.height]).toEqual([512, 512]);
  });
});
