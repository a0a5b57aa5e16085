/**
 * Just enough markdown reading for the docs tests: the links, headings (as GitHub anchors)
 * and code spans of a page, outside fenced code blocks, where `[x](y)` is not a link.
 */

/** The page without its fenced code blocks (their lines blanked, so line numbers stay). */
export function withoutFences(text: string): string {
  let fence: string | undefined;
  return text
    .split("\n")
    .map((line) => {
      const m = /^\s*(```+|~~~+)/.exec(line);
      if (m && (fence === undefined || m[1].startsWith(fence))) {
        fence = fence === undefined ? m[1] : undefined;
        return "";
      }
      return fence === undefined ? line : "";
    })
    .join("\n");
}

/** Code spans (`…`) of the prose. */
export function codeSpans(text: string): string[] {
  return [...withoutFences(text).matchAll(/(`+)([^`]+?)\1/g)].map((m) => m[2].trim());
}

/** Inline links `[text](target)` of the prose (not in code spans). */
export function markdownLinks(text: string): { text: string; target: string; line: number }[] {
  const out: { text: string; target: string; line: number }[] = [];
  withoutFences(text)
    .split("\n")
    .forEach((line, i) => {
      const prose = line.replace(/(`+)[^`]*?\1/g, (s) => " ".repeat(s.length));
      for (const m of prose.matchAll(/\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ text: m[1], target: m[2], line: i + 1 });
    });
  return out;
}

/**
 * The anchors GitHub gives a page's headings: lower case, punctuation other than `-` and
 * `_` dropped, spaces to hyphens, `-1`, `-2`… for repeats (github-slugger's rules).
 */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutFences(text).split("\n")) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}
