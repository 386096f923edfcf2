// Templates are embedded as strings: esbuild's text loader in the bundles, a tiny plugin in vitest.
declare module '*.md' {
  const text: string;
  export default text;
}
declare module '*.html' {
  const text: string;
  export default text;
}
