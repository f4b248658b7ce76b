// Modules the playground's build generates (build.ts, playgroundPlugin).
declare module "rnnc-playground:examples" {
  export const EXAMPLES: { name: string; source: string }[];
}
declare module "rnnc-playground:runtime" {
  /** The whole compiled-module runtime, bundled and formatted at build time. */
  export const RUNTIME: string;
}
