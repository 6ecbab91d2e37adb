// `next build` when the build is missing or older than the app's sources, so `npm start` and the
// browser tests serve what the sources say without building every time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

function builtAt(dir: string): number {
  try {
    return statSync(join(dir, '.next', 'BUILD_ID')).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Builds the app in `dir` unless its build is newer than `src/`, the config, package.json and the
 * SDK's sources (bundled into the app: its persisted operations change with the BFF's documents).
 */
export function ensureWebBuilt(dir: string, log: (line: string) => void = () => undefined): void {
  const sources = Math.max(
    newest(join(dir, 'src')),
    newest(join(dir, 'next.config.ts')),
    newest(join(dir, 'package.json')),
    newest(join(dir, '..', '..', 'packages', 'sdk', 'src')),
  );
  if (builtAt(dir) > sources) return;
  log('building the web app (next build)…');
  const next = join(dir, 'node_modules', 'next', 'dist', 'bin', 'next');
  const r = spawnSync(process.execPath, [next, 'build', '--webpack'], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`next build failed:\n${r.stdout}\n${r.stderr}`);
}
