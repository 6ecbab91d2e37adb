/** A GraphQL document the BFF knows by id (`sha256:` of its text); see operations.gen.ts. */
export interface PersistedOperation {
  readonly id: string;
  readonly document: string;
}
