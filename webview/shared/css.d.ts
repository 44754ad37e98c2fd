// esbuild bundles the stylesheets an entry imports into dist/<surface>.css.
declare module '*.css';
