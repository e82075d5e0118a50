// Loads a TypeScript entry point through tsx (no separate compile step).
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runTs(relative) {
  return import(pathToFileURL(path.join(root, relative)).href);
}
