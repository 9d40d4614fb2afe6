/**
 * Where the Node scripts find the shipped files: `public/` of this checkout, or of the folder
 * named by REFILLED_ROOT (a packed copy on another machine).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = process.env.REFILLED_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
/** public/: data/ and teachers/. */
export const DATA_ROOT = path.join(REPO_ROOT, 'public');
