// Which links the desktop app hands to the user's browser. Kept free of `electron` so it can be tested under Node.

/** Documentation sites the app links to; links there open without asking. */
const TRUSTED_LINK_HOSTS = [
  'js.tensorflow.org',
  'www.tensorflow.org',
  'keras.io',
  'pytorch.org',
  'github.com',
  'developer.mozilla.org',
] as const;

/**
 * What to do with a link the page tries to open: `open` https links to the trusted documentation sites, `ask` the
 * user about other https links (showing the full address), and `deny` everything else (file:, javascript:, custom
 * protocol handlers, plain http, links with credentials), which could start programs or leak data.
 */
export function linkDecision(url: string): 'open' | 'ask' | 'deny' {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'deny';
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return 'deny';
  return (TRUSTED_LINK_HOSTS as readonly string[]).includes(parsed.hostname.toLowerCase()) ? 'open' : 'ask';
}
