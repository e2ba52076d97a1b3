// Worker threads do not inherit tsx's loader from `tsx src/main.ts`: register it, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./render-worker.ts');
export default worker.default;
