import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHosts, cookieName, isLoopback, refusal, tokenMatches } from '../../main/server/security.js';

const token = 'secret-token';
const check = (headers: Record<string, string>, path = `/?token=${token}`, bind = '127.0.0.1') =>
  refusal({ headers } as unknown as IncomingMessage, new URL(path, 'http://x'), { token, hosts: allowedHosts(bind) });

describe('serve request checks', () => {
  it('allows the page and its own WebSocket, by token or by the session cookie', () => {
    expect(check({ host: '127.0.0.1:8787' })).toBeNull();
    expect(check({ host: 'localhost:8787', origin: 'http://localhost:8787' }, '/api?token=secret-token')).toBeNull();
    expect(check({ host: '127.0.0.1:8787', cookie: 'a=b; tensorloom_token=secret-token' }, '/assets/app.js')).toBeNull();
    expect(check({ host: '[::1]:8787' })).toBeNull();
  });

  it('allows an SSH tunnel on another local port (same-origin, loopback name)', () => {
    expect(check({ host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9000' })).toBeNull();
  });

  it("takes only this server's cookie: another serve on another port has its own", () => {
    const req = (cookie: string) => ({ headers: { host: '127.0.0.1:8787', cookie } }) as unknown as IncomingMessage;
    const opts = { token, hosts: allowedHosts('127.0.0.1'), cookie: cookieName(8787) };
    expect(refusal(req(`${cookieName(8787)}=${token}`), new URL('/a.js', 'http://x'), opts)).toBeNull();
    expect(refusal(req(`${cookieName(9000)}=${token}`), new URL('/a.js', 'http://x'), opts)).toMatchObject({ status: 401 });
  });

  it('refuses a missing or wrong token', () => {
    expect(check({ host: '127.0.0.1:8787' }, '/')).toMatchObject({ status: 401 });
    expect(check({ host: '127.0.0.1:8787' }, '/?token=secret-tokeN')).toMatchObject({ status: 401 });
    expect(check({ host: '127.0.0.1:8787', cookie: 'tensorloom_token=nope' }, '/x.js')).toMatchObject({ status: 401 });
  });

  it('refuses foreign origins, including another local app on another port', () => {
    expect(check({ host: '127.0.0.1:8787', origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect(check({ host: '127.0.0.1:8787', origin: 'http://127.0.0.1:3000' })).toMatchObject({ status: 403 });
    expect(check({ host: '127.0.0.1:8787', origin: 'null' })).toMatchObject({ status: 403 });
  });

  it('refuses unexpected Host headers (DNS rebinding), whatever the token', () => {
    expect(check({ host: 'evil.example:8787', origin: 'http://evil.example:8787' })).toMatchObject({ status: 421 });
    expect(check({ host: '127.0.0.1.evil.example:8787' })).toMatchObject({ status: 421 });
    expect(check({})).toMatchObject({ status: 421 });
  });

  it('accepts the bound address when not on loopback, and says which binds are loopback', () => {
    expect(check({ host: '192.168.1.5:8787' }, `/?token=${token}`, '192.168.1.5')).toBeNull();
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
});
