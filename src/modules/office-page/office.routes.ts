import { fileURLToPath } from 'node:url';
import { escapeHtml, frontEndAssets, sendAsset } from '../../core/front-end-assets.js';
import type { Api } from '../../core/http/api.js';

export interface OfficePageConfig {
  /** The server's own (first) site, named on the sign-in screen; once signed in the pages name the user's site. */
  siteName: string;
  siteCode: string;
  organizationName: string;
}

const SRC = fileURLToPath(new URL('../../', import.meta.url));

/** The office's browser code (src/office) over the styles it shares with the station, bundled in memory on first use. */
export const officeAssets = frontEndAssets({
  name: 'the office',
  entry: `${SRC}office/main.ts`,
  styles: [`${SRC}styles/base.css`, `${SRC}office/office.css`],
});

/**
 * The page shell, as the station's: settings reach the script as a JSON data
 * block (never run as script, so the CSP's script-src 'self' holds).
 */
export function officeHtml(config: OfficePageConfig): string {
  const data = JSON.stringify({ siteName: config.siteName, siteCode: config.siteCode, organizationName: config.organizationName }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(config.siteName)} · office</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/office/app.css">
<script type="application/json" id="office-config">${data}</script>
<script type="module" src="/office/app.js"></script>
</head>
<body>
<div id="app"><noscript>The office needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/** The office pages (issue: coordinators and office staff). Outside /api/v1 and the OpenAPI document. */
export function officeRoutes(app: Api, config: OfficePageConfig): void {
  const html = officeHtml(config);
  // The router ignores a trailing slash: /office/ is this page too.
  app.get('/office', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html),
  );
  app.get('/office/app.js', { schema: { hide: true } }, async (request, reply) => sendAsset(request, reply, (await officeAssets()).script));
  app.get('/office/app.css', { schema: { hide: true } }, async (request, reply) => sendAsset(request, reply, (await officeAssets()).style));
}
