/**
 * The scan station's browser code (src/station), bundled by esbuild in memory
 * the first time it is asked for, the way tsx compiles the server's own
 * TypeScript: no build step to run after `npm install`, and no build output
 * that could go stale. The bundle and stylesheet carry a content hash as ETag.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, stop } from 'esbuild';

export interface Asset {
  body: string;
  etag: string;
  contentType: string;
}

export interface StationAssets {
  script: Asset;
  style: Asset;
}

const STATION_DIR = fileURLToPath(new URL('../../station/', import.meta.url));

/** The browsers a workshop laptop runs: current Chromium and Firefox ESR. */
const TARGETS = ['chrome110', 'firefox115', 'safari16'];

function asset(body: string, contentType: string): Asset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

async function bundle(): Promise<StationAssets> {
  const result = await build({
    entryPoints: [`${STATION_DIR}main.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    target: TARGETS,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  });
  // Built once per process: the esbuild service (a child process) is not needed after that.
  await stop();
  const script = result.outputFiles[0];
  if (!script) throw new Error('esbuild produced no output for the scan station');
  const css = await readFile(`${STATION_DIR}station.css`, 'utf8');
  return { script: asset(script.text, 'text/javascript; charset=utf-8'), style: asset(css, 'text/css; charset=utf-8') };
}

let pending: Promise<StationAssets> | undefined;

/** Bundled once per process; a failed build is retried on the next request. */
export function stationAssets(): Promise<StationAssets> {
  pending ??= bundle().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
