/** The render pool's worker: draws one document per task. It never opens the database. */
import { fontSet } from '../../core/pdf/fonts.js';
import { workerTask } from '../../core/render-pool.js';
import { renderDocument, type DocumentTask } from './documents.js';

// Load the fonts while the thread starts, not in the first request's time.
fontSet();

export default workerTask((task: DocumentTask) => renderDocument(task));
