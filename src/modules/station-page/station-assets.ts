/** The scan station's browser code (src/station) and styles, bundled in memory on first use (src/core/front-end-assets.ts). */
import { fileURLToPath } from 'node:url';
import { frontEndAssets } from '../../core/front-end-assets.js';

export type { Asset, FrontEndAssets as StationAssets } from '../../core/front-end-assets.js';

const SRC = fileURLToPath(new URL('../../', import.meta.url));

export const stationAssets = frontEndAssets({
  name: 'the scan station',
  entry: `${SRC}station/main.ts`,
  styles: [`${SRC}styles/base.css`, `${SRC}station/station.css`],
});
