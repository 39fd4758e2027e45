// The architecture's import rules, enforced by lint (eslint.config.js spreads these in; proven by
// packages/core/test/architecture-lint.test.ts):
// - @gantry/kernels depends on nothing but tfjs-core (which both already sit on), so core and the engine can
//   both read it: kernel names and attributes, and the gradients both must register;
// - the engine (tfjs-backend-torch) never imports core, the CLI or the studio;
// - core never imports the engine, the CLI or the studio, and runs in a browser: only its Node-only
//   files may import Node built-ins or Node-only packages, and only Node-only files may import them.
//   A core file is Node-only by its name: `node.ts` (the ./node entry and each area's Node exports)
//   or `*.node.ts`. Everything reachable from src/index.ts is then browser-safe by construction;
// - the studio never imports the engine (it trains in the browser), and its browser client nothing of Node;
// - no source file reaches into another package by a relative path (`../../core/src/...`).
// Static imports and re-exports go through eslint's no-restricted-imports; dynamic import() through
// no-restricted-syntax (only relative literals allowed where the rules apply); the relative climb
// needs the importing file's path, hence the one local rule below.
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), 'packages');

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const pkg = (name) => `^${escape(name)}(/|$)`;

const ENGINE = { regex: pkg('@gantry/tfjs-backend-torch'), message: 'the engine is one backend among several: only the CLI (or a user) picks it' };
const CORE = { regex: pkg('@gantry/core'), message: 'the engine must not depend on core (shared kernel names live in @gantry/kernels)' };
const CLI = { regex: pkg('@gantry/cli'), message: 'the CLI sits on top: nothing below it imports it' };
const STUDIO = { regex: pkg('@gantry/studio'), message: 'the studio sits on top: nothing below it imports it' };
const NODE_BUILTIN = {
  regex: `^(node:|(${builtinModules.filter((m) => !m.startsWith('_')).map(escape).join('|')})(/|$))`,
  message: 'browser code: Node built-ins only in Node-only files (core: node.ts or *.node.ts, reached from src/node.ts)',
};
const NODE_PACKAGES = {
  regex: `^(${['pngjs', 'jpeg-js', 'mnist'].map(escape).join('|')})(/|$)`,
  message: 'browser code: this package needs Node (Buffer, zlib or files); use it in a Node-only file (node.ts or *.node.ts)',
};
const CORE_NODE = { regex: '^@gantry/core/node$', message: 'browser code: @gantry/core/node is the Node-only entry; import @gantry/core' };
const NODE_FILE = {
  regex: '^\\.{1,2}/(.*/)?(node|[^/]*\\.node)(\\.[cm]?[jt]s)?$',
  message: 'browser code must not import a Node-only file (node.ts, *.node.ts); only src/node.ts and other Node-only files may',
};
const ANY_PACKAGE = { regex: '^(?!@tensorflow/tfjs-core$)[^.]', message: '@gantry/kernels depends on tfjs-core alone: core and the engine both import it' };

// core's Node-only files are named so: the rule needs no list that a new file could be missing from
const CORE_NODE_ONLY = ['packages/core/src/**/node.ts', 'packages/core/src/**/*.node.ts'];

const DYNAMIC_IMPORT = {
  selector: "ImportExpression[source.type!='Literal'], ImportExpression > Literal.source[value!=/^[.]/]",
  message: 'a dynamic import of a package escapes the architecture lint: import it statically',
};

const restrict = (files, groups, { ignores, dynamic = true } = {}) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: {
    'no-restricted-imports': ['error', { patterns: groups }],
    ...(dynamic ? { 'no-restricted-syntax': ['error', DYNAMIC_IMPORT] } : {}),
  },
});

/** Reports a relative import that resolves outside the importing file's package. */
const stayInPackage = {
  meta: { type: 'problem', schema: [], messages: { climb: "'{{source}}' leaves packages/{{pkg}}: import the other package by its name" } },
  create(context) {
    const packageOf = (file) => {
      const rel = relative(packagesDir, file);
      return rel.startsWith('..') || isAbsolute(rel) ? null : rel.split(sep)[0];
    };
    const own = packageOf(context.filename);
    if (own == null) return {};
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      if (packageOf(resolve(dirname(context.filename), source.value)) !== own) {
        context.report({ node: source, messageId: 'climb', data: { source: source.value, pkg: own } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export const architecture = [
  { plugins: { architecture: { rules: { 'stay-in-package': stayInPackage } } } },
  { files: ['packages/*/src/**/*.{ts,js,mjs}'], rules: { 'architecture/stay-in-package': 'error' } },
  restrict(['packages/kernels/src/**'], [ANY_PACKAGE]),
  restrict(['packages/tfjs-backend-torch/src/**'], [CORE, CLI, STUDIO]),
  restrict(['packages/core/src/**'], [ENGINE, CLI, STUDIO, NODE_BUILTIN, NODE_PACKAGES, CORE_NODE, NODE_FILE], { ignores: CORE_NODE_ONLY }),
  restrict(CORE_NODE_ONLY, [ENGINE, CLI, STUDIO]),
  restrict(['packages/studio/src/**'], [ENGINE], { ignores: ['packages/studio/src/client/**'] }),
  // tests load optional tools (a headless browser) with import(); they get the static rule only
  restrict(['packages/studio/test/**'], [ENGINE], { dynamic: false }),
  restrict(['packages/studio/src/client/**'], [ENGINE, NODE_BUILTIN, NODE_PACKAGES, CORE_NODE]),
];
