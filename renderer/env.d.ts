// Vite bundles CSS imported for its side effect.
declare module '*.css';
// Vite gives a bundled asset's URL for `?url` imports (the ELK layout worker script).
declare module '*?url' {
  const url: string;
  export default url;
}
