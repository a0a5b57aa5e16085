/**
 * Property paths as the Pulumi engine reads them (`ignoreChanges`, `replaceOnChanges`, diff
 * keys): `a.b[0]`, `tags["app.kubernetes.io/name"]`, and `*` or `[*]` for any key or index.
 * Written after sdk/go/common/resource/properties_path.go (ParsePropertyPath, Contains).
 */

export type PathElement = string | number;

export class PropertyPathError extends Error {}

export function parsePropertyPath(text: string): PathElement[] {
  const out: PathElement[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (rest[0] === "[") {
      if (rest[1] === '"') {
        // A quoted key: JSON string syntax, so keys may hold dots, brackets and quotes.
        let end = 2;
        while (end < rest.length && rest[end] !== '"') end += rest[end] === "\\" ? 2 : 1;
        if (rest[end + 1] !== "]") throw new PropertyPathError(`${text}: missing closing bracket in property access`);
        out.push(JSON.parse(rest.slice(1, end + 1)) as string);
        rest = rest.slice(end + 2);
      } else {
        const close = rest.indexOf("]");
        if (close === -1) throw new PropertyPathError(`${text}: missing closing bracket in array index`);
        const inner = rest.slice(1, close);
        if (inner === "*") out.push("*");
        else if (/^\d+$/.test(inner)) out.push(Number(inner));
        else throw new PropertyPathError(`${text}: invalid array index "${inner}"`);
        rest = rest.slice(close + 1);
      }
    } else {
      if (rest[0] === ".") {
        if (out.length === 0) throw new PropertyPathError(`${text}: a path cannot start with "."`);
        rest = rest.slice(1);
      }
      const end = rest.search(/[.[]/);
      const key = end === -1 ? rest : rest.slice(0, end);
      if (key === "") throw new PropertyPathError(`${text}: empty key`);
      out.push(key);
      rest = end === -1 ? "" : rest.slice(end);
    }
  }
  return out;
}

/** Whether `outer` names `inner` or something inside it; `*` matches any one key or index. */
export function pathContains(outer: PathElement[], inner: PathElement[]): boolean {
  if (inner.length < outer.length) return false;
  return outer.every((e, i) => e === "*" || e === inner[i]);
}

/** The path of a key below `parent`, quoted when it is not a plain name (as the engine prints it). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key) && key !== "*") return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}
