/**
 * Imported first by `tui/index.ts`: React reads NODE_ENV once, when it is first loaded, and its
 * development build draws frames several times slower (test/bench/tui.bench.ts). Operators get
 * the production build unless they ask otherwise; tests set NODE_ENV=test themselves.
 */
process.env.NODE_ENV ??= 'production'

export {}
