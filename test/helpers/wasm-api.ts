/** The WebAssembly global, typed for the tests that inspect the kernel modules (the project's TypeScript lib does not declare it). */
export const WA = (globalThis as unknown as { WebAssembly: {
  Module: { new (bytes: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[]; exports(m: object): { name: string; kind: string }[] };
  Instance: new (m: object, imports: object) => object;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => object;
} }).WebAssembly;
