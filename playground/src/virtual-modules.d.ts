// Modules the playground's build generates (build.ts, playgroundPlugin).
declare module "rnnc-playground:examples" {
  export const EXAMPLES: { name: string; source: string }[];
}
