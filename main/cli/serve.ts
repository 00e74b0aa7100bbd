import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defaultDataDir, RENDERER_DIST } from '../host/paths.js';
import { isLoopback } from '../server/security.js';
import { parseCommandArgs, intOption, usageHint } from './args.js';
import { CliError } from './errors.js';
import type { Command } from './index.js';

const USAGE = 'tensorloom serve [FILE] [--port N] [--host ADDR] [--root DIR] [--open]';

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`could not open a browser (${cmd as string}); open the URL above yourself\n`));
  child.unref();
}

const command: Command = {
  summary: 'serve the app to a browser (for machines without a display, remote GPU boxes, CI)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'serve',
      argv,
      { port: { type: 'string', short: 'p' }, host: { type: 'string' }, root: { type: 'string' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      USAGE,
    );
    if (values.help) {
      process.stdout.write(
        `usage: ${USAGE}\n\n` +
          'Serves the app and its API on http://127.0.0.1:PORT (default 8787; 0 picks a free port), with a random access token in the URL.\n' +
          'FILE opens in the app. The in-app file browser, Save As and exports are limited to --root (default: the folder of FILE, or the current folder).\n' +
          '--host 0.0.0.0 exposes it on the network: anyone with the URL (token) can read graph and data files under --root, create or\n' +
          'replace .tlgraph, .ts and .py files and model-export folders there (never dotfiles or hidden folders), and run training.\n',
      );
      return 0;
    }
    if (positionals.length > 1) throw new CliError(`tensorloom serve: expected at most one FILE, got ${positionals.length}; ${usageHint('serve', USAGE)}`);
    const port = intOption('serve', 'port', values.port, 0) ?? 8787;
    if (port > 65535) throw new CliError(`tensorloom serve: --port must be at most 65535 (got ${port})`);
    const host = values.host ?? '127.0.0.1';
    const file = positionals[0] ? resolve(positionals[0]) : null;
    if (file) {
      const s = await stat(file).catch(() => null);
      if (!s) throw new CliError(`tensorloom serve: cannot open '${positionals[0]}': no such file`);
      if (!s.isFile()) throw new CliError(`tensorloom serve: '${positionals[0]}' is a folder; give a .tlgraph file, or use --root DIR to browse a folder`);
    }
    const root = resolve(values.root ?? (file ? dirname(file) : process.cwd()));
    const rootStat = await stat(root).catch(() => null);
    if (!rootStat?.isDirectory()) throw new CliError(`tensorloom serve: --root '${values.root}' is not a folder`);
    if (!(await stat(resolve(RENDERER_DIST, 'index.html')).catch(() => null)))
      process.stderr.write(`warning: the app is not built (${RENDERER_DIST} is missing); run 'npm run build', or start with 'npm run serve', which builds first\n`);
    const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
    const { startServer } = await import('../server/server.js');
    let server;
    try {
      server = await startServer({ port, host, version, dataDir: defaultDataDir(), workspaceRoot: root, initialFile: file });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`tensorloom serve: port ${port} is already in use; choose another with --port N (or --port 0 for any free port)`, 1);
      if (code === 'EADDRNOTAVAIL') throw new CliError(`tensorloom serve: cannot bind ${host}: this machine has no such address`, 1);
      throw e;
    }
    if (!isLoopback(host))
      process.stderr.write(
        `warning: listening on ${host}, reachable from other machines. Anyone who learns the URL can read graph and data files (.tlgraph, .csv, .tsv, .txt, .md, images) under ${root}, ` +
          'create or replace .tlgraph, .ts and .py files and model-export folders there (not dotfiles or hidden folders), and run training on this machine; ' +
          `prefer an SSH tunnel (ssh -L ${server.port}:127.0.0.1:${server.port} ...) with the default 127.0.0.1.\n`,
      );
    process.stdout.write(`Tensorloom is serving ${root}\nOpen this URL in a browser (it contains the access token):\n\n  ${server.url}\n\nPress Ctrl+C to stop.\n`);
    if (values.open) openBrowser(server.url);
    // Probe backends now (loads TensorFlow.js, may run nvidia-smi) so the first Open in the UI does not wait for it.
    void server.host.handle('appInfo', {}, { send: () => undefined }).catch(() => undefined);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
export default command;
