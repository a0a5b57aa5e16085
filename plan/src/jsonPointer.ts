/** The JSON Pointers ajv reports where a value fails its schema (`/stacks/0/account`), read. */

/** A pointer as a dotted path (`stacks.0.account`); empty for the document itself. */
export const dottedPath = (pointer: string) => pointer.replace(/^\//, "").replace(/\//g, ".");

/** The value a pointer points at in a document; undefined when the path leaves it. */
export function valueAtPointer(doc: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .filter(Boolean)
    .reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), doc);
}
