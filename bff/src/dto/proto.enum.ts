// The one mapping between a contract enum (ts-proto string enum, values prefixed: EXPENSE_SOURCE_BANK)
// and its REST spelling (the name without the prefix: BANK). UNSPECIFIED and UNRECOGNIZED have no REST
// spelling: a request cannot send them and an upstream sending one is a bug (→ 500).
import { z } from 'zod';

export interface ProtoEnumCodec<N extends string, E extends string> {
  /** The REST enum, registered in OpenAPI under `id`. */
  schema: z.ZodEnum<{ [K in N]: K }>;
  toProto(name: N): E;
  fromProto(value: E): N;
}

export function protoEnum<const N extends string, E extends string>(
  values: Record<string, E>,
  prefix: string,
  names: readonly [N, ...N[]],
  id: string,
): ProtoEnumCodec<N, E> {
  const byName = new Map<N, E>();
  const byValue = new Map<E, N>();
  for (const name of names) {
    const value = values[`${prefix}${name}`];
    if (value === undefined) throw new Error(`${prefix}${name} is not in the contract`);
    byName.set(name, value);
    byValue.set(value, name);
  }
  return {
    schema: z.enum(names).meta({ id }),
    toProto: (name) => byName.get(name)!,
    fromProto(value) {
      const name = byValue.get(value);
      if (name === undefined) throw new Error(`Upstream sent an unknown ${id}: ${value}`);
      return name;
    },
  };
}
