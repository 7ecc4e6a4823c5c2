// GraphiQL from the server's own assets. Yoga's default page loads GraphiQL from a public CDN (and
// stays at "Loading…" without internet); here the code @graphql-yoga/render-graphiql ships — GraphiQL,
// its CSS, Monaco's web workers and the icon — is served under /graphiql/, and the page names only
// those same-origin URLs. Read on first use: where GraphiQL is off (production) its 9 MB stay unread.
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { AssetSet, type Asset, type StaticRoute } from './static-assets.js';

export const GRAPHIQL_PREFIX = '/graphiql/';

const JS = 'text/javascript; charset=utf-8';
const TITLE = 'Behördenverzeichnis – GraphiQL';

/** Monaco asks for a worker by its label; the page hands it our URL for each. */
const WORKERS = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' } as const;

// Sets up Monaco's workers before GraphiQL loads, and renders once the page is parsed. A file, not an
// inline script: the page carries its settings as JSON data only.
const BOOT = `(function () {
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: function (_moduleId, label) { return config.workers[label]; } };
  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('root');
    root.textContent = '';
    YogaGraphiQL.renderYogaGraphiQL(root, config.options);
  });
})();
`;

function fromDataUri(uri: string): Buffer {
  const m = /^data:[^;,]+;base64,(.*)$/s.exec(uri);
  if (!m) throw new Error('the GraphiQL icon is not a base64 data URI');
  return Buffer.from(m[1]!, 'base64');
}

async function load(): Promise<AssetSet> {
  const g = await import('@graphql-yoga/render-graphiql/graphiql');
  const assets: Asset[] = [
    { name: 'boot.js', type: JS, body: Buffer.from(BOOT) },
    { name: 'graphiql.js', type: JS, body: Buffer.from(g.js) },
    { name: 'graphiql.css', type: 'text/css; charset=utf-8', body: Buffer.from(g.css) },
    { name: WORKERS.editorWorkerService, type: JS, body: Buffer.from(g.editorWorkerService) },
    { name: WORKERS.json, type: JS, body: Buffer.from(g.jsonWorker) },
    { name: WORKERS.graphql, type: JS, body: Buffer.from(g.graphqlWorker) },
    { name: 'favicon.ico', type: 'image/x-icon', body: fromDataUri(g.favicon) },
  ];
  return new AssetSet(GRAPHIQL_PREFIX, assets);
}

let loading: Promise<AssetSet> | undefined;

/** The asset set, read once. */
export function graphiqlAssets(): Promise<AssetSet> {
  loading ??= load().catch((e: unknown) => {
    loading = undefined; // try again on the next request
    throw e;
  });
  return loading;
}

export const graphiqlRoute: StaticRoute = {
  prefix: GRAPHIQL_PREFIX,
  serve: async (req, res, pathname) => (await graphiqlAssets()).serve(req, res, pathname),
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON inside a <script> element: no "</script>" or "<!--" can end it early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The page Yoga serves at /graphql to browsers (its renderGraphiQL). */
export async function renderGraphiQLPage(options: GraphiQLOptions = {}): Promise<string> {
  const a = await graphiqlAssets();
  const workers = Object.fromEntries(Object.entries(WORKERS).map(([label, name]) => [label, a.url(name)]));
  const title = options.title ?? TITLE;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${a.url('favicon.ico')}">
<link rel="stylesheet" href="${a.url('graphiql.css')}">
<script type="application/json" id="graphiql-config">${scriptJson({ options: { ...options, title }, workers })}</script>
<script src="${a.url('boot.js')}"></script>
<script src="${a.url('graphiql.js')}"></script>
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading GraphiQL…</div>
</body>
</html>
`;
}

/**
 * The page loads and connects only to this server. Scripts only from our files (the page has no inline
 * script); Monaco injects style elements and React sets style attributes, so inline styles are allowed;
 * the stylesheet inlines its font as a data: URI.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Yoga plugin: the GraphiQL page (the only HTML Yoga serves here) carries the policy. */
export function useGraphiQLPolicy(): Plugin {
  return {
    onResponse({ response }) {
      if (!response.headers.get('content-type')?.startsWith('text/html')) return;
      response.headers.set('content-security-policy', GRAPHIQL_CSP);
      response.headers.set('x-content-type-options', 'nosniff');
      response.headers.set('referrer-policy', 'no-referrer');
    },
  };
}
