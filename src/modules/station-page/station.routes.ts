import { escapeHtml, sendAsset } from '../../core/front-end-assets.js';
import type { Api } from '../../core/http/api.js';
import { stationAssets } from './station-assets.js';

export interface StationPageConfig {
  /** The server's own (first) site, named on the sign-in screen; once signed in the station names the user's site. */
  siteName: string;
  siteCode: string;
  organizationName: string;
  assetTagPrefix: string;
}

/**
 * The page shell. Settings reach the script as a JSON data block (never run as
 * script, so the CSP's script-src 'self' holds); '<' is escaped inside it.
 */
export function stationHtml(config: StationPageConfig): string {
  const data = JSON.stringify(config).replace(/</g, '\\u003c');
  const title = `${escapeHtml(config.siteName)} · scan station`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/station/app.css">
<script type="application/json" id="station-config">${data}</script>
<script type="module" src="/station/app.js"></script>
</head>
<body>
<main id="app" aria-live="polite"><noscript>The scan station needs JavaScript.</noscript></main>
</body>
</html>
`;
}

/** The scan station page (issue: trainees at the workbench). Outside /api/v1 and the OpenAPI document. */
export function stationRoutes(app: Api, config: StationPageConfig): void {
  const html = stationHtml(config);
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html),
  );
  app.get('/station/app.js', { schema: { hide: true } }, async (request, reply) => sendAsset(request, reply, (await stationAssets()).script));
  app.get('/station/app.css', { schema: { hide: true } }, async (request, reply) => sendAsset(request, reply, (await stationAssets()).style));
}
