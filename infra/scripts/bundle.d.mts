/** Bundles `apps/<service>/src/main.ts`; resolves to the output file, or undefined when the app has no entrypoint. */
export function bundleService(service: string, options?: { outDir?: string; quiet?: boolean }): Promise<string | undefined>;
