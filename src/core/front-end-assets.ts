/**
 * The browser front ends (the scan station, the office), bundled by esbuild
 * in memory the first time they are asked for, the way tsx compiles the
 * server's own TypeScript: no build step to run after `npm install`, and no
 * build output that could go stale. Each bundle and stylesheet carries a
 * content hash as ETag and is revalidated on every load (no-cache), so a
 * browser picks up a new version at once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { build, stop } from 'esbuild';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Asset {
  body: string;
  etag: string;
  contentType: string;
}

export interface FrontEndAssets {
  script: Asset;
  style: Asset;
}

export interface FrontEndSource {
  /** For error messages: "the scan station". */
  name: string;
  /** Absolute path of the entry module. */
  entry: string;
  /** Absolute paths of the stylesheets, concatenated in this order (shared ones first). */
  styles: readonly string[];
}

/** The browsers a workshop laptop runs: current Chromium and Firefox ESR. */
const TARGETS = ['chrome110', 'firefox115', 'safari16'];

function asset(body: string, contentType: string): Asset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Builds run one after another: each stops the esbuild service (a child process) when done, which would cut off a build in flight. */
let builds: Promise<unknown> = Promise.resolve();

async function bundle(source: FrontEndSource): Promise<FrontEndAssets> {
  const result = await build({
    entryPoints: [source.entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: TARGETS,
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  }).finally(() => stop());
  const script = result.outputFiles[0];
  if (!script) throw new Error(`esbuild produced no output for ${source.name}`);
  const css = (await Promise.all(source.styles.map((file) => readFile(file, 'utf8')))).join('\n');
  return { script: asset(script.text, 'text/javascript; charset=utf-8'), style: asset(css, 'text/css; charset=utf-8') };
}

/** Bundled once per process on first use; a failed build is retried on the next request. */
export function frontEndAssets(source: FrontEndSource): () => Promise<FrontEndAssets> {
  let pending: Promise<FrontEndAssets> | undefined;
  return () => {
    if (!pending) {
      const built = builds.then(() => bundle(source));
      builds = built.catch(() => undefined);
      pending = built.catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    }
    return pending;
  };
}

/** Revalidated on every load (no-cache + ETag). */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply.header('cache-control', 'no-cache').header('etag', asset.etag).type(asset.contentType);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
