// Who may use the studio: requests must name this server in their Host header (so a page on another
// origin that re-points its DNS name at this machine, "DNS rebinding", is refused) and present the token,
// as a cookie or as a Bearer header. Also where the token-for-cookie redirect may lead.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'gantry_studio_token';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARDS = ['0.0.0.0', '::', '[::]'];

/** Whether binding this host keeps the studio on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A host as it appears in URLs and Host headers: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The Host header values the server answers: the bound host and, when it listens on loopback (a loopback
 * or wildcard bind), the loopback names, each with the port; plus `allowed` names, which match a Host
 * header with any port ("name") or exactly ("name:port"). "*" allows any Host.
 */
export function hostChecker(bindHost: string, port: number, allowed: readonly string[] = []): (header: string | undefined) => boolean {
  const bound = urlHost(bindHost).toLowerCase();
  const names = isLoopbackHost(bound) || WILDCARDS.includes(bound) ? [bound, ...LOOPBACK_NAMES] : [bound];
  const exact = new Set(names.map((n) => `${n}:${port}`));
  const anyPort = new Set<string>();
  for (const a of allowed.map((x) => x.trim().toLowerCase())) (/:\d+$/.test(a) ? exact : anyPort).add(a);
  return (header) => {
    if (anyPort.has('*')) return true;
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]@/\s]+)(?::(\d{1,5}))?$/.exec((header ?? '').toLowerCase());
    if (!m) return false;
    return anyPort.has(m[1]) || exact.has(`${m[1]}:${m[2] ?? '80'}`);
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a); const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Every credential a request presents: each token cookie and a Bearer token. */
function presentedTokens(req: IncomingMessage): string[] {
  const tokens: string[] = [];
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) tokens.push(v.join('='));
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (bearer) tokens.push(bearer[1]);
  return tokens;
}

/** Whether any presented credential is the token: a stale cookie does not hide a valid Bearer token. */
export function authorised(req: IncomingMessage, token: string): boolean {
  return presentedTokens(req).some((t) => sameSecret(t, token));
}

/** Whether the URL carries the token as ?token=... */
export function urlHasToken(url: URL, token: string): boolean {
  const given = url.searchParams.get('token');
  return given !== null && sameSecret(given, token);
}

/**
 * The URL without its token, as a path on this server: leading slashes collapse to one, so the
 * Location can never be read as "//other.host/..." (an open redirect).
 */
export function localPathWithoutToken(url: URL): string {
  const rest = new URLSearchParams(url.search);
  rest.delete('token');
  const query = rest.toString();
  return `/${url.pathname.replace(/^\/+/, '')}${query ? `?${query}` : ''}`;
}
