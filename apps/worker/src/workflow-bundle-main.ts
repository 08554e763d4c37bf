/**
 * Child-process entry of `bundleWorkflowsInChildProcess`: bundles `./workflows/` and writes the
 * bundle's code to the file named by the first argument. Webpack's warnings and errors go to
 * stderr; exit code 1 when the code does not bundle, 2 without an output path. Not meant to be
 * run by hand.
 */
import { writeFile } from 'node:fs/promises';
import { bundleImplementationWorkflows } from './workflow-bundle.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: workflow-bundle-main <output file>\n');
  process.exit(2);
}
try {
  const bundle = await bundleImplementationWorkflows();
  await writeFile(out, bundle.code, { mode: 0o600 });
  // Webpack may leave handles open; the work is done.
  process.exit(0);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
