// The one codec between a contract enum (ts-proto string enum, values prefixed: JAR_SPEND) and its
// domain name (SPEND). Every decoder refuses the same way: from a caller, UNSPECIFIED (or unset) is
// "not given" and anything else outside the allowed names is a violation on the field; from a peer
// (a response, a stored event), an unknown value is a bug and throws a plain error (masked INTERNAL).
import { AppError } from '@family/errors';

export interface EnumCodec<N extends string, E extends string> {
  readonly names: readonly N[];
  /** The contract value of a domain name. */
  encode(name: N): E;
  /** The contract value of an optional name (null/undefined → UNSPECIFIED). */
  encodeOptional(name: N | null | undefined): E;
  /** A caller's value: unset/UNSPECIFIED → undefined; unknown → INVALID_ARGUMENT on `field`. */
  decode(value: E | string | undefined, field: string): N | undefined;
  /** A caller's value that must be given. */
  require(value: E | string | undefined, field: string): N;
  /** A peer's value (trusted): unset/UNSPECIFIED → undefined; unknown → Error. */
  fromPeer(value: E | string | undefined): N | undefined;
}

export function enumCodec<const N extends string, E extends string>(
  prefix: string,
  names: readonly N[],
  values?: Record<string, E>,
): EnumCodec<N, E> {
  const unspecified = `${prefix}UNSPECIFIED`;
  const byValue = new Map<string, N>();
  for (const name of names) {
    const value = `${prefix}${name}`;
    if (values && !Object.values(values).includes(value as E)) throw new Error(`${value} is not in the contract`);
    byValue.set(value, name);
  }
  const allowed = `must be one of ${names.join(', ')}`;
  const lookup = (value: string | undefined): N | undefined | null => {
    if (value === undefined || value === '' || value === unspecified) return undefined;
    return byValue.get(value) ?? null;
  };
  return {
    names,
    encode: (name) => `${prefix}${name}` as E,
    encodeOptional: (name) => `${prefix}${name ?? 'UNSPECIFIED'}` as E,
    decode(value, field) {
      const name = lookup(value);
      if (name === null) throw AppError.invalidField(field, allowed);
      return name;
    },
    require(value, field) {
      const name = lookup(value);
      if (name === null || name === undefined) throw AppError.invalidField(field, allowed);
      return name;
    },
    fromPeer(value) {
      const name = lookup(value);
      if (name === null) throw new Error(`unknown ${prefix}* value from a peer: ${value}`);
      return name;
    },
  };
}
