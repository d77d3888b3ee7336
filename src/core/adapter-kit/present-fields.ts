/**
 * The fields of a provider's answer that carry a value. Providers document
 * many fields as nullable (a card's BIN on a mobile-money payment, a
 * customer's phone); an adapter's output leaves such a field out rather than
 * passing the null on as if it were a value of the field's type.
 */
export function presentFields<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}
