// The layering portmesh set itself (STYLE.md "What that means here", issue #11),
// as rules CI checks: `npm run check:layers`. Each rule names the edge it forbids
// and says why; paths are relative to the repository root.
//
// Data flows one way: network events -> core -> decisions -> network actions.
//   src/core/   pure: link-state database, route computation, selection
//   src/wire/   pure codecs (may use core types, @libp2p/peer-id, protobufjs)
//   src/net/    libp2p wiring, gossip, tunnel protocol, splice
//   src/edge/   local TCP listeners and connectors
//   src/api/    admin HTTP, metrics, status page
//   src/cli/    thin dispatch; the only layer that starts a router

// Node built-ins that do I/O or read the process's environment. The pure layers
// take time and data as arguments, so tests need no sockets, files or clocks.
// dependency-cruiser reports `node:fs` as `fs`, so the prefix is optional.
const IO_BUILTINS = [
  'child_process', 'cluster', 'dgram', 'dns', 'fs', 'http', 'http2', 'https',
  'inspector', 'module', 'net', 'os', 'process', 'readline', 'repl', 'timers',
  'tls', 'tty', 'v8', 'vm', 'worker_threads'
]
const IO_BUILTIN_PATH = `^(node:)?(${IO_BUILTINS.join('|')})(/|$)`

// A libp2p package (libp2p, @libp2p/*, @chainsafe/*) resolved through
// node_modules. `(^|/)` because node_modules may be a symlink that resolves to
// a path outside the checkout.
const LIBP2P_PACKAGE = '(^|/)node_modules/(libp2p|@libp2p/[^/]+|@chainsafe/[^/]+)/'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle in src/ means two modules cannot be understood, tested or ' +
        'replaced apart; break it by moving the shared piece down a layer or ' +
        'passing it in.',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'core-not-to-outer-layers',
      severity: 'error',
      comment: 'src/core/ is the pure centre (lsdb, spf, selection); it must not ' +
        'know about libp2p wiring, sockets, HTTP, the CLI or config parsing, so ' +
        'its tests need no I/O. Pass what it needs in as plain data.',
      from: { path: '^src/core/' },
      to: { path: '^src/(net|edge|api|config)/' }
    },
    {
      name: 'pure-layers-no-io-builtins',
      severity: 'error',
      comment: 'src/core/ and src/wire/ are pure (time and bytes passed in): no ' +
        'sockets, files, processes, timers or OS state. node:crypto hashing is ' +
        'allowed; it is a pure function.',
      from: { path: '^src/(core|wire)/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTIN_PATH }
    },
    {
      name: 'wire-not-to-outer-layers',
      severity: 'error',
      comment: 'src/wire/ is pure codecs: it may use src/core/ types and pure ' +
        'libp2p helpers (@libp2p/peer-id, protobufjs), never the layers that ' +
        'do I/O or parse config.',
      from: { path: '^src/wire/' },
      to: { path: '^src/(net|edge|api|config)/' }
    },
    {
      name: 'net-not-to-edge-or-api',
      severity: 'error',
      comment: 'src/net/ is libp2p wiring; local sockets (edge) and the admin ' +
        'API sit beside or above it. The router hands net what it needs from ' +
        'edge (e.g. a connector interface), net does not reach for it.',
      from: { path: '^src/net/' },
      to: { path: '^src/(edge|api)/' }
    },
    {
      name: 'edge-not-to-net-or-api',
      severity: 'error',
      comment: 'src/edge/ is local TCP listeners and connectors; it must work ' +
        'without libp2p and without the admin API.',
      from: { path: '^src/edge/' },
      to: { path: '^src/(net|api)/' }
    },
    {
      name: 'only-cli-imports-cli',
      severity: 'error',
      comment: 'src/cli/ is the top: thin dispatch over everything else. Nothing ' +
        'else in src/ may depend on it (this covers "api must not import cli").',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' }
    },
    {
      name: 'only-cli-run-imports-router',
      severity: 'error',
      comment: 'src/router.ts composes every layer; only src/cli/run.ts starts ' +
        'one. Any other src/ module importing it (even for a type) would make ' +
        'that module depend on the whole mesh and usually a cycle. Shared types ' +
        'belong in the layer that owns them (e.g. src/api/types.ts). test/, ' +
        'bench/ and scripts/ may import it to start routers.',
      from: { path: '^src/', pathNot: '^src/cli/run\\.ts$' },
      to: { path: '^src/router\\.ts$' }
    },
    {
      name: 'src-not-to-test-bench-scripts',
      severity: 'error',
      comment: 'Production code never depends on tests, benchmarks or scripts; ' +
        'they drive src/, not the other way round, and are not shipped ' +
        '(package.json "files" is dist/src).',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' }
    },
    {
      name: 'libp2p-deep-imports-only-in-patches',
      severity: 'error',
      comment: 'Reaching into libp2p internals (@libp2p/yamux/stream, ' +
        '@libp2p/utils/..., @chainsafe/libp2p-noise/dist/...) ties us to one ' +
        'release; every such reach-in lives in src/net/libp2p-patches/ so an ' +
        'upgrade has one folder to check. Elsewhere import a package root only. ' +
        'Matched on the resolved file: a package root resolves to ' +
        '<pkg>/dist/src/index.{js,d.ts} (the aegir layout all these packages ' +
        'use). @libp2p/crypto/keys is allowed everywhere: it is the documented ' +
        'public entry point for key generation, not an internal; so is ' +
        '@chainsafe/libp2p-noise/crypto (an "exports" entry: the default ciphers ' +
        'that Noise\'s public `crypto` option takes, src/net/noise-crypto.ts). The patches\' ' +
        'own contract tests (test/unit/libp2p-patches*.test.ts) reach in too: ' +
        'they break an internal on purpose to prove a patch fails safe.',
      from: { pathNot: ['^src/net/libp2p-patches/', '^test/unit/libp2p-patches[^/]*\\.test\\.ts$'] },
      to: {
        path: LIBP2P_PACKAGE,
        pathNot: [
          `${LIBP2P_PACKAGE}dist/src/index\\.(js|d\\.ts)$`,
          '(^|/)node_modules/@libp2p/crypto/dist/src/keys/index\\.(js|d\\.ts)$',
          '(^|/)node_modules/@chainsafe/libp2p-noise/dist/src/crypto/index\\.(js|d\\.ts)$'
        ]
      }
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import dependency-cruiser cannot resolve is one no rule above ' +
        'can judge; keep resolution working so the layering check stays honest ' +
        '(tsc reports the same import as an error).',
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    // Do not descend into packages: rules look at the edge into node_modules only.
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: `import type { Router }` still couples a module
    // to router.ts, and tsc would erase it before a JS-level check could see it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // ESM packages with "exports" maps (libp2p, @libp2p/*): resolve like
    // NodeNext does, preferring the .d.ts for type-only imports.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings']
    },
    reporterOptions: {
      text: { highlightFocused: true }
    }
  }
}
