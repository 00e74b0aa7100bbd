// Vite bundles CSS imported for its side effect.
declare module '*.css';
// Vite gives a bundled asset's URL for `?url` imports (the ELK layout worker script).
declare module '*?url' {
  const url: string;
  export default url;
}
// Vite inlines a file's text for `?raw` imports (the README shown by Help > Documentation).
declare module '*?raw' {
  const text: string;
  export default text;
}
