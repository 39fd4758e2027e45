// The browser-bundle check of issue 15: esbuild bundles an entry for platform 'browser' (where a Node
// built-in cannot be resolved, unless a package's "browser" field maps it away) and reports every Node
// built-in the bundle would need. Used on the sources (browser-bundle.test.ts) and on the installed
// package (packages/cli/test/pack.test.ts).
import { isBuiltin } from 'node:module';
import { build, type BuildFailure } from 'esbuild';

/** Node built-ins that bundling `import * from specifier` for the browser needs; [] when none. */
export async function nodeBuiltinsInBrowserBundle(specifier: string, resolveDir: string, conditions: string[] = []): Promise<string[]> {
  try {
    const result = await build({
      stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      conditions,
    });
    return Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
      input.imports.filter((i) => i.external && isBuiltin(i.path)).map((i) => `${file} imports ${i.path}`));
  } catch (e) {
    const errors = (e as BuildFailure).errors;
    if (!errors) throw e;
    // every failure is reported; one that is not about a built-in fails the caller's assertion just as well
    return errors.map((x) => `${x.location?.file ?? specifier}: ${x.text}`);
  }
}
