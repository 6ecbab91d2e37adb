// The one mapping between a contract enum (ts-proto string enum, values prefixed: EXPENSE_SOURCE_BANK)
// and its REST spelling (the name without the prefix: BANK). UNSPECIFIED and UNRECOGNIZED have no REST
// spelling: a request cannot send them and an upstream sending one is a bug (→ 500).
import { z } from 'zod';
import { enumCodec } from '@family/service-kit';

export interface ProtoEnumCodec<N extends string, E extends string> {
  /** The REST enum, registered in OpenAPI under `id`. */
  schema: z.ZodEnum<{ [K in N]: K }>;
  toProto(name: N): E;
  fromProto(value: E): N;
}

/** The kit's enum codec (which checks `names` against the contract) with the REST schema beside it. */
export function protoEnum<const N extends string, E extends string>(
  values: Record<string, E>,
  prefix: string,
  names: readonly [N, ...N[]],
  id: string,
): ProtoEnumCodec<N, E> {
  const codec = enumCodec<N, E>(prefix, names, values);
  return {
    schema: z.enum(names).meta({ id }),
    toProto: (name) => codec.encode(name),
    fromProto(value) {
      // An unknown value throws in the codec; UNSPECIFIED has no REST spelling either.
      const name = codec.fromPeer(value);
      if (name === undefined) throw new Error(`Upstream sent an unspecified ${id}`);
      return name;
    },
  };
}
