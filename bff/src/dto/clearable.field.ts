// PATCH bodies say "remove this value" with null; the contracts say it with an empty string in a
// proto3 `optional` field (unset still means "leave unchanged").
export function clearable(value: string | null | undefined): string | undefined {
  return value === null ? '' : value;
}
