// A GraphQL answer with errors: the codes are the REST problem codes (FORBIDDEN, NOT_FOUND, …).

export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';

  constructor(
    readonly errors: GraphQLErrorEntry[],
    /** What did resolve, when some fields failed and others did not. */
    readonly data: unknown,
    /** The HTTP status of the answer (200 for field errors, 400 for a refused document, …). */
    readonly status: number,
  ) {
    super(errors.map((e) => (e.extensions?.code ? `${e.extensions.code}: ${e.message}` : e.message)).join('; '));
  }

  /** The first error's code, e.g. FORBIDDEN. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}
