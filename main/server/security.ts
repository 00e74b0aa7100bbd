import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces, hostname } from 'node:os';

/** Whether an address is a loopback one (safe to bind without a warning). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The host names (without port) the server answers to. A DNS-rebinding page reaches us under its own domain name, so
 * its requests carry a foreign Host and are refused; only loopback names, or this machine's addresses when bound to
 * all interfaces, are accepted. The port is not checked so that `ssh -L 9000:127.0.0.1:8787` works.
 */
export function allowedHosts(bindHost: string): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (!isLoopback(bindHost)) {
    if (bindHost === '0.0.0.0' || bindHost === '::') {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
      names.add(hostname().toLowerCase());
    } else names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost.toLowerCase());
  }
  return names;
}

/** The host name part of a Host header value ("[::1]:80" -> "[::1]"). */
function hostName(hostHeader: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(hostHeader);
  return (m?.[1] ?? '').toLowerCase();
}

/**
 * The session cookie's name. Cookies are shared by all ports of a host, so each server (by its listening port) has
 * its own, and two `tensorloom serve` on one machine do not overwrite each other's.
 */
export function cookieName(port: number): string {
  return `tensorloom_token_${port}`;
}

/** The request's token: `?token=` or the session cookie set when the page was first loaded with it. */
export function requestToken(req: IncomingMessage, url: URL, cookie = 'tensorloom_token'): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === cookie) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** Why a request must be refused, or null when it is allowed. */
export function refusal(req: IncomingMessage, url: URL, opts: { token: string; hosts: Set<string>; cookie?: string }): { status: number; reason: string } | null {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!opts.hosts.has(hostName(host))) return { status: 421, reason: `unexpected Host header '${host}'` };
  const origin = req.headers.origin;
  // Browsers send Origin on WebSocket upgrades and cross-origin requests; it must be the page this server served,
  // i.e. the same scheme-less host and port the request was addressed to (another local app's port is foreign).
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}` && origin.toLowerCase() !== `https://${host}`)
    return { status: 403, reason: `foreign Origin '${origin}'` };
  if (!tokenMatches(opts.token, requestToken(req, url, opts.cookie))) return { status: 401, reason: 'missing or wrong access token' };
  return null;
}
